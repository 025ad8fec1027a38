package dev.vmesos.agent.http;

import dev.vmesos.cluster.RouterFailures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The agent's HTTP routes: {@code GET /health} (200, or 503 with the reason while the agent is
 * unhealthy) and {@code GET /state} (also {@code /state.json}).
 */
public final class AgentHttpApi {

  private AgentHttpApi() {
  }

  /** {@code state} is called on the verticle's event loop, where the task table lives. */
  public static Router router(Vertx vertx, Supplier<JsonObject> state) {
    return router(vertx, state, java.util.Optional::empty);
  }

  /** Same, {@code /health} answering 503 with the reason while {@code problem} names one. */
  public static Router router(Vertx vertx, Supplier<JsonObject> state, Supplier<java.util.Optional<String>> problem) {
    Router router = RouterFailures.install(Router.router(vertx), "agent");
    router.get("/health").handler(ctx -> problem.get().ifPresentOrElse(
        why -> ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8").end(why),
        () -> ctx.response().setStatusCode(200).end()));
    router.get("/state").handler(ctx -> ctx.json(state.get()));
    router.get("/state.json").handler(ctx -> ctx.json(state.get()));
    return router;
  }

  /**
   * Adds {@code GET /metrics/snapshot} ({@code metrics} is called on the verticle's event loop) and
   * {@code GET /files/browse|read|download}, which serve only paths inside {@code workDir}.
   */
  public static Router withFilesAndMetrics(Router router, Vertx vertx, FilesEndpoint files,
      Supplier<JsonObject> metrics) {
    router.get("/metrics/snapshot").handler(ctx -> ctx.json(metrics.get()));
    files.mount(vertx, router);
    return router;
  }
}
