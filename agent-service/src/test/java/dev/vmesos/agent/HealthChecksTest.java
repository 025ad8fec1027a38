package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CheckInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.HealthCheck;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.TaskStates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TaskInfo.health_check} run by the agent for command tasks, as Mesos's command executor runs
 * it: COMMAND, HTTP and TCP checks, each healthy, then unhealthy, then killed after its consecutive
 * failures (updates in TASK_RUNNING with {@code healthy} and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
 * then TASK_KILLED still saying unhealthy); a COMMAND check inside a Docker container; an invalid
 * check refused at launch; and general checks ({@code TaskInfo.check}) whose results become
 * {@code check_status}. Real processes, real sockets on loopback, the real Docker engine.
 */
@ExtendWith(VertxExtension.class)
class HealthChecksTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("checked").setId(FrameworkID.newBuilder().setValue("fw-health")).build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--containerizers=docker,mesos", "--default_kill_grace_period=1secs",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  @AfterEach
  void removeContainers() throws Exception {
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
  }

  @Test
  void aCommandCheckReportsHealthyThenUnhealthyThenKillsTheTask() throws Exception {
    // Healthy while the file exists; it goes after a second and a half.
    HealthCheck check = check(HealthCheck.Type.COMMAND).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("test -f healthy")).build();

    run(task("c1", "touch healthy; sleep 1.5; rm healthy; sleep 60", check));

    assertHealthyThenUnhealthyThenKilled(untilTerminal());
  }

  @Test
  void anHttpCheckReportsHealthyThenUnhealthyThenKillsTheTask() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    try {
      HealthCheck check = check(HealthCheck.Type.HTTP).toBuilder().setHttp(HealthCheck.HTTPCheckInfo.newBuilder()
          .setPort(server.getAddress().getPort()).setPath("/health")).build();
      run(task("h1", "sleep 60", check));

      List<TaskStatus> seen = new ArrayList<>();
      TaskStatus healthy = awaitHealth(seen, true);
      assertThat(healthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
      status.set(503);

      seen.addAll(untilTerminal());
      assertHealthyThenUnhealthyThenKilled(seen);
      assertThat(seen).anySatisfy(s -> assertThat(s.getMessage()).contains("answered 503"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aTcpCheckReportsHealthyThenUnhealthyThenKillsTheTask() throws Exception {
    ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    HealthCheck check = check(HealthCheck.Type.TCP).toBuilder()
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(listening.getLocalPort())).build();
    run(task("t1", "sleep 60", check));

    List<TaskStatus> seen = new ArrayList<>();
    awaitHealth(seen, true);
    listening.close();

    seen.addAll(untilTerminal());
    assertHealthyThenUnhealthyThenKilled(seen);
  }

  @Test
  void aCommandCheckOfADockerTaskRunsInsideItsContainer() throws Exception {
    // The file exists only inside the container: a check run on the host would fail.
    HealthCheck check = check(HealthCheck.Type.COMMAND).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("test -f /tmp/inside-only")).build();
    TaskInfo task = DockerTasksTest.dockerTask("d1", "touch /tmp/inside-only; sleep 60", 0.25, 48).toBuilder()
        .setHealthCheck(check).build();

    run(task);

    List<TaskStatus> seen = new ArrayList<>();
    TaskStatus healthy = awaitHealth(seen, true);
    assertThat(healthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(seen).noneMatch(s -> s.hasHealthy() && !s.getHealthy());
  }

  @Test
  void anInvalidHealthCheckFailsTheTaskAtLaunch() throws Exception {
    HealthCheck check = check(HealthCheck.Type.HTTP).toBuilder()
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(8080).setPath("health")).build();

    run(task("bad", "sleep 60", check));

    TaskStatus failed = master.nextUpdate(30_000).getStatus();
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(failed.getMessage())
        .isEqualTo("Invalid health check: The path 'health' of HTTP health check must start with '/'");
  }

  @Test
  void aCommandCheckReportsEachChangeOfItsExitCodeInCheckStatus() throws Exception {
    CheckInfo check = CheckInfo.newBuilder().setType(CheckInfo.Type.COMMAND).setDelaySeconds(0)
        .setIntervalSeconds(0.2).setTimeoutSeconds(2)
        .setCommand(CheckInfo.Command.newBuilder().setCommand(CommandInfo.newBuilder().setValue("test -f ready")))
        .build();
    run(task("k1", "sleep 1; touch ready; sleep 60", null).toBuilder().setCheck(check).build());

    TaskStatus running = master.nextUpdate(30_000).getStatus();
    running = running.getState() == TaskState.TASK_STARTING ? master.nextUpdate(30_000).getStatus() : running;
    assertThat(running.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(running.getCheckStatus().getType()).isEqualTo(CheckInfo.Type.COMMAND);
    assertThat(running.getCheckStatus().getCommand().hasExitCode()).as("no result yet").isFalse();
    List<Integer> exitCodes = new ArrayList<>();
    while (!exitCodes.contains(0)) {
      TaskStatus update = master.nextUpdate(30_000).getStatus();
      assertThat(update.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(update.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_CHECK_STATUS_UPDATED);
      exitCodes.add(update.getCheckStatus().getCommand().getExitCode());
    }
    assertThat(exitCodes).as("one update per change").containsExactly(1, 0);
  }

  @Test
  void httpAndTcpChecksReportTheStatusCodeAndWhetherTheyConnected() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ready", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    try {
      run(task("k2", "sleep 60", null).toBuilder().setCheck(CheckInfo.newBuilder().setType(CheckInfo.Type.HTTP)
          .setDelaySeconds(0).setIntervalSeconds(0.2).setHttp(CheckInfo.Http.newBuilder()
              .setPort(server.getAddress().getPort()).setPath("/ready"))).build());
      run(task("k3", "sleep 60", null).toBuilder().setCheck(CheckInfo.newBuilder().setType(CheckInfo.Type.TCP)
          .setDelaySeconds(0).setIntervalSeconds(0.2).setTcp(CheckInfo.Tcp.newBuilder().setPort(closedPort))).build());

      Map<String, TaskStatus> checked = new java.util.HashMap<>();
      while (checked.size() < 2) {
        TaskStatus update = master.nextUpdate(30_000).getStatus();
        if (update.getReason() == TaskStatus.Reason.REASON_TASK_CHECK_STATUS_UPDATED) {
          checked.put(update.getTaskId().getValue(), update);
        }
      }
      assertThat(checked.get("k2").getCheckStatus().getHttp().getStatusCode()).isEqualTo(204);
      assertThat(checked.get("k3").getCheckStatus().getTcp().hasSucceeded()).isTrue();
      assertThat(checked.get("k3").getCheckStatus().getTcp().getSucceeded()).isFalse();
    } finally {
      server.stop(0);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A fast check: first at once, every 0.2 s, 1 s grace period, killed after 2 failures in a row. */
  private static HealthCheck check(HealthCheck.Type type) {
    return HealthCheck.newBuilder().setType(type).setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(2)
        .setGracePeriodSeconds(1).setConsecutiveFailures(2).build();
  }

  private static void assertHealthyThenUnhealthyThenKilled(List<TaskStatus> updates) {
    List<TaskStatus> health = updates.stream().filter(s -> s.getReason()
        == TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED).toList();
    assertThat(health).as("health updates in %s", updates).isNotEmpty()
        .allSatisfy(s -> assertThat(s.getState()).isEqualTo(TaskState.TASK_RUNNING));
    assertThat(health.get(0).getHealthy()).as("healthy first").isTrue();
    int firstUnhealthy = indexOf(health, false);
    assertThat(firstUnhealthy).as("then unhealthy").isPositive();
    assertThat(health.get(health.size() - 1).getMessage()).startsWith("Health check failed 2 time(s) in a row");
    TaskStatus last = updates.get(updates.size() - 1);
    assertThat(last.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(last.hasHealthy()).isTrue();
    assertThat(last.getHealthy()).isFalse();
    assertThat(last.getMessage()).startsWith("Killed after failed health checks");
  }

  private static int indexOf(List<TaskStatus> health, boolean healthy) {
    for (int i = 0; i < health.size(); i++) {
      if (health.get(i).getHealthy() == healthy) {
        return i;
      }
    }
    return -1;
  }

  /** Updates until one says the task is {@code healthy} (that one returned, all added to {@code seen}). */
  private TaskStatus awaitHealth(List<TaskStatus> seen, boolean healthy) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      TaskStatus status = master.nextUpdate(30_000).getStatus();
      seen.add(status);
      assertThat(TaskStates.isTerminal(status.getState())).as("ended before it was healthy: %s", seen).isFalse();
      if (status.hasHealthy() && status.getHealthy() == healthy) {
        return status;
      }
    }
    throw new AssertionError("never healthy=" + healthy + ": " + seen);
  }

  private List<TaskStatus> untilTerminal() throws InterruptedException {
    List<TaskStatus> updates = new ArrayList<>();
    while (updates.isEmpty() || !TaskStates.isTerminal(updates.get(updates.size() - 1).getState())) {
      updates.add(master.nextUpdate(30_000).getStatus());
    }
    return updates;
  }

  private static TaskInfo task(String id, String command, HealthCheck check) {
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .addAllResources(Resources.parse("cpus:0.1;mem:32").toList());
    if (check != null) {
      task.setHealthCheck(check);
    }
    return task.build();
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
