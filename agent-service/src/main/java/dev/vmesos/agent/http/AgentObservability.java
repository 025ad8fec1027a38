package dev.vmesos.agent.http;

import dev.vmesos.cluster.logging.LoggingRoutes;
import dev.vmesos.cluster.metrics.PrometheusEndpoint;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's metrics and logging endpoints: Prometheus {@code /metrics} beside
 * {@code /metrics/snapshot} (read-only realm) and {@code /logging/toggle} (read-write realm), as
 * {@link AgentHttpAuthentication} classifies them.
 */
public final class AgentObservability {

  private AgentObservability() {
  }

  /** {@code metrics} gives what {@code /metrics/snapshot} answers, on the agent's event loop. */
  public static void mount(Router router, Vertx vertx, Supplier<Map<String, Double>> metrics) {
    PrometheusEndpoint.mount(router, vertx, metrics);
    LoggingRoutes.mountToggle(router);
  }
}
