package dev.vmesos.deploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.client.MasterAddress;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.LocalCluster;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.throttle.Target;
import dev.vmesos.examples.throttle.ThrottleConfig;
import dev.vmesos.examples.throttle.ThrottleFramework;
import dev.vmesos.examples.throttle.ThrottleSummary;
import dev.vmesos.master.MasterConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throttle framework on a running local cluster (a master, two agents with the docker
 * containerizer), to completion against both kinds of target: its built-in HTTP sink with executors
 * in Docker containers, and the PostgreSQL that {@code deploy/scripts/test-env.sh} starts
 * ({@code VMESOS_PG_URL} overrides it) with process executors. Each checks on the target's side that
 * every query arrived exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottleEndToEndTest {

  static final String PG_URL = System.getenv().getOrDefault("VMESOS_PG_URL",
      "jdbc:postgresql://127.0.0.1:55432/vmesos_test?user=vmesos_test&password=vmesos_test");
  private static final String RESOURCES = "cpus:2;mem:2048;disk:1024;ports:[31000-31009]";

  @TempDir
  static Path workDir;
  private LocalCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = LocalCluster.start(ClusterConfig.loopback("vmesos-throttle-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 2, 0, RESOURCES, workDir, LocalCluster.DOCKER_FLAGS)
        .await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyQueryReachesTheBuiltInSinkFromDockerExecutors() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ThrottleConfig config = new ThrottleConfig(master(), 600, 50, 3, new Target.Sink(),
        ExecutorLaunch.docker(ExecutorLaunch.DEFAULT_IMAGE, ExecutorLaunch.currentClasspath()),
        new TaskResources(0.2, 128), "throttle-sink-test");
    ThrottleFramework throttle = new ThrottleFramework(cluster.vertx(), config, new PrintStream(output, true));

    ThrottleSummary summary = throttle.run().await(90, TimeUnit.SECONDS);

    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(summary.succeeded()).as(log).isTrue();
    assertThat(summary.queries()).isEqualTo(600);
    assertThat(summary.tasks()).isEqualTo(12);
    assertThat(summary.errors()).isZero();
    assertThat(throttle.sink().requests()).as("requests the sink counted").isEqualTo(600);
    assertThat(log).containsPattern("TASK_FINISHED on agent \\S+: Executed 50 queries in [0-9.]+ sec");
    assertThat(log).contains("Docker executors");
    assertThat(maxRunningSeen(log)).as("never more than --parallelism tasks").isLessThanOrEqualTo(3);
  }

  @Test
  void everyQueryRunsOnceInPostgresqlFromProcessExecutors() throws Exception {
    String marker = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (Connection connection = DriverManager.getConnection(PG_URL); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + Target.TABLE);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ThrottleConfig config = new ThrottleConfig(master(), 400, 40, 2, new Target.Jdbc(PG_URL),
        ExecutorLaunch.process(ExecutorLaunch.currentClasspath()), new TaskResources(0.2, 128),
        "throttle-pg-" + marker);

    ThrottleSummary summary = new ThrottleFramework(cluster.vertx(), config, new PrintStream(output, true))
        .run().await(90, TimeUnit.SECONDS);

    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(summary.succeeded()).as(log).isTrue();
    assertThat(summary.queries()).isEqualTo(400);
    assertThat(summary.tasks()).isEqualTo(10);
    try (Connection connection = DriverManager.getConnection(PG_URL); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT query_no), min(query_no), max(query_no)"
             + " FROM " + Target.TABLE)) {
      rows.next();
      assertThat(rows.getLong(1)).as("rows inserted").isEqualTo(400);
      assertThat(rows.getLong(2)).as("distinct queries").isEqualTo(400);
      assertThat(rows.getLong(3)).isZero();
      assertThat(rows.getLong(4)).isEqualTo(399);
    }
    assertThat(log).contains("process executors");
  }

  @Test
  void aDatabaseThatRefusesTheFrameworkFailsTheRunInOneLine() throws Exception {
    String badUrl = PG_URL.replace("password=vmesos_test", "password=wrong");
    ThrottleConfig config = new ThrottleConfig(master(), 10, 5, 1, new Target.Jdbc(badUrl),
        ExecutorLaunch.process(ExecutorLaunch.currentClasspath()), new TaskResources(0.2, 128), "throttle-bad-pg");
    ThrottleSummary summary = new ThrottleFramework(cluster.vertx(), config,
        new PrintStream(java.io.OutputStream.nullOutputStream())).run().await(30, TimeUnit.SECONDS);
    assertThat(summary.succeeded()).isFalse();
    assertThat(summary.failure()).contains("cannot use").contains("password=***").doesNotContain("wrong")
        .doesNotContain("\n");
  }

  private MasterAddress master() {
    return new MasterAddress("127.0.0.1", cluster.masterPort());
  }

  /** The largest "N running" the framework printed right after launching. */
  private static int maxRunningSeen(String log) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("on agent \\S+ \\((\\d+) running").matcher(log);
    int max = 0;
    while (m.find()) {
      max = Math.max(max, Integer.parseInt(m.group(1)));
    }
    return max;
  }
}
