package dev.vmesos.deploy.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.SchedulerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.junit.jupiter.api.Test;

/**
 * Metrics and logs of a real master and a real agent, each a process of its own with
 * {@code --log_dir}: Prometheus {@code /metrics} parsed by a text-format parser, the log files and
 * their rotation (at 16 KB here), verbosity set through {@code /logging/toggle} and
 * SET_LOGGING_LEVEL that reverts after its duration, bad requests answered 400, and the master's
 * log read back through READ_FILE and {@code /files/read}.
 */
class ObservabilityEndToEndTest extends ProcessClusterTest {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern LOG_LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) \\S+ - .*");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metricsParseAndLogsRotateAndLevelsChangeAtRunTime() throws Exception {
    Path masterLogs = workDir.resolve("logs-master");
    Path agentLogs = workDir.resolve("logs-agent");
    cluster = new MasterProcesses(MasterProcesses.Layout.of(workDir, "vmesos-obs-" + UUID.randomUUID(), 1, 1,
        15470, 15781, 15571, "cpus:2;mem:1024;disk:1024")
        .withMasterFlags("--log_dir=" + masterLogs)
        .withAgentFlags("--log_dir=" + agentLogs))
        .withJavaOptions("-Dvmesos.log_max_size=16KB", "-Dvmesos.log_max_files=2")
        .start();
    int leader = cluster.awaitLeader(Duration.ofSeconds(90));
    cluster.awaitAgentsRegistered(leader, 1, Duration.ofSeconds(60));
    String master = "http://127.0.0.1:" + cluster.masterPort(leader);
    String agent = "http://127.0.0.1:" + cluster.agentPort(0);

    // Logs are in <log_dir>/master.log and agent.log, one line per event in the usual format.
    Path masterLog = masterLogs.resolve("master.log");
    assertThat(masterLog).exists();
    assertThat(agentLogs.resolve("agent.log")).exists();
    assertThat(Files.readAllLines(masterLog).get(0)).matches(LOG_LINE);
    assertThat(new JsonObject(get(master + "/flags").body()).getJsonObject("flags").getString("log_dir"))
        .isEqualTo(masterLogs.toString());

    // Prometheus /metrics parses on both, with Mesos's values, Vert.x's and the JVM's.
    List<MetricFamily> masterMetrics = scrape(master + "/metrics");
    assertThat(gauge(masterMetrics, "mesos_master_elected")).isEqualTo(1.0);
    assertThat(gauge(masterMetrics, "mesos_master_slaves_active")).isEqualTo(1.0);
    assertThat(names(masterMetrics)).anyMatch(n -> n.startsWith("vertx_http_server_"))
        .anyMatch(n -> n.startsWith("vertx_eventbus_")).anyMatch(n -> n.startsWith("jvm_memory_"))
        .anyMatch(n -> n.startsWith("process_"));
    // A framework of role "obs": its role's and its own dominant shares are series labelled by them.
    vertx = Vertx.vertx();
    RecordedStream events = new RecordedStream();
    SchedulerClient scheduler = new SchedulerClient(vertx, "127.0.0.1", cluster.masterPort(leader), MediaType.JSON);
    scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("obs").setRole("obs").build(),
        events::onEvent, events::onClose).await(10, TimeUnit.SECONDS);
    MasterProcesses.await(Duration.ofSeconds(10), "SUBSCRIBED", () -> events.count(Event.Type.SUBSCRIBED) == 1);
    String frameworkId = events.events().get(0).event().getSubscribed().getFrameworkId().getValue();
    MasterProcesses.await(Duration.ofSeconds(10), "the framework's shares in /metrics", () -> {
      List<MetricFamily> withFramework = scrape(master + "/metrics");
      return labelled(withFramework, "mesos_allocator_mesos_roles_shares_dominant").contains("role=obs")
          && labelled(withFramework, "mesos_allocator_mesos_frameworks_shares_dominant")
              .contains("framework=" + frameworkId);
    });
    List<MetricFamily> agentMetrics = scrape(agent + "/metrics");
    assertThat(gauge(agentMetrics, "mesos_slave_registered")).isEqualTo(1.0);
    assertThat(names(agentMetrics)).anyMatch(n -> n.startsWith("vertx_http_server_"))
        .anyMatch(n -> n.startsWith("jvm_"));

    // /logging/toggle: the verbosity, bad requests 400 (changing nothing), then level 1 for a while.
    assertThat(get(master + "/logging/toggle").body()).isEqualTo("0\n");
    for (String bad : List.of("level=x&duration=1secs", "level=-1&duration=1secs", "level=1",
        "duration=1secs", "level=1&duration=5parsecs")) {
      HttpResponse<String> refused = get(master + "/logging/toggle?" + bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(get(master + "/logging/toggle").body()).isEqualTo("0\n");
    assertThat(get(master + "/logging/toggle?level=1&duration=10secs").statusCode()).isEqualTo(200);
    assertThat(get(master + "/logging/toggle").body()).isEqualTo("1\n");
    assertThat(loggingLevel(master)).isEqualTo(1);
    // At verbosity 1 vmesos's DEBUG lines are logged: the toggle's own, which also fill the log to rotation.
    MasterProcesses.await(Duration.ofSeconds(30), "master.log rotated to master.log.1", () -> {
      for (int i = 0; i < 20; i++) {
        get(master + "/logging/toggle");
      }
      return Files.exists(masterLogs.resolve("master.log.1"));
    });
    assertThat(Files.readString(masterLogs.resolve("master.log.1")))
        .contains("DEBUG LoggingRoutes - GET /logging/toggle: verbosity 1");
    MasterProcesses.await(Duration.ofSeconds(20), "master verbosity back to 0", () -> loggingLevel(master) == 0);
    assertThat(masterLogs.resolve("master.log.3")).doesNotExist();

    // SET_LOGGING_LEVEL on the agent, and back after its duration; a call without its message is 400.
    assertThat(call(agent, new JsonObject().put("type", "SET_LOGGING_LEVEL")).statusCode()).isEqualTo(400);
    assertThat(call(agent, new JsonObject().put("type", "SET_LOGGING_LEVEL").put("set_logging_level",
        new JsonObject().put("level", 2).put("duration", new JsonObject().put("nanoseconds", 2_000_000_000L))))
        .statusCode()).isEqualTo(200);
    assertThat(loggingLevel(agent)).isEqualTo(2);
    get(agent + "/logging/toggle");
    assertThat(Files.readString(agentLogs.resolve("agent.log"))).contains("Logging verbosity set to 2")
        .contains("DEBUG LoggingRoutes - GET /logging/toggle: verbosity 2");
    MasterProcesses.await(Duration.ofSeconds(20), "agent verbosity back to 0", () -> loggingLevel(agent) == 0);
    assertThat(Files.readString(agentLogs.resolve("agent.log"))).contains("Logging verbosity reverted to 0");

    // The master's log through the operator API and /files, as Mesos's /master/log.
    HttpResponse<String> listed = call(master, new JsonObject().put("type", "LIST_FILES")
        .put("list_files", new JsonObject().put("path", "/master/log")));
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(listed.body()).getJsonObject("list_files").getJsonArray("file_infos")
        .getJsonObject(0).getString("path")).isEqualTo("/master/log");
    HttpResponse<String> read = call(master, new JsonObject().put("type", "READ_FILE")
        .put("read_file", new JsonObject().put("path", "/master/log").put("offset", 0)));
    assertThat(read.statusCode()).isEqualTo(200);
    String data = new String(Base64.getDecoder().decode(
        new JsonObject(read.body()).getJsonObject("read_file").getString("data")), StandardCharsets.UTF_8);
    assertThat(data.lines().findFirst().orElseThrow()).matches(LOG_LINE);
    assertThat(call(master, new JsonObject().put("type", "READ_FILE")
        .put("read_file", new JsonObject().put("path", "/etc/passwd").put("offset", 0))).statusCode()).isEqualTo(404);
    JsonObject viaFiles = new JsonObject(get(master + "/files/read?path=/master/log&offset=0&length=200").body());
    assertThat(viaFiles.getLong("offset")).isZero();
    assertThat(viaFiles.getString("data")).hasSizeLessThanOrEqualTo(200).matches(LOG_LINE.pattern() + "(?s).*");
    assertThat(get(master + "/files/read?path=/master/nothing").statusCode()).isEqualTo(404);

    // The agent's as /slave/log, beside its sandboxes' /files.
    HttpResponse<String> agentRead = call(agent, new JsonObject().put("type", "READ_FILE")
        .put("read_file", new JsonObject().put("path", "/slave/log").put("offset", 0)));
    assertThat(agentRead.statusCode()).isEqualTo(200);
    assertThat(new String(Base64.getDecoder().decode(new JsonObject(agentRead.body()).getJsonObject("read_file")
        .getString("data")), StandardCharsets.UTF_8).lines().findFirst().orElseThrow()).matches(LOG_LINE);
    JsonObject agentViaFiles = new JsonObject(get(agent + "/files/read?path=/slave/log&offset=0&length=100").body());
    assertThat(agentViaFiles.getString("data")).matches(LOG_LINE.pattern() + "(?s).*");
    assertThat(get(agent + "/files/read?path=" + workDir.resolve("agent-0/no-such-file") + "&offset=0")
        .statusCode()).isEqualTo(404);
  }

  private List<MetricFamily> scrape(String url) {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
        new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
    List<MetricFamily> families = new ArrayList<>();
    try {
      for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
        families.add(family);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError("parsing " + url + ": " + e, e);
    }
    assertThat(families).hasSizeGreaterThan(20);
    System.out.printf("[obs] %s: %d families, %d samples, %d bytes; vertx families: %s%n", url, families.size(),
        families.stream().mapToInt(f -> f.getMetrics().size()).sum(), response.body().length(),
        families.stream().map(MetricFamily::getName).filter(n -> n.startsWith("vertx_")).toList());
    response.body().lines().filter(l -> l.startsWith("vertx_http_server_requests_total"))
        .forEach(l -> System.out.println("[obs]   " + l));
    for (MetricFamily family : families) {
      assertThat(family.getName()).matches(METRIC_NAME);
      for (Metric metric : family.getMetrics()) {
        assertThat(metric.getName()).matches(METRIC_NAME);
        // Bounded labels: no event-bus address (one per agent), no raw request path.
        assertThat(metric.getLabels().keySet()).allMatch(l -> LABEL_NAME.matcher(l).matches())
            .doesNotContain("address", "path");
      }
    }
    return families;
  }

  /** The label sets of a family's samples, each as {@code k=v,k=v}. */
  private static List<String> labelled(List<MetricFamily> families, String name) {
    return families.stream().filter(f -> f.getName().equals(name)).flatMap(f -> f.getMetrics().stream())
        .map(m -> m.getLabels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .sorted().collect(java.util.stream.Collectors.joining(",")))
        .toList();
  }

  private static List<String> names(List<MetricFamily> families) {
    return families.stream().map(MetricFamily::getName).toList();
  }

  private static double gauge(List<MetricFamily> families, String name) {
    MetricFamily family = families.stream().filter(f -> f.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + names(families)));
    return ((Gauge) family.getMetrics().get(0)).getValue();
  }

  private int loggingLevel(String base) {
    HttpResponse<String> response = call(base, new JsonObject().put("type", "GET_LOGGING_LEVEL"));
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonObject("get_logging_level").getInteger("level");
  }

  private HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + url + ": " + e, e);
    }
  }

  private HttpResponse<String> call(String base, JsonObject body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1")).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("POST " + base + "/api/v1: " + e, e);
    }
  }
}
