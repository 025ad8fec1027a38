package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.DurationInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent driven through the event bus by a {@link FakeMaster}, running real processes on a
 * local, non-clustered Vert.x.
 */
@ExtendWith(VertxExtension.class)
class AgentVerticleTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("test-framework").setId(FrameworkID.newBuilder().setValue("fw-1"))
      .build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
  }

  private AgentVerticle deployAgent(String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--work_dir=" + workDir,
        "--port=0",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms",
        "--registration_backoff_max=200ms",
        "--master_request_timeout=2secs"));
    args.addAll(List.of(extraFlags));
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    return agent;
  }

  private AgentVerticle startRegisteredAgent(String... extraFlags) throws Exception {
    await(master.start());
    AgentVerticle agent = deployAgent(extraFlags);
    master.awaitRegistered();
    return agent;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private static TaskInfo shellTask(String id, String command) {
    return TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .build();
  }

  private static List<TaskState> states(List<StatusUpdate> updates) {
    return updates.stream().map(u -> u.getStatus().getState()).toList();
  }

  private List<StatusUpdate> nextUpdates(int count) throws InterruptedException {
    List<StatusUpdate> updates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      updates.add(master.nextUpdate());
    }
    return updates;
  }

  private Path sandboxOf(String taskId) throws IOException {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-1")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> containers = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      List<Path> all = containers.toList();
      assertThat(all).as("one run of %s", taskId).hasSize(1);
      return all.get(0);
    }
  }

  private JsonObject get(AgentVerticle agent, String path) throws Exception {
    // One client, kept referenced until the body is read (an unreferenced Vert.x 5 client may be
    // closed under a pending request), driven from one Vert.x context.
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Buffer body;
    try {
      body = await(io.vertx.core.Future.<Buffer>future(promise -> context.runOnContext(v -> http
          .request(HttpMethod.GET, agent.httpPort(), "127.0.0.1", path)
          .compose(request -> request.send())
          .compose(response -> response.statusCode() == 200 ? response.body()
              : io.vertx.core.Future.failedFuture(path + " answered " + response.statusCode()))
          .onComplete(promise))));
    } finally {
      http.close();
    }
    return body.length() == 0 ? new JsonObject() : body.toJsonObject();
  }

  @Test
  void aFinishedCommandReportsStartingRunningFinishedAndWritesItsSandbox() throws Exception {
    AgentVerticle agent = startRegisteredAgent();

    run(shellTask("t1", "echo hello; echo task=$MESOS_TASK_ID framework=$MESOS_FRAMEWORK_ID; pwd"));
    List<StatusUpdate> updates = nextUpdates(3);

    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FINISHED);
    assertThat(updates.stream().map(u -> u.getStatus().getUuid()).distinct()).hasSize(3);
    for (StatusUpdate update : updates) {
      TaskStatus status = update.getStatus();
      assertThat(update.getFrameworkId().getValue()).isEqualTo("fw-1");
      assertThat(update.getAgentId().getValue()).isEqualTo(FakeMaster.AGENT_ID);
      assertThat(status.getTaskId().getValue()).isEqualTo("t1");
      assertThat(status.getExecutorId().getValue()).isEqualTo("t1");
      assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
      assertThat(status.getUuid().size()).isEqualTo(16);
      assertThat(status.getTimestamp()).isCloseTo(System.currentTimeMillis() / 1000.0,
          org.assertj.core.data.Offset.offset(60.0));
    }
    assertThat(updates.get(2).getStatus().getMessage()).isEqualTo("Command exited with status 0");

    Path sandbox = sandboxOf("t1");
    assertThat(Files.readString(sandbox.resolve("stdout")))
        .isEqualTo("hello\ntask=t1 framework=fw-1\n" + sandbox + "\n");
    assertThat(sandbox.resolve("stderr")).exists();

    // Once FINISHED is acknowledged, the task is listed as completed.
    JsonObject state = null;
    for (int i = 0; i < 50; i++) {
      state = get(agent, "/state");
      if (!state.getJsonArray("completed_tasks").isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(state.getString("id")).isEqualTo(FakeMaster.AGENT_ID);
    assertThat(state.getBoolean("registered")).isTrue();
    assertThat(state.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
    assertThat(state.getJsonObject("resources").getString("ports")).isEqualTo("[31000-31009]");
    JsonArray completed = state.getJsonArray("completed_tasks");
    assertThat(completed.getJsonObject(0).getString("id")).isEqualTo("t1");
    assertThat(completed.getJsonObject(0).getString("state")).isEqualTo("TASK_FINISHED");
    assertThat(state.getInteger("pending_status_update_streams")).isZero();
  }

  @Test
  void theRegistrationCarriesTheAgentInfoAndHealthAnswers(VertxTestContext context) throws Exception {
    AgentVerticle agent = startRegisteredAgent();

    var registration = (dev.vmesos.api.internal.Internal.RegisterAgent) master.registrations.poll();
    assertThat(registration.getAgentInfo().getHostname()).isEqualTo("127.0.0.1");
    assertThat(registration.getAgentInfo().getPort()).isEqualTo(agent.httpPort());
    assertThat(registration.getAgentInfo().hasId()).isFalse();
    assertThat(registration.getAgentInfo().getResourcesList()).extracting(r -> r.getName())
        .contains("cpus", "mem", "disk", "ports");

    // The client is referenced until the answer (an unreferenced Vert.x 5 client may be closed under a
    // pending request).
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    http.request(HttpMethod.GET, agent.httpPort(), "127.0.0.1", "/health")
        .compose(request -> request.send())
        .onComplete(context.succeeding(response -> context.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          http.close();
          context.completeNow();
        })));
  }

  @Test
  void aTaskGroupRunsUnderItsDefaultExecutorAndAFailureTakesTheGroupDown() throws Exception {
    startRegisteredAgent();
    dev.vmesos.api.v1.Protos.ExecutorInfo executor = dev.vmesos.api.v1.Protos.ExecutorInfo.newBuilder()
        .setType(dev.vmesos.api.v1.Protos.ExecutorInfo.Type.DEFAULT)
        .setExecutorId(dev.vmesos.api.v1.Protos.ExecutorID.newBuilder().setValue("group-exec")).build();
    Object reply = await(master.request(dev.vmesos.api.internal.Internal.RunTaskGroup.newBuilder()
        .setFrameworkInfo(FRAMEWORK).setExecutor(executor)
        .setTaskGroup(dev.vmesos.api.v1.Protos.TaskGroupInfo.newBuilder()
            .addTasks(shellTask("long", "sleep 60"))
            .addTasks(shellTask("short", "sleep 1; exit 4"))).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);

    java.util.Map<String, List<TaskState>> byTask = new java.util.HashMap<>();
    while (byTask.getOrDefault("long", List.of()).stream().noneMatch(s -> s == TaskState.TASK_KILLED)) {
      StatusUpdate update = master.nextUpdate(10_000);
      assertThat(update.getStatus().getExecutorId().getValue()).as("reported under the group's executor")
          .isEqualTo("group-exec");
      byTask.computeIfAbsent(update.getStatus().getTaskId().getValue(), k -> new ArrayList<>())
          .add(update.getStatus().getState());
    }
    assertThat(byTask.get("short")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FAILED);
    assertThat(byTask.get("long")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLED);
    dev.vmesos.api.internal.Internal.ExitedExecutor exited = master.exitedExecutors.poll(10, TimeUnit.SECONDS);
    assertThat(exited).as("the executor's end is reported").isNotNull();
    assertThat(exited.getExecutorId().getValue()).isEqualTo("group-exec");
    assertThat(exited.getFrameworkId()).isEqualTo(FRAMEWORK.getId());
  }

  @Test
  void aTaskOverItsMemoryLimitEndsFailedWithTheMemoryLimitationReason() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "cgroups need root");
    startRegisteredAgent();
    TaskInfo limited = shellTask("hog", "grep -E 'memory|cpu' /proc/self/cgroup; tail /dev/zero").toBuilder()
        .addAllResources(dev.vmesos.api.resources.ResourcesParser.parse("cpus:0.5;mem:32").toList()).build();
    run(limited);
    List<StatusUpdate> updates = nextUpdates(3);
    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FAILED);
    TaskStatus failed = updates.get(2).getStatus();
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded: Requested: 32MB");
    assertThat(Files.readString(sandboxOf("hog").resolve("stdout"))).as("the task ran in its own cgroup")
        .contains("vmesos/");
  }

  @Test
  void aFinishedTasksSandboxIsDeletedAfterTheGcDelayWhileARunningTasksStays() throws Exception {
    startRegisteredAgent("--gc_delay=1secs", "--disk_watch_interval=200ms");
    run(shellTask("live", "sleep 60"));
    assertThat(states(nextUpdates(2))).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    run(shellTask("done", "echo bye"));
    assertThat(states(nextUpdates(3))).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FINISHED);
    Path finished = sandboxOf("done");
    Path running = sandboxOf("live");
    assertThat(Files.readString(finished.resolve("stdout"))).as("kept at first").isEqualTo("bye\n");

    // Acknowledged by the fake master, so forgotten, then deleted once a second old.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (Files.exists(finished) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(finished).as("collected after --gc_delay").doesNotExist();
    assertThat(running.resolve("stdout")).as("a running task's sandbox stays").exists();
  }

  @Test
  void aFailingCommandEndsFailedWithItsExitStatus() throws Exception {
    startRegisteredAgent();

    run(shellTask("t2", "echo oops >&2; exit 3"));
    List<StatusUpdate> updates = nextUpdates(3);

    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FAILED);
    assertThat(updates.get(2).getStatus().getMessage()).isEqualTo("Command exited with status 3");
    assertThat(Files.readString(sandboxOf("t2").resolve("stderr"))).isEqualTo("oops\n");
  }

  @Test
  void aKilledTaskEndsKilledAndItsProcessIsGone() throws Exception {
    startRegisteredAgent();

    run(shellTask("t3", "sleep 60"));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
    StatusUpdate running = master.nextUpdate();
    assertThat(running.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = running.getStatus().getContainerStatus().getExecutorPid();
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    Object reply = await(master.request(KillTask.newBuilder()
        .setFrameworkId(FRAMEWORK.getId()).setTaskId(TaskID.newBuilder().setValue("t3")).build())).body();

    assertThat(reply).isInstanceOf(Ack.class);
    StatusUpdate killed = master.nextUpdate(5_000);
    assertThat(killed.getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getStatus().getMessage()).isEqualTo("Command terminated with signal Terminated");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
  }

  @Test
  void aTaskThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
    startRegisteredAgent();

    run(shellTask("t4", "trap '' TERM; echo trapped; sleep 60"));
    master.nextUpdate();
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    // RUNNING comes as the shell starts; the kill must wait until it ignores SIGTERM.
    Path stdout = sandboxOf("t4").resolve("stdout");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(stdout) || !Files.readString(stdout).contains("trapped")) {
      assertThat(System.nanoTime()).as("the task traps SIGTERM").isLessThan(deadline);
      Thread.sleep(20);
    }
    long killedAt = System.nanoTime();
    await(master.request(KillTask.newBuilder()
        .setFrameworkId(FRAMEWORK.getId()).setTaskId(TaskID.newBuilder().setValue("t4"))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(300_000_000L)))
        .build()));

    StatusUpdate killed = master.nextUpdate(5_000);

    assertThat(killed.getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getStatus().getMessage()).isEqualTo("Command terminated with signal Killed");
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void anUnacknowledgedUpdateIsResentAndHoldsBackTheNextOne() throws Exception {
    master.withholdAcknowledgements();
    startRegisteredAgent("--status_update_retry_interval_min=200ms", "--status_update_retry_interval_max=400ms");

    run(shellTask("t5", "true"));
    StatusUpdate starting = master.nextUpdate();
    assertThat(starting.getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
    // Resent after 200 ms, then 400 ms, then 400 ms (the cap); RUNNING waits behind it.
    long sentAt = System.nanoTime();
    for (int resend = 1; resend <= 3; resend++) {
      StatusUpdate again = master.nextUpdate(2_000);
      assertThat(again).as("resend %d", resend).isEqualTo(starting);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

    master.resumeAcknowledgements();
    master.acknowledge(starting);

    StatusUpdate next = master.nextUpdate();
    while (next.equals(starting)) {   // a resend may have crossed the acknowledgement
      next = master.nextUpdate();
    }
    assertThat(next.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_FINISHED);
  }

  @Test
  void anExecutableThatCannotBeStartedFailsTheTask() throws Exception {
    startRegisteredAgent();

    run(shellTask("t6", "ignored").toBuilder()
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue("/nonexistent/program").addArguments("program"))
        .build());
    List<StatusUpdate> updates = nextUpdates(2);

    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_FAILED);
    assertThat(updates.get(1).getStatus().getMessage()).startsWith("Failed to launch command: ");
  }

  @Test
  void aProgramNotInThePathFailsTheTaskAndAMissingShellCommandExits127() throws Exception {
    startRegisteredAgent();

    run(shellTask("t8", "ignored").toBuilder()
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue("no-such-program-vmesos")
            .addArguments("no-such-program-vmesos"))
        .build());
    List<StatusUpdate> program = nextUpdates(2);
    run(shellTask("t9", "no-such-command-vmesos --flag"));
    List<StatusUpdate> shell = nextUpdates(3);

    assertThat(states(program)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_FAILED);
    assertThat(program.get(1).getStatus().getMessage())
        .isEqualTo("Failed to launch command: Cannot run program \"no-such-program-vmesos\": not found in PATH");
    assertThat(states(shell)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FAILED);
    assertThat(shell.get(2).getStatus().getMessage()).isEqualTo("Command exited with status 127");
  }

  @Test
  void aDockerTaskFailsWhenTheDockerContainerizerIsNotEnabled() throws Exception {
    startRegisteredAgent();

    run(shellTask("t7", "echo hi").toBuilder()
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("busybox")))
        .build());
    TaskStatus failed = master.nextUpdate().getStatus();

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("No enabled containerizer can run a DOCKER container (--containerizers=mesos)");
  }

  @Test
  void anUnknownMessageIsRefusedWith400(VertxTestContext context) throws Exception {
    startRegisteredAgent();

    master.request(Ack.getDefaultInstance()).onComplete(context.failing(error -> context.verify(() -> {
      assertThat(error).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) error).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(((ReplyException) error).failureCode()).isEqualTo(400);
      context.completeNow();
    })));
  }

  @Test
  void theAgentRegistersOnceAMasterAppears() throws Exception {
    deployAgent();
    Thread.sleep(500);   // several attempts fail with NO_HANDLERS meanwhile

    await(master.start());

    master.awaitRegistered();
    assertThat(master.registrations).hasSize(1);
  }

  @Test
  void anAgentTheMasterForgotReregistersWithItsTasks() throws Exception {
    AgentVerticle agent = startRegisteredAgent();
    run(shellTask("t8", "sleep 60"));
    master.nextUpdate();
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    JsonObject framework = get(agent, "/state").getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getString("id")).isEqualTo("fw-1");
    assertThat(framework.getString("name")).isEqualTo("test-framework");
    assertThat(framework.getJsonArray("tasks").getJsonObject(0).getString("state")).isEqualTo("TASK_RUNNING");
    master.registrations.clear();

    master.forgetAgent();

    Object reregistration = master.registrations.poll(5, TimeUnit.SECONDS);
    assertThat(reregistration).isInstanceOf(ReregisterAgent.class);
    ReregisterAgent reregister = (ReregisterAgent) reregistration;
    assertThat(reregister.getAgentInfo().getId().getValue()).isEqualTo(FakeMaster.AGENT_ID);
    assertThat(reregister.getTasksList()).singleElement().satisfies(task -> {
      assertThat(task.getTask().getTaskId().getValue()).isEqualTo("t8");
      assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(task.getFrameworkId().getValue()).isEqualTo("fw-1");
    });
  }

  @Test
  void aDuplicateTaskIdFailsOnlyTheDuplicate() throws Exception {
    startRegisteredAgent();
    run(shellTask("t9", "sleep 60"));
    master.nextUpdate();
    StatusUpdate running = master.nextUpdate();
    assertThat(running.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    run(shellTask("t9", "echo again"));
    TaskStatus duplicate = master.nextUpdate().getStatus();

    assertThat(duplicate.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(duplicate.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(duplicate.getMessage()).contains("already exists");
    // The original keeps running and can still be killed through its own stream.
    long pid = running.getStatus().getContainerStatus().getExecutorPid();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    await(master.request(KillTask.newBuilder()
        .setFrameworkId(FRAMEWORK.getId()).setTaskId(TaskID.newBuilder().setValue("t9")).build()));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);
  }
}
