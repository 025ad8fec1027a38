package dev.vmesos.cluster.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics} in Prometheus's text format, beside Mesos's {@code /metrics/snapshot}: Vert.x's
 * own metrics ({@link VertxMetrics}) and the values of {@code /metrics/snapshot} as gauges
 * ({@link #series}). The caller's router authenticates it as it does {@code /metrics/snapshot}.
 * Each scrape takes a fresh snapshot on the event loop that serves it (the verticle's).
 */
public final class PrometheusEndpoint {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrometheusEndpoint.class);
  private static final Pattern ILLEGAL = Pattern.compile("[^a-zA-Z0-9_]");
  /** Suffixes Prometheus's client reserves for counters, histograms and info metrics. */
  private static final String[] RESERVED_SUFFIXES = {"_total", "_created", "_bucket", "_info", "_count", "_sum"};

  private final Supplier<Map<String, Double>> snapshot;
  private final Vertx vertx;
  private PrometheusMeterRegistry registry;
  /** The latest snapshot by series: what the gauges read. */
  private final Map<Series, Double> values = new ConcurrentHashMap<>();
  private final Map<Series, Gauge> gauges = new HashMap<>();

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

  /** One Prometheus series: a metric name and its labels. */
  public record Series(String name, List<Tag> tags) {
  }

  /**
   * The series of a Mesos metric: a role or a framework in the key ({@code .../roles/<role>/...},
   * {@code .../frameworks/<id>/...}) becomes a label ({@code role}, {@code framework}), so that
   * {@code allocator/mesos/roles/web/shares/dominant} is
   * {@code mesos_allocator_mesos_roles_shares_dominant{role="web"}}; the rest is named by
   * {@link #prometheusName}.
   */
  public static Series series(String key) {
    String[] parts = key.split("/", -1);
    List<String> name = new ArrayList<>();
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String label = parts[i].equals("roles") ? "role" : parts[i].equals("frameworks") ? "framework" : null;
      // Only a segment between "roles"/"frameworks" and more of the name is a role or a framework.
      if (label != null && i + 2 < parts.length && !parts[i + 1].isEmpty()) {
        name.add(parts[i]);
        tags.add(Tag.of(label, parts[i + 1]));
        i++;
      } else {
        name.add(parts[i]);
      }
    }
    return new Series(prometheusName(String.join("/", name)), List.copyOf(tags));
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
    Map<Series, Double> fresh = new HashMap<>();
    Map<Series, String> keys = new HashMap<>();
    snapshot.get().forEach((key, value) -> {
      Series series = series(key);
      if (value != null && keys.putIfAbsent(series, key) == null) {
        fresh.put(series, value);
      }
    });
    values.putAll(fresh);
    for (Iterator<Map.Entry<Series, Gauge>> it = gauges.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Series, Gauge> gauge = it.next();
      if (!fresh.containsKey(gauge.getKey())) {
        registry.remove(gauge.getValue());
        values.remove(gauge.getKey());
        it.remove();
      }
    }
    for (Series series : fresh.keySet()) {
      if (gauges.containsKey(series)) {
        continue;
      }
      try {
        gauges.put(series, Gauge.builder(series.name(), values, v -> v.getOrDefault(series, Double.NaN))
            .tags(series.tags())
            .description("Mesos metric " + keys.get(series).replaceAll("/(roles|frameworks)/[^/]+/", "/$1/*/")
                + " (/metrics/snapshot)")
            .register(registry));
      } catch (IllegalArgumentException e) {
        // A name already registered with other labels: Prometheus would not accept both.
        values.remove(series);
        LOG.debug("Not in /metrics: {} ({})", keys.get(series), e.getMessage());
      }
    }
  }
}
