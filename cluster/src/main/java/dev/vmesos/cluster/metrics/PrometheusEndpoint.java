package dev.vmesos.cluster.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics} in Prometheus's text format, beside Mesos's {@code /metrics/snapshot}: Vert.x's
 * own metrics ({@link VertxMetrics}) and the values of {@code /metrics/snapshot} as gauges named by
 * {@link #prometheusName}. The caller's router authenticates it as it does {@code /metrics/snapshot}.
 * Each scrape takes a fresh snapshot on the event loop that serves it (the verticle's).
 */
public final class PrometheusEndpoint {

  private static final Pattern ILLEGAL = Pattern.compile("[^a-zA-Z0-9_]");
  /** Suffixes Prometheus's client reserves for counters, histograms and info metrics. */
  private static final String[] RESERVED_SUFFIXES = {"_total", "_created", "_bucket", "_info", "_count", "_sum"};

  private final Supplier<Map<String, Double>> snapshot;
  private final Vertx vertx;
  private PrometheusMeterRegistry registry;
  /** The latest snapshot by Prometheus name: what the gauges read. */
  private final Map<String, Double> values = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new HashMap<>();

  private PrometheusEndpoint(Vertx vertx, Supplier<Map<String, Double>> snapshot) {
    this.vertx = vertx;
    this.snapshot = snapshot;
  }

  /** Adds {@code GET /metrics}; {@code snapshot} gives what {@code /metrics/snapshot} would answer. */
  public static void mount(Router router, Vertx vertx, Supplier<Map<String, Double>> snapshot) {
    PrometheusEndpoint endpoint = new PrometheusEndpoint(vertx, snapshot);
    router.get("/metrics").handler(ctx -> {
      endpoint.update();
      ctx.next();
    }).handler(ctx -> PrometheusScrapingHandler.create(endpoint.registry).handle(ctx));
  }

  /**
   * The Prometheus name of a Mesos metric: {@code mesos_} and the key with every character outside
   * {@code [a-zA-Z0-9_]} made {@code _} ({@code master/tasks_running} is
   * {@code mesos_master_tasks_running}); a name ending in a suffix that Prometheus reserves
   * ({@code _total}, {@code _count}, ...) gets {@code _value} after it
   * ({@code master/cpus_total} is {@code mesos_master_cpus_total_value}).
   */
  public static String prometheusName(String key) {
    String name = "mesos_" + ILLEGAL.matcher(key).replaceAll("_");
    for (String suffix : RESERVED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return name + "_value";
      }
    }
    return name;
  }

  private void update() {
    if (registry == null) {
      registry = VertxMetrics.registry(vertx).orElseGet(VertxMetrics::jvmOnlyRegistry);
    }
    Map<String, Double> fresh = new HashMap<>();
    Map<String, String> keys = new HashMap<>();
    snapshot.get().forEach((key, value) -> {
      String name = prometheusName(key);
      if (value != null && keys.putIfAbsent(name, key) == null) {
        fresh.put(name, value);
      }
    });
    values.putAll(fresh);
    Set<String> current = fresh.keySet();
    for (Iterator<Map.Entry<String, Gauge>> it = gauges.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Gauge> gauge = it.next();
      if (!current.contains(gauge.getKey())) {
        registry.remove(gauge.getValue());
        values.remove(gauge.getKey());
        it.remove();
      }
    }
    for (String name : current) {
      gauges.computeIfAbsent(name, n -> Gauge.builder(n, values, v -> v.getOrDefault(n, Double.NaN))
          .description("Mesos metric " + keys.get(n) + " (/metrics/snapshot)")
          .register(registry));
    }
  }
}
