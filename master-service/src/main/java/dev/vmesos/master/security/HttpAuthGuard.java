package dev.vmesos.master.security;

import dev.vmesos.api.security.Acls;
import dev.vmesos.api.security.HttpBasic;
import dev.vmesos.master.http.Responses;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every master request: authenticates it when its endpoint's class requires
 * it ({@link EndpointKind}, {@link MasterSecurity}) and leaves the principal on the routing context
 * for the endpoints' authorization ({@link #principal}). A request that must authenticate and does
 * not is answered 401 with the realm's challenge, before any endpoint sees it, so no endpoint can
 * miss the check. Where authentication is off, a request has no principal (Mesos's ANY subject),
 * whatever {@code Authorization} header it sends, as in Mesos.
 *
 * <p>It also checks {@code get_endpoints} for {@code /metrics/snapshot}, the master endpoint Mesos
 * authorizes by path, and for Prometheus's {@code /metrics} beside it.
 */
public final class HttpAuthGuard implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(HttpAuthGuard.class);
  private static final String PRINCIPAL = "vmesos.principal";

  private final MasterSecurity security;

  public HttpAuthGuard(MasterSecurity security) {
    this.security = security;
  }

  /** The principal the request authenticated as; null when it did not (or did not have to). */
  public static String principal(RoutingContext context) {
    return context.get(PRINCIPAL);
  }

  @Override
  public void handle(RoutingContext context) {
    // The path the router matches on (dot segments removed, %-escapes of unreserved characters
    // decoded), so that no spelling of a path reaches its endpoint past this check.
    String path = context.normalizedPath();
    EndpointKind kind = EndpointKind.of(path == null ? "/" : path);
    String principal = null;
    if (security.required(kind)) {
      HttpBasic.Result result = HttpBasic.authenticate(context.request().getHeader("Authorization"),
          security.credentials().orElseThrow());
      if (result instanceof HttpBasic.Refused refused) {
        LOG.info("401 for {} {} from {}: {}", context.request().method(), path, context.request().remoteAddress(),
            refused.reason());
        HttpBasic.unauthorized(context.response(), kind.realm(), refused.reason());
        return;
      }
      principal = ((HttpBasic.Authenticated) result).principal();
      context.put(PRINCIPAL, principal);
    }
    if (path != null && (path.equals("/metrics/snapshot") || path.equals("/metrics"))
        && !security.acls().allows(Acls.Action.GET_ENDPOINTS, principal, path)) {
      LOG.info("403 for GET {} of principal {}: get_endpoints", path, principal);
      Responses.text(context.response(), 403, Acls.Action.GET_ENDPOINTS.refusal(path));
      return;
    }
    context.next();
  }
}
