package dev.vmesos.cluster;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the master's and the agent's HTTP servers do with a request that failed instead of being
 * answered: a client that went away is logged at DEBUG (Vert.x would log it as an ERROR with a stack
 * trace); a status set by a handler ({@code 413} from a body too large) is sent as is; anything else
 * is one WARN line and a {@code 500} with the reason, as Mesos answers an internal error.
 */
public final class RouterFailures {

  private static final Logger LOG = LoggerFactory.getLogger(RouterFailures.class);

  private RouterFailures() {
  }

  /** Adds the failure handler to every route of {@code router}; returns the router. */
  public static Router install(Router router, String server) {
    router.route().failureHandler(ctx -> handle(ctx, server));
    return router;
  }

  private static void handle(RoutingContext ctx, String server) {
    HttpServerResponse response = ctx.response();
    String request = ctx.request().method() + " " + ctx.request().path();
    Throwable failure = ctx.failure();
    if (response.closed()) {
      LOG.debug("{}: {} ended early, the client closed the connection ({})", server, request,
          failure == null ? "no cause" : failure.toString());
      return;
    }
    int status = failure == null && ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    String reason = failure == null ? HttpResponseStatus.valueOf(status).reasonPhrase()
        : "Internal error: " + failure;
    if (status >= 500) {
      LOG.warn("{}: {} failed: {}", server, request, reason);
    } else {
      LOG.info("{}: {} refused with {}", server, request, status);
    }
    if (response.headWritten()) {
      // A stream already under way (an event stream, say) cannot change its status: end it.
      response.reset();
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason);
  }
}
