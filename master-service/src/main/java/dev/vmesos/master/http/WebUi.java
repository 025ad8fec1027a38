package dev.vmesos.master.http;

import dev.vmesos.api.config.TlsConfig;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Master;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's web UI: a static app ({@code GET /}, assets under {@code /static/}) from this jar's
 * resources ({@code vmesos-webui/}), with the uPlot chart library from its WebJar (Maven Central,
 * pinned in the pom) under {@code /static/lib/uplot/}, so nothing is fetched at run time. The app
 * reads the cluster from the operator API ({@code /api/v1} GET_STATE and its SUBSCRIBE stream) and
 * the vmesos extension API ({@code /api/v1/vmesos}); it has no endpoint of its own but one:
 *
 * <p>The sandbox relay {@code GET /agents/<agent_id>/files/{browse,read,download}?path=...} and
 * {@code GET /agents/<agent_id>/state} (where Mesos's UI, too, finds a task's sandbox directory): a
 * browser on the master's origin cannot ask an agent itself (another origin, and often a network it
 * cannot reach), so the master relays the request to the agent's own {@code /files/...} or
 * {@code /state} at the
 * address it registered with (its {@code AgentInfo} host name and port, the {@code pid} /state
 * shows), over HTTPS when the master's TLS is on, and passes on the request's {@code Authorization}
 * header so the agent checks {@code access_sandboxes} for the same principal. Only registered
 * agents are relayed to, so the relay reaches no other address. Mesos's own UI asks agents directly;
 * the relay's answers are the agent's (status, type, body), 404 for an agent the master does not
 * know, 503 for an unreachable one and 502 when the agent cannot be reached.
 */
public final class WebUi {

  private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);

  /** The class-path directory of the app (index.html, static/). */
  static final String ROOT = "vmesos-webui";
  private static final Set<String> FILE_CALLS = Set.of("browse", "read", "download");
  /** The agent's query parameters of {@code /files/*}; nothing else is relayed. */
  private static final String[] FILE_PARAMS = {"path", "offset", "length"};
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final long RELAY_TIMEOUT_MS = 30_000;

  private WebUi() {
  }

  /**
   * Mounts the app and the sandbox relay.
   *
   * @param master     the state of the term this master leads; null while it does not lead
   * @param leaderOnly the master's handler that lets a request through on the leader and redirects
   *                   it (307) to the leader on a standby, so a browser always lands on the leader
   * @param tls        the master's TLS: with it on, agents are asked over HTTPS with the master's
   *                   certificate (for agents that require client certificates)
   */
  public static void mount(Router router, Vertx vertx, Supplier<Master> master, Handler<RoutingContext> leaderOnly,
                           TlsConfig tls) {
    StaticHandler index = StaticHandler.create(ROOT).setIndexPage("index.html").setCachingEnabled(false);
    router.get("/").handler(leaderOnly).handler(index);
    router.get("/static/lib/uplot/*").handler(StaticHandler.create(uplotRoot() + "/dist"));
    router.get("/static/*").handler(StaticHandler.create(ROOT + "/static").setCachingEnabled(false));
    HttpClient client = vertx.createHttpClient(clientOptions(tls));
    router.get("/agents/:agentId/files/:call").handler(leaderOnly).handler(ctx -> {
      String call = ctx.pathParam("call");
      if (FILE_CALLS.contains(call)) {
        relay(ctx, client, master.get(), tls.enabled(), "/files/" + call, FILE_PARAMS);
      } else {
        Responses.text(ctx.response(), 404, "Not found: " + ctx.request().path()
            + " (an agent's files are at /agents/<agent_id>/files/browse, /read or /download)");
      }
    });
    router.get("/agents/:agentId/state").handler(leaderOnly)
        .handler(ctx -> relay(ctx, client, master.get(), tls.enabled(), "/state", new String[0]));
  }

  /** The WebJar's directory, named after the version its own pom.properties gives (not written here twice). */
  static String uplotRoot() {
    try (InputStream in = WebUi.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the uplot WebJar is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return "META-INF/resources/webjars/uplot/" + properties.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the uplot WebJar's version: " + e.getMessage(), e);
    }
  }

  static HttpClientOptions clientOptions(TlsConfig tls) {
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setKeepAlive(true);
    if (tls.enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile())
          .setKeyPath(tls.keyFile()));
      if (tls.verifyServerCert()) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().orElseThrow())).setVerifyHost(true);
      } else {
        options.setTrustAll(true).setVerifyHost(false);
      }
    }
    return options;
  }

  private static void relay(RoutingContext ctx, HttpClient client, Master master, boolean https, String agentPath,
                            String[] relayedParams) {
    String agentId = ctx.pathParam("agentId");
    if (master == null) {
      Responses.text(ctx.response(), 503, "Master has not finished recovery");
      return;
    }
    Agent agent = master.agents().get(agentId);
    if (agent == null) {
      if (master.unreachableAgents().containsKey(agentId)) {
        Responses.text(ctx.response(), 503, "Agent '" + agentId + "' is unreachable");
      } else {
        Responses.text(ctx.response(), 404, "Agent '" + agentId + "' is not registered");
      }
      return;
    }
    String host = agent.info().getHostname();
    int port = agent.info().getPort();
    StringBuilder uri = new StringBuilder(agentPath);
    MultiMap params = ctx.request().params();
    char separator = '?';
    for (String name : relayedParams) {
      for (String value : params.getAll(name)) {
        uri.append(separator).append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        separator = '&';
      }
    }
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI(uri.toString()).setSsl(https).setIdleTimeout(RELAY_TIMEOUT_MS);
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    String where = (https ? "https://" : "http://") + host + ":" + port + uri;
    client.request(request)
        .compose(outgoing -> outgoing.send())
        .onSuccess(answer -> {
          LOG.debug("Relayed GET {} of agent {} to {}: {}", ctx.request().uri(), agentId, where, answer.statusCode());
          ctx.response().setStatusCode(answer.statusCode());
          for (CharSequence header : new CharSequence[] {HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH,
              HttpHeaders.CONTENT_DISPOSITION, "WWW-Authenticate"}) {
            String value = answer.getHeader(header);
            if (value != null) {
              ctx.response().putHeader(header, value);
            }
          }
          if (answer.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            ctx.response().setChunked(true);
          }
          answer.pipeTo(ctx.response()).onFailure(e ->
              LOG.info("Relay of {} from agent {} broke off: {}", uri, agentId, e.toString()));
        })
        .onFailure(e -> {
          LOG.warn("Cannot relay GET {} to agent {} at {}: {}", ctx.request().uri(), agentId, where, e.toString());
          if (!ctx.response().headWritten()) {
            Responses.text(ctx.response(), 502, "Cannot reach agent '" + agentId + "' at " + host + ":" + port
                + ": " + e.getMessage());
          }
        });
  }
}
