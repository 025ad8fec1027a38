package dev.vmesos.deploy.cli;

import dev.vmesos.client.ClientSecurity;
import dev.vmesos.client.LeaderDiscovery;
import dev.vmesos.client.MasterAddress;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's HTTP: finds the leading master among {@code --master}'s addresses (its {@code /redirect},
 * as Mesos clients do), makes operator API calls in JSON ({@code POST /api/v1}), vmesos's
 * {@code /master/kill_task}, and reads agents' {@code /flags} and {@code /files/read}. Credentials
 * (HTTP Basic) and TLS as {@link ClientSecurity} says, to the agents too. Blocking: the CLI runs one
 * request at a time on its main thread.
 */
final class ClusterApi implements AutoCloseable {

  static final int TIMEOUT_MS = 10_000;

  private final List<MasterAddress> masters;
  private final ClientSecurity security;
  private final Vertx vertx;
  private final HttpClientAgent http;
  private MasterAddress leader;

  ClusterApi(List<MasterAddress> masters, ClientSecurity security) {
    this.masters = List.copyOf(masters);
    this.security = security;
    this.vertx = Vertx.vertx();
    // One connection per call: a command makes a few calls, and a kept-alive connection the master had
    // closed meanwhile could leave the next call waiting for the pool (CliEndToEndTest hung so in CI).
    this.http = vertx.createHttpClient(security.apply(new HttpClientOptions().setConnectTimeout(TIMEOUT_MS)
        .setKeepAlive(false)));
  }

  /** The leading master, found once through the first master that answers. */
  MasterAddress leader() throws CliException {
    if (leader != null) {
      return leader;
    }
    List<String> failures = new ArrayList<>();
    for (MasterAddress master : masters) {
      try {
        leader = LeaderDiscovery.leader(http, master, security).await(2L * TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return leader;
      } catch (Exception e) {
        failures.add(master + ": " + describe(e));
      }
    }
    throw new CliException("cannot reach a leading master (" + String.join("; ", failures) + ")");
  }

  /** An operator API call without arguments ({@code GET_STATE}, ...), answered in JSON. */
  JsonObject call(String type) throws CliException {
    MasterAddress master = leader();
    Answer answer = send(master, HttpMethod.POST, "/api/v1", "application/json",
        Buffer.buffer(new JsonObject().put("type", type).encode()), "the master at " + master);
    if (answer.status() != 200) {
      throw failure("the master at " + master, "POST /api/v1 " + type, answer);
    }
    return json(answer, "the master at " + master);
  }

  /** vmesos's {@code POST /master/kill_task}: the master kills the task as its framework would. */
  void killTask(String taskId, String frameworkId) throws CliException {
    MasterAddress master = leader();
    String form = "taskId=" + URLEncoder.encode(taskId, StandardCharsets.UTF_8)
        + "&frameworkId=" + URLEncoder.encode(frameworkId, StandardCharsets.UTF_8);
    Answer answer = send(master, HttpMethod.POST, "/master/kill_task", "application/x-www-form-urlencoded",
        Buffer.buffer(form), "the master at " + master);
    if (answer.status() != 200) {
      throw failure("the master at " + master, "POST /master/kill_task", answer);
    }
  }

  /** {@code GET uri} on an agent, answered in JSON; a 404 answers null. */
  JsonObject agentGet(String host, int port, String uri) throws CliException {
    MasterAddress agent = new MasterAddress(host, port, leader().tls());
    String who = "the agent at " + host + ":" + port;
    Answer answer = send(agent, HttpMethod.GET, uri, null, null, who);
    if (answer.status() == 404) {
      return null;
    }
    if (answer.status() != 200) {
      throw failure(who, "GET " + uri.replaceAll("\\?.*", ""), answer);
    }
    return json(answer, who);
  }

  private record Answer(int status, String body) {
  }

  private Answer send(MasterAddress to, HttpMethod method, String uri, String contentType, Buffer body, String who)
      throws CliException {
    RequestOptions options = security.apply(new RequestOptions().setMethod(method).setHost(to.host())
        .setPort(to.port()).setURI(uri).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS), to);
    options.putHeader(HttpHeaders.ACCEPT, "application/json");
    if (contentType != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    try {
      // The body is taken on the event loop, as the response comes: read later, it may be gone.
      return http.request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(response -> response.body()
              .map(bytes -> new Answer(response.statusCode(), bytes.toString(StandardCharsets.UTF_8))))
          // Bounded whatever happens below: a command answers or says why, it never hangs.
          .await(2L * TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new CliException("cannot reach " + who + ": " + describe(e));
    }
  }

  private static CliException failure(String who, String what, Answer answer) {
    String reason = answer.body().isBlank() ? "" : ": " + answer.body().strip();
    return switch (answer.status()) {
      case 401 -> new CliException(who + " requires authentication for " + what
          + ": give --principal and --secret (or VMESOS_PRINCIPAL and VMESOS_SECRET)");
      case 403 -> new CliException(who + " refused " + what + " (403)" + reason);
      default -> new CliException(who + " answered " + what + " with " + answer.status() + reason);
    };
  }

  private static JsonObject json(Answer answer, String who) throws CliException {
    try {
      return new JsonObject(answer.body());
    } catch (DecodeException e) {
      throw new CliException(who + " answered something that is not JSON: "
          + answer.body().substring(0, Math.min(200, answer.body().length())));
    }
  }

  private static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
