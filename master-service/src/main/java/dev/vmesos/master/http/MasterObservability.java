package dev.vmesos.master.http;

import dev.vmesos.cluster.logging.LoggingRoutes;
import dev.vmesos.cluster.metrics.PrometheusEndpoint;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The master's metrics and logs endpoints: Prometheus {@code /metrics}, {@code /logging/toggle}, and
 * the master's log as the virtual file {@code /master/log} of {@code /files/*} (Mesos's master has it
 * when it logs to {@code --log_dir}). Served by any master, leading or not, as libprocess serves them;
 * {@link dev.vmesos.master.security.EndpointKind} puts them in Mesos's realms.
 */
public final class MasterObservability {

  /** Mesos's name of the master's log file in {@code /files}. */
  public static final String LOG_PATH = "/master/log";

  private MasterObservability() {
  }

  /** {@code metrics} gives what {@code /metrics/snapshot} answers, on the master's event loop. */
  public static void mount(Router router, Vertx vertx, Supplier<Map<String, Double>> metrics) {
    PrometheusEndpoint.mount(router, vertx, metrics);
    LoggingRoutes.mountToggle(router);
    LoggingRoutes.mountLogFile(router, LOG_PATH);
  }
}
