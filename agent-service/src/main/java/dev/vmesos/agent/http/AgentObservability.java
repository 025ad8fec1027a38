package dev.vmesos.agent.http;

import dev.vmesos.cluster.logging.LoggingRoutes;
import dev.vmesos.cluster.metrics.PrometheusEndpoint;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's metrics and logging endpoints: Prometheus {@code /metrics} beside
 * {@code /metrics/snapshot} (read-only realm), {@code /logging/toggle} (read-write realm), as
 * {@link AgentHttpAuthentication} classifies them, and the agent's log as the virtual file
 * {@code /slave/log} of {@code /files/*} (Mesos's agent name) while it logs to {@code --log_dir}.
 */
public final class AgentObservability {

  /** Mesos's name of the agent's log file in {@code /files}. */
  public static final String LOG_PATH = "/slave/log";

  private AgentObservability() {
  }

  /** {@code metrics} gives what {@code /metrics/snapshot} answers, on the agent's event loop. */
  public static void mount(Router router, Vertx vertx, Supplier<Map<String, Double>> metrics) {
    PrometheusEndpoint.mount(router, vertx, metrics);
    LoggingRoutes.mountToggle(router);
    LoggingRoutes.mountLogFileBefore(router, LOG_PATH);
  }
}
