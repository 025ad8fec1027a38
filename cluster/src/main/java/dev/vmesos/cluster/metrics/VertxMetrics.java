package dev.vmesos.cluster.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Vert.x's own metrics (HTTP server and client, event bus, pools, JVM and process) through
 * Micrometer into a Prometheus registry, one registry per Vert.x instance, for {@code /metrics}.
 *
 * <p>Labels are bounded so that a master with 10,000 agents keeps a small registry: HTTP method,
 * status code and route (the router's path patterns, never the request path), the event bus's side
 * and failure, but not its address: each agent has an address of its own ({@code vmesos.agent.<id>}),
 * and so does each master peer.
 */
public final class VertxMetrics {

  /** {@code false} turns Vert.x's own metrics off (for comparing its overhead). */
  public static final String ENABLED_PROPERTY = "vmesos.vertx_metrics";

  /** Registries of the Vert.x instances built by {@link #builder}. */
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private VertxMetrics() {
  }

  /**
   * A Vert.x builder with {@code options} and metrics into a new registry; {@link #remember} the Vert.x
   * it builds. With {@code -Dvmesos.vertx_metrics=false} Vert.x measures nothing ({@code /metrics} then
   * has the JVM's and Mesos's metrics only).
   */
  public static Metered builder(VertxOptions options) {
    if ("false".equals(System.getProperty(ENABLED_PROPERTY))) {
      return new Metered(Vertx.builder().with(options), jvmOnlyRegistry());
    }
    PrometheusMeterRegistry registry = newRegistry();
    options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.EB_SIDE, Label.EB_FAILURE,
            Label.POOL_TYPE, Label.POOL_NAME)));
    return new Metered(Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)), registry);
  }

  /** A builder and the registry its Vert.x reports to. */
  public record Metered(VertxBuilder builder, PrometheusMeterRegistry registry) {

    /** Records that {@code vertx} (built by {@link #builder}) reports to {@link #registry}. */
    public Vertx remember(Vertx vertx) {
      REGISTRIES.put(vertx, registry);
      return vertx;
    }
  }

  /** A process's local (not clustered) Vert.x with metrics. */
  public static Vertx local() {
    Metered metered = builder(new VertxOptions());
    return metered.remember(metered.builder().build());
  }

  /** The registry of a Vert.x built with metrics; empty for any other (tests, in-process clusters). */
  public static Optional<PrometheusMeterRegistry> registry(Vertx vertx) {
    return Optional.ofNullable(REGISTRIES.get(vertx));
  }

  /** A Prometheus registry with the JVM's and the process's metrics bound. */
  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /** A registry for a Vert.x without metrics: the JVM's, the process's and GC's metrics only. */
  static PrometheusMeterRegistry jvmOnlyRegistry() {
    PrometheusMeterRegistry registry = newRegistry();
    new JvmGcMetrics().bindTo(registry);
    return registry;
  }
}
