package dev.vmesos.agent.http;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.security.HttpBasic;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic on the agent's endpoints, in Mesos's agent realms: with
 * {@code --authenticate_http_readonly} the read-only ones ({@code /state}, {@code /flags},
 * {@code /files/*}, {@code /metrics/snapshot}, {@code /containers}, {@code /monitor/statistics}) in
 * realm {@value #READONLY_REALM}; with {@code --authenticate_http_readwrite} the operator API
 * ({@code /api/v1}) in realm {@value #READWRITE_REALM}. A request without valid credentials from
 * {@code --http_credentials} is answered 401 with that realm's challenge before any handler sees it.
 * {@code /health} and {@code /version} stay open, as on Mesos; the executor API has its own tokens.
 * The path is classified after normalisation, so {@code /x/../state} is {@code /state}.
 */
public final class AgentHttpAuthentication {

  public static final String READONLY_REALM = "mesos-agent-readonly";
  public static final String READWRITE_REALM = "mesos-agent-readwrite";
  /** Where an authenticated request's principal is left on the routing context. */
  public static final String PRINCIPAL_KEY = "vmesos.agent.principal";
  private static final Logger LOG = LoggerFactory.getLogger(AgentHttpAuthentication.class);

  private AgentHttpAuthentication() {
  }

  /** The realm that guards {@code path}, or empty for an open one. */
  static Optional<String> realmOf(String path) {
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/api/v1") || p.equals("/logging/toggle")) {
      return Optional.of(READWRITE_REALM);
    }
    if (p.equals("/state") || p.equals("/state.json") || p.equals("/flags") || p.startsWith("/files/")
        || p.equals("/metrics/snapshot") || p.equals("/metrics") || p.equals("/containers") || p.startsWith("/monitor/statistics")
        || p.equals("/containerizer/debug")) {
      return Optional.of(READONLY_REALM);
    }
    return Optional.empty();
  }

  /** Installs the check in front of every route of {@code router}; nothing when neither flag is on. */
  public static void install(Router router, boolean readonly, boolean readwrite, Optional<Credentials> credentials) {
    if (!readonly && !readwrite) {
      return;
    }
    Credentials accepted = credentials.orElseThrow(() -> new IllegalArgumentException("no --http_credentials"));
    router.route().order(-1_000).handler(context -> check(context, readonly, readwrite, accepted));
  }

  private static void check(RoutingContext context, boolean readonly, boolean readwrite, Credentials accepted) {
    Optional<String> realm = realmOf(context.normalizedPath());
    boolean guarded = realm.map(r -> r.equals(READONLY_REALM) ? readonly : readwrite).orElse(false);
    if (!guarded) {
      context.next();
      return;
    }
    HttpBasic.Result result = HttpBasic.authenticate(context.request().getHeader("Authorization"), accepted);
    if (result instanceof HttpBasic.Refused refused) {
      LOG.info("Refusing {} {} from {}: {}", context.request().method(), context.normalizedPath(),
          context.request().remoteAddress(), refused.reason());
      HttpBasic.unauthorized(context.response(), realm.get(), refused.reason());
      return;
    }
    if (result instanceof HttpBasic.Authenticated authenticated) {
      context.put(PRINCIPAL_KEY, authenticated.principal());
    }
    context.next();
  }
}
