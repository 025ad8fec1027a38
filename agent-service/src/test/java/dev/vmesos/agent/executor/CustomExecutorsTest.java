package dev.vmesos.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.internal.Internal.ExitedExecutor;
import dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.ShutdownExecutor;
import dev.vmesos.api.internal.Internal.ShutdownFramework;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.DurationInfo;
import dev.vmesos.api.v1.Protos.Environment;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom executors end to end: a real agent on a local event bus with a fake master, real executor
 * processes ({@link TestExecutor}, a JVM speaking the executor HTTP API) and real HTTP.
 */
@ExtendWith(VertxExtension.class)
class CustomExecutorsTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("executor-framework").setId(FrameworkID.newBuilder().setValue("fw-e"))
      .build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Kept when a test fails, for the executors' stdout and stderr. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private Vertx vertx;
  private ExecutorFakeMaster master;
  private AgentVerticle agent;
  private String agentDeployment;
  private boolean masterStarted;

  /** Executors seen by {@link #pidOf}: those of a kept agent outlive the test unless killed after it. */
  private final List<Long> executorPids = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new ExecutorFakeMaster(vertx);
  }

  @AfterEach
  void stopAgentThenKillLeftExecutors() throws Exception {
    // The agent first, so that nothing it still writes races the deletion of the work dir; then the
    // executors a kept agent leaves (one would keep knocking on a port a later test's agent may get).
    if (agentDeployment != null && vertx.deploymentIDs().contains(agentDeployment)) {
      try {
        await(vertx.undeploy(agentDeployment));
      } catch (Exception e) {
        // stopping anyway
      }
    }
    for (Long pid : executorPids) {
      ProcessHandle.of(pid).ifPresent(process -> {
        process.destroyForcibly();
        try {
          process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          // gone or going
        }
      });
    }
    Thread.sleep(200);   // the agent's last checkpoint writes, queued before it stopped
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void tasksRunThroughOneExecutorProcessWhichReportsTheirStatuses() throws Exception {
    startAgent();

    run(task("a", "hello-a", executor("exec-1", "normal")));
    List<StatusUpdate> first = List.of(master.nextUpdate(), master.nextUpdate());

    // No TASK_STARTING from the agent: a custom executor sends its own updates.
    assertThat(first).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    for (StatusUpdate update : first) {
      TaskStatus status = update.getStatus();
      assertThat(update.getFrameworkId()).isEqualTo(FRAMEWORK.getId());
      assertThat(status.getTaskId().getValue()).isEqualTo("a");
      assertThat(status.getExecutorId().getValue()).isEqualTo("exec-1");
      assertThat(status.getAgentId().getValue()).isEqualTo(ExecutorFakeMaster.AGENT_ID);
      assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
      assertThat(status.getUuid().size()).as("stamped by the agent when the executor sent none").isEqualTo(16);
    }
    assertThat(first.get(1).getStatus().getData().toStringUtf8()).isEqualTo("hello-a");

    run(task("b", "hello-b", executor("exec-1", "normal")));
    List<StatusUpdate> second = List.of(master.nextUpdate(), master.nextUpdate());

    assertThat(second).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(second.get(1).getStatus().getData().toStringUtf8()).isEqualTo("hello-b");
    assertThat(second.get(0).getStatus().getContainerStatus().getContainerId())
        .as("the same executor run").isEqualTo(first.get(0).getStatus().getContainerStatus().getContainerId());
    Path sandbox = sandboxOf("exec-1");
    assertThat(sandbox.getFileName().toString())
        .isEqualTo(first.get(0).getStatus().getContainerStatus().getContainerId().getValue());
    String stdout = Files.readString(sandbox.resolve("stdout"));
    assertThat(stdout)
        .contains("MESOS_AGENT_ENDPOINT=127.0.0.1:" + agent.httpPort() + "\n")
        .contains("MESOS_FRAMEWORK_ID=fw-e\n", "MESOS_EXECUTOR_ID=exec-1\n", "MESOS_CHECKPOINT=0\n",
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=5secs\n", "MESOS_HTTP_COMMAND_EXECUTOR=0\n",
            "MESOS_AGENT_ID=agent-x\n", "MESOS_SLAVE_ID=agent-x\n", "MESOS_SANDBOX=" + sandbox + "\n",
            "MESOS_DIRECTORY=" + sandbox + "\n", "TEST_EXECUTOR_MODE=normal\n")
        .containsOnlyOnce("EVENT SUBSCRIBED");
    assertThat(sandbox.resolve("stderr")).exists();
  }

  @Test
  void theFrameworksAcknowledgementsReachTheExecutorAsAcknowledged() throws Exception {
    master.withholdAcknowledgements();
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    StatusUpdate running = master.nextUpdate();
    assertThat(running.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(master.messages.poll(700, TimeUnit.MILLISECONDS)).as("nothing acknowledged yet").isNull();

    master.acknowledge(running);

    ExecutorToFrameworkMessage acked = master.nextMessage();
    assertThat(acked.getData().toStringUtf8())
        .isEqualTo("acked:h:" + HexFormat.of().formatHex(running.getStatus().getUuid().toByteArray()));
  }

  @Test
  void messagesFlowBothWays() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    master.nextMessage();   // the acknowledgement of RUNNING, echoed by the executor

    master.send(FrameworkToExecutorMessage.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setExecutorId(ExecutorID.newBuilder().setValue("exec-1")).setData(ByteString.copyFromUtf8("ping")).build());

    ExecutorToFrameworkMessage reply = master.nextMessage();
    assertThat(reply.getData().toStringUtf8()).isEqualTo("echo:ping");
    assertThat(reply.getFrameworkId()).isEqualTo(FRAMEWORK.getId());
    assertThat(reply.getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(reply.getAgentId().getValue()).isEqualTo(ExecutorFakeMaster.AGENT_ID);
  }

  @Test
  void aKillReachesTheExecutorWithItsKillPolicy() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    Object reply = await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setTaskId(TaskID.newBuilder().setValue("h"))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1234)))
        .build())).body();

    assertThat(reply).isInstanceOf(Ack.class);
    TaskStatus killed = master.nextUpdate().getStatus();
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getMessage()).isEqualTo("killed with grace 1234");
    assertThat(killed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
  }

  @Test
  void shutdownSendsShutdownAndTheExecutorExitsByItself() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = pidOf("exec-1");

    master.send(ShutdownExecutor.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setExecutorId(ExecutorID.newBuilder().setValue("exec-1")).build());

    TaskStatus killed = master.nextUpdate().getStatus();
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getMessage()).isEqualTo("shut down");
    ExitedExecutor exited = master.nextExited();
    assertThat(exited.getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(exited.getStatus()).as("exited by itself with status 0").isZero();
    assertThat(Files.readString(sandboxOf("exec-1").resolve("stdout"))).contains("EVENT SHUTDOWN", "exiting on SHUTDOWN");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  @Test
  void anExecutorsUrisAreFetchedIntoItsSandboxBeforeItStarts() throws Exception {
    startAgent();
    Path data = Files.writeString(Files.createTempDirectory(workDir, "uris").resolve("settings.conf"), "fetched");
    ExecutorInfo info = executor("exec-1", "normal");
    info = info.toBuilder().setCommand(info.getCommand().toBuilder()
        .addUris(CommandInfo.URI.newBuilder().setValue("file://" + data))).build();

    run(task("a", "hello-a", info));

    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(Files.readString(sandboxOf("exec-1").resolve("settings.conf"))).isEqualTo("fetched");
  }

  @Test
  void anExecutorWhoseUriCannotBeFetchedNeverStartsAndItsTaskFails() throws Exception {
    startAgent();
    String missing = workDir.resolve("no-such-file.tgz").toString();
    ExecutorInfo info = executor("exec-1", "normal");
    info = info.toBuilder().setCommand(info.getCommand().toBuilder()
        .addUris(CommandInfo.URI.newBuilder().setValue(missing))).build();

    run(task("a", "hello-a", info));

    TaskStatus failed = master.nextUpdate().getStatus();
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).contains("Failed to fetch all URIs for container")
        .contains("Failed to fetch '" + missing + "'");
    assertThat(sandboxOf("exec-1").resolve("pid")).as("the executor never ran").doesNotExist();
  }

  @Test
  void aShutdownFrameworkEndsAnIdleExecutorAndTheAgentForgetsTheFramework() throws Exception {
    startAgent();
    run(task("a", "hello-a", executor("exec-1", "normal")));
    assertThat(List.of(master.nextUpdate(), master.nextUpdate())).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    long pid = pidOf("exec-1");
    // Idle: its only task finished and was acknowledged, and it keeps running.
    JsonObject idle = awaitState(state -> executorsOf(state, "fw-e").stream()
        .anyMatch(e -> ((JsonObject) e).getString("id").equals("exec-1") && ((JsonObject) e).getJsonArray("tasks").isEmpty()));
    assertThat(executorsOf(idle, "fw-e")).hasSize(1);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    master.send(ShutdownFramework.newBuilder().setFrameworkId(FRAMEWORK.getId()).build());

    ExitedExecutor exited = master.nextExited();
    assertThat(exited.getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(exited.getStatus()).as("exited by itself on SHUTDOWN").isZero();
    assertThat(Files.readString(sandboxOf("exec-1").resolve("stdout"))).contains("EVENT SHUTDOWN", "exiting on SHUTDOWN");
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    JsonObject after = awaitState(state -> state.getJsonArray("frameworks").stream()
        .noneMatch(f -> ((JsonObject) f).getString("id").equals("fw-e")));
    assertThat(after.getJsonArray("frameworks")).isEmpty();
  }

  @Test
  void aShutdownFrameworkForAFrameworkWithNothingHereChangesNothing() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = pidOf("exec-1");

    master.send(ShutdownFramework.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("other")).build());
    // Then a message for the executor: it arrives after the shutdown was handled (one event loop), and
    // its echo proves the executor still runs and is still connected.
    master.send(FrameworkToExecutorMessage.newBuilder()
        .setFrameworkId(FRAMEWORK.getId()).setExecutorId(ExecutorID.newBuilder().setValue("exec-1"))
        .setData(ByteString.copyFromUtf8("still there")).build());

    String reply = master.nextMessage().getData().toStringUtf8();
    while (reply.startsWith("acked:")) {   // the executor reports the acknowledgement of RUNNING too
      reply = master.nextMessage().getData().toStringUtf8();
    }
    assertThat(reply).isEqualTo("echo:still there");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    assertThat(executorsOf(awaitState(state -> true), "fw-e")).hasSize(1);
    assertThat(master.exited).isEmpty();
  }

  @Test
  void anExitedExecutorsSandboxIsDeletedAfterTheGcDelay() throws Exception {
    startAgent("--gc_delay=1secs", "--disk_watch_interval=200ms");
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    Path sandbox = sandboxOf("exec-1");
    pidOf("exec-1");

    master.send(ShutdownExecutor.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setExecutorId(ExecutorID.newBuilder().setValue("exec-1")).build());
    assertThat(master.nextExited().getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(sandbox.resolve("stdout")).as("kept at first").exists();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (Files.exists(sandbox) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(sandbox).as("collected after --gc_delay").doesNotExist();
  }

  @Test
  void anExecutorIgnoringShutdownIsTerminatedAfterItsGracePeriod() throws Exception {
    startAgent();
    ExecutorInfo executor = executor("exec-1", "ignore-shutdown").toBuilder()
        .setShutdownGracePeriod(DurationInfo.newBuilder().setNanoseconds(800_000_000L)).build();
    run(task("h", "hold", executor));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = pidOf("exec-1");

    long shutdownAt = System.nanoTime();
    master.send(ShutdownExecutor.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setExecutorId(ExecutorID.newBuilder().setValue("exec-1")).build());

    TaskStatus failed = master.nextUpdate().getStatus();
    assertThat(Duration.ofNanos(System.nanoTime() - shutdownAt)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getMessage()).isEqualTo("Executor terminated with signal Terminated");
    assertThat(master.nextExited().getStatus()).as("wait status of SIGTERM").isEqualTo(15);
    assertThat(Files.readString(sandboxOf("exec-1").resolve("stdout"))).contains("EVENT SHUTDOWN");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  @Test
  void anExecutorThatNeverSubscribesIsKilledAndItsTasksFail() throws Exception {
    startAgent("--executor_registration_timeout=1secs");
    long launchedAt = System.nanoTime();
    run(task("q", "x", executor("exec-1", "never-subscribe")));
    long pid = pidOf("exec-1");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    TaskStatus failed = master.nextUpdate().getStatus();

    assertThat(Duration.ofNanos(System.nanoTime() - launchedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(failed.getTaskId().getValue()).isEqualTo("q");
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    ExitedExecutor exited = master.nextExited();
    assertThat(exited.getExecutorId().getValue()).isEqualTo("exec-1");
    assertThat(exited.getStatus()).as("wait status of SIGKILL").isEqualTo(9);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(master.updates.poll(300, TimeUnit.MILLISECONDS)).as("no second terminal update").isNull();
  }

  @Test
  void eachTasksUpdatesReachTheMasterInTheOrderTheExecutorSentThem() throws Exception {
    // Each task ends at once: its RUNNING and FINISHED come in two requests right after each other.
    startAgent();
    int tasks = 30;
    for (int i = 0; i < tasks; i++) {
      run(task("quick-" + i, "quick-" + i, executor("exec-order", "normal")));
    }
    java.util.Map<String, List<TaskState>> byTask = new java.util.TreeMap<>();
    for (int i = 0; i < 2 * tasks; i++) {
      TaskStatus status = master.nextUpdate().getStatus();
      byTask.computeIfAbsent(status.getTaskId().getValue(), id -> new ArrayList<>()).add(status.getState());
    }
    assertThat(byTask).hasSize(tasks);
    assertThat(byTask).allSatisfy((task, states) -> assertThat(states).as(task)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED));
  }

  @Test
  void anUpdateForATaskTheExecutorDoesNotOwnIsRefusedAndOthersGoOn() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    HttpResponse<String> foreign = post(MesosJson.print(call("fw-e", "exec-1", Call.Type.UPDATE)
        .setUpdate(Call.Update.newBuilder().setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue("not-mine")).setState(TaskState.TASK_FINISHED)))
        .build()));
    HttpResponse<String> otherExecutor = post(MesosJson.print(call("fw-e", "exec-2", Call.Type.HEARTBEAT).build()));
    HttpResponse<String> otherFramework = post(MesosJson.print(call("fw-other", "exec-1", Call.Type.HEARTBEAT).build()));
    HttpResponse<String> staging = post(MesosJson.print(call("fw-e", "exec-1", Call.Type.UPDATE)
        .setUpdate(Call.Update.newBuilder().setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue("h")).setState(TaskState.TASK_STAGING)))
        .build()));
    HttpResponse<String> heartbeat = post(MesosJson.print(call("fw-e", "exec-1", Call.Type.HEARTBEAT).build()));

    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.body()).isEqualTo("Task 'not-mine' is not a task of executor 'exec-1' of framework 'fw-e'");
    assertThat(foreign.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(otherExecutor.statusCode()).isEqualTo(400);
    assertThat(otherExecutor.body()).isEqualTo("Executor 'exec-2' of framework 'fw-e' cannot be found");
    assertThat(otherFramework.statusCode()).isEqualTo(400);
    assertThat(otherFramework.body()).isEqualTo("Framework 'fw-other' cannot be found");
    assertThat(staging.statusCode()).isEqualTo(400);
    assertThat(staging.body()).contains("TASK_STAGING");
    assertThat(heartbeat.statusCode()).isEqualTo(202);
    assertThat(master.updates.poll(300, TimeUnit.MILLISECONDS)).as("nothing forwarded").isNull();

    // The agent and the executor go on: the held task can be killed, another one runs.
    await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setTaskId(TaskID.newBuilder().setValue("h")).build()));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);
    run(task("n", "next", executor("exec-1", "normal")));
    assertThat(List.of(master.nextUpdate(), master.nextUpdate())).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
  }

  @Test
  void malformedOrMisaddressedCallsGetMesosStatuses() throws Exception {
    startAgent();
    URI uri = uri();

    HttpResponse<String> malformed = post("{\"type\": \"SUBSCRIBE\", \"executor_id\": ");
    HttpResponse<String> missingIds = post("{\"type\": \"HEARTBEAT\"}");
    HttpResponse<String> noContentType = HTTP.send(HttpRequest.newBuilder(uri)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> xml = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString("<call/>")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> notAcceptable = HTTP.send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json").header("Accept", "text/html")
        .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(call("fw-e", "exec-1", Call.Type.SUBSCRIBE)
            .setSubscribe(Call.Subscribe.getDefaultInstance()).build()))).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknownExecutor = post(MesosJson.print(call("fw-e", "exec-1", Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.getDefaultInstance()).build()));

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).startsWith("Failed to parse body into Call: ");
    assertThat(missingIds.statusCode()).isEqualTo(400);
    assertThat(noContentType.statusCode()).isEqualTo(400);
    assertThat(noContentType.body()).isEqualTo("Expecting 'Content-Type' to be present");
    assertThat(xml.statusCode()).isEqualTo(415);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(notAcceptable.statusCode()).isEqualTo(406);
    assertThat(unknownExecutor.statusCode()).isEqualTo(400);
    assertThat(unknownExecutor.body()).isEqualTo("Framework 'fw-e' cannot be found");
  }

  @Test
  void aResubscriptionInProtobufTakesOverTheStreamAndKeepsUnacknowledgedTasks() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "linger")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    TaskInfo held = task("h", "hold", executor("exec-1", "linger"));

    Call subscribe = call("fw-e", "exec-1", Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .addUnacknowledgedTasks(held)).build();
    HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(uri())
        .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(subscribe.toByteArray())).build(),
        HttpResponse.BodyHandlers.ofInputStream());

    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).contains("application/x-protobuf");
    assertThat(stream.headers().firstValue("Mesos-Stream-Id")).isEmpty();
    try (InputStream in = stream.body()) {
      Event subscribed = Event.parseFrom(Records.read(in));
      assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(subscribed.getSubscribed().getExecutorInfo().getExecutorId().getValue()).isEqualTo("exec-1");
      assertThat(subscribed.getSubscribed().getFrameworkInfo().getId()).isEqualTo(FRAMEWORK.getId());
      assertThat(subscribed.getSubscribed().getAgentInfo().getId().getValue()).isEqualTo(ExecutorFakeMaster.AGENT_ID);
      assertThat(subscribed.getSubscribed().getContainerId().getValue()).isEqualTo(sandboxOf("exec-1").getFileName().toString());

      // The held task is not launched again; a new one comes on this stream.
      run(task("t2", "x", executor("exec-1", "linger")));
      Event next = Event.parseFrom(Records.read(in));
      assertThat(next.getType()).isEqualTo(Event.Type.LAUNCH);
      assertThat(next.getLaunch().getTask().getTaskId().getValue()).isEqualTo("t2");
    }
    // The first connection was closed by the agent when the new one took over.
    Path stdout = sandboxOf("exec-1").resolve("stdout");
    for (int i = 0; i < 100 && !Files.readString(stdout).contains("stream ended"); i++) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(stdout)).contains("stream ended");
  }

  @Test
  void theStateListsExecutorsAndReregistrationCarriesTheirTasks() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    JsonObject state = new JsonObject(HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.httpPort() + "/state")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    JsonObject framework = state.getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getString("id")).isEqualTo("fw-e");
    JsonArray executors = framework.getJsonArray("executors");
    assertThat(executors).hasSize(1);
    assertThat(executors.getJsonObject(0).getString("id")).isEqualTo("exec-1");
    assertThat(executors.getJsonObject(0).getString("directory")).isEqualTo(sandboxOf("exec-1").toString());
    assertThat(executors.getJsonObject(0).getJsonArray("tasks").getJsonObject(0).getString("state"))
        .isEqualTo("TASK_RUNNING");

    master.registrations.clear();
    master.forgetAgent();

    Object reregistration = master.registrations.poll(5, TimeUnit.SECONDS);
    assertThat(reregistration).isInstanceOf(ReregisterAgent.class);
    assertThat(((ReregisterAgent) reregistration).getTasksList()).singleElement().satisfies(t -> {
      assertThat(t.getTask().getTaskId().getValue()).isEqualTo("h");
      assertThat(t.getTask().getExecutor().getExecutorId().getValue()).isEqualTo("exec-1");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
    });
  }

  @Test
  void aTaskWithADifferentExecutorInfoForARunningExecutorFails() throws Exception {
    startAgent();
    run(task("h", "hold", executor("exec-1", "normal")));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    run(task("other", "x", executor("exec-1", "normal").toBuilder().setName("changed").build()));

    TaskStatus failed = master.nextUpdate().getStatus();
    assertThat(failed.getTaskId().getValue()).isEqualTo("other");
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(failed.getMessage()).contains("not compatible with that of the running executor 'exec-1'");
  }

  @Test
  void anExecutorInADockerContainerReceivesTwoTasksOverTheExecutorApi() throws Exception {
    startAgent("--containerizers=docker,mesos");
    ExecutorInfo executor = dockerExecutor("exec-docker");

    run(task("da", "docker-a", executor));
    run(task("db", "docker-b", executor));
    List<StatusUpdate> updates = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      updates.add(master.nextUpdate(60_000));
    }

    Map<String, List<TaskState>> byTask = new java.util.TreeMap<>();
    updates.forEach(u -> byTask.computeIfAbsent(u.getStatus().getTaskId().getValue(), k -> new ArrayList<>())
        .add(u.getStatus().getState()));
    assertThat(byTask).containsOnly(
        Map.entry("da", List.of(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED)),
        Map.entry("db", List.of(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED)));
    assertThat(updates).extracting(u -> u.getStatus().getContainerStatus().getContainerId().getValue())
        .as("one executor container ran both").containsOnly(
            updates.get(0).getStatus().getContainerStatus().getContainerId().getValue());
    assertThat(updates).filteredOn(u -> u.getStatus().getState() == TaskState.TASK_FINISHED)
        .extracting(u -> u.getStatus().getData().toStringUtf8()).containsExactlyInAnyOrder("docker-a", "docker-b");
    String stdout = Files.readString(sandboxOf("exec-docker").resolve("stdout"));
    assertThat(stdout).as("the executor ran in the container, with the sandbox mounted")
        .contains("MESOS_SANDBOX=/mnt/mesos/sandbox\n")
        .contains("MESOS_AGENT_ENDPOINT=127.0.0.1:" + agent.httpPort() + "\n")
        .containsOnlyOnce("EVENT SUBSCRIBED");
    assertThat(Files.readString(sandboxOf("exec-docker").resolve("hostname")).trim())
        .as("host networking").isEqualTo(java.net.InetAddress.getLocalHost().getHostName());
  }

  @Test
  void aCheckpointingFrameworksExecutorOutlivesAnAgentRestartSubscribesAgainAndKeepsItsTask() throws Exception {
    FrameworkInfo checkpointing = FRAMEWORK.toBuilder().setCheckpoint(true).build();
    String[] flags = restartableAgentFlags("20secs");
    startAgent(true, flags);
    assertThat(master.registrations.poll(10, TimeUnit.SECONDS)).isInstanceOf(RegisterAgent.class);
    await(master.request(RunTask.newBuilder().setFrameworkInfo(checkpointing)
        .setTask(task("h", "hold", executor("exec-r", "normal"))).build()));
    StatusUpdate running = master.nextUpdate();
    assertThat(running.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = pidOf("exec-r");
    Thread.sleep(200);   // the acknowledgement reaches the agent

    await(vertx.undeploy(agentDeployment));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the executor outlives its agent").contains(true);
    startAgent(true, flags);

    ReregisterAgent reregister = (ReregisterAgent) master.registrations.poll(10, TimeUnit.SECONDS);
    assertThat(reregister.getTasksList()).singleElement().satisfies(t -> {
      assertThat(t.getTask().getTaskId().getValue()).isEqualTo("h");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.readString(sandboxOf("exec-r").resolve("stdout")).contains("re-subscribed")
        && countOf(Files.readString(sandboxOf("exec-r").resolve("stdout")), "EVENT SUBSCRIBED") < 2) {
      assertThat(System.nanoTime()).as("the executor subscribes again").isLessThan(deadline);
      Thread.sleep(100);
    }
    await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setTaskId(TaskID.newBuilder().setValue("h")).build()));
    StatusUpdate killed = master.nextUpdate();

    assertThat(killed.getStatus().getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getStatus().getContainerStatus().getContainerId())
        .as("the same executor run").isEqualTo(running.getStatus().getContainerStatus().getContainerId());
    assertThat(pidOf("exec-r")).isEqualTo(pid);
    assertThat(master.updates.poll(1_000, TimeUnit.MILLISECONDS)).as("no update twice").isNull();
  }

  @Test
  void aTaskStillQueuedForItsExecutorWhenTheAgentRestartsIsHandedOverOnceTheExecutorSubscribes() throws Exception {
    FrameworkInfo checkpointing = FRAMEWORK.toBuilder().setCheckpoint(true).build();
    String[] flags = restartableAgentFlags("20secs");
    startAgent(true, flags);
    assertThat(master.registrations.poll(10, TimeUnit.SECONDS)).isInstanceOf(RegisterAgent.class);
    // The executor starts but does not subscribe: its task waits in the agent's queue.
    await(master.request(RunTask.newBuilder().setFrameworkInfo(checkpointing)
        .setTask(task("q", "hold", executor("exec-q", "wait-for-go"))).build()));
    long pid = pidOf("exec-q");
    Path containers = workDir.resolve("meta").resolve("containers");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!queuedTaskCheckpointed(containers, "q")) {
      assertThat(System.nanoTime()).as("the queued task is checkpointed").isLessThan(deadline);
      Thread.sleep(50);
    }

    await(vertx.undeploy(agentDeployment));
    startAgent(true, flags);
    ReregisterAgent reregister = (ReregisterAgent) master.registrations.poll(10, TimeUnit.SECONDS);
    assertThat(reregister.getTasksList()).singleElement().satisfies(t -> {
      assertThat(t.getTask().getTaskId().getValue()).isEqualTo("q");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_STAGING);
    });

    Files.writeString(sandboxOf("exec-q").resolve("go"), "");
    StatusUpdate running = master.nextUpdate();
    assertThat(running.getStatus().getTaskId().getValue()).isEqualTo("q");
    assertThat(running.getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(pidOf("exec-q")).as("the executor of the first run").isEqualTo(pid);
    assertThat(countOf(Files.readString(sandboxOf("exec-q").resolve("stdout")), "EVENT LAUNCH"))
        .as("launched once").isEqualTo(1);
    // Handed over, it is checkpointed as such (the agent writes that after the LAUNCH; the test
    // waits for it, else the write races the deletion of the work dir).
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!namesUnder(containers).contains("q.launched")) {
      assertThat(System.nanoTime()).as("the task is checkpointed as handed over").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The names of the files under {@code directory}; empty when it is not there or a rename raced the walk. */
  private static java.util.Set<String> namesUnder(Path directory) throws java.io.IOException {
    if (!Files.isDirectory(directory)) {
      return java.util.Set.of();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    } catch (java.io.UncheckedIOException e) {
      return java.util.Set.of();   // a checkpoint being replaced (written aside, then renamed): look again
    }
  }

  private static boolean queuedTaskCheckpointed(Path containers, String taskId) throws java.io.IOException {
    // The executor's container record and the task, not yet marked as handed over.
    java.util.Set<String> names = namesUnder(containers);
    return names.contains(taskId + ".pb") && !names.contains(taskId + ".launched") && names.contains("container.pb");
  }

  @Test
  void aRecoveredExecutorThatDoesNotSubscribeAgainIsKilledAndItsTasksFail() throws Exception {
    FrameworkInfo checkpointing = FRAMEWORK.toBuilder().setCheckpoint(true).build();
    String[] flags = restartableAgentFlags("500ms");
    startAgent(true, flags);
    // "linger": once its stream ends it never subscribes again, as an executor that does not checkpoint.
    await(master.request(RunTask.newBuilder().setFrameworkInfo(checkpointing)
        .setTask(task("l", "hold", executor("exec-l", "linger").toBuilder()
            .setCommand(executor("exec-l", "linger").getCommand().toBuilder()
                .setEnvironment(executor("exec-l", "linger").getCommand().getEnvironment().toBuilder()
                    .addVariables(Environment.Variable.newBuilder().setName("MESOS_CHECKPOINT").setValue("0"))))
            .build())).build()));
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);
    long pid = pidOf("exec-l");
    Thread.sleep(200);

    await(vertx.undeploy(agentDeployment));
    startAgent(true, flags);

    TaskStatus failed = master.nextUpdate().getStatus();
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT);
    ExitedExecutor exited = master.nextExited();
    assertThat(exited.getExecutorId().getValue()).isEqualTo("exec-l");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  /**
   * Flags for an agent that a test restarts: a fixed free port (its executors reach the restarted
   * agent at the same endpoint) and the given re-registration timeout.
   */
  private static String[] restartableAgentFlags(String reregistrationTimeout) throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new String[] {"--port=" + socket.getLocalPort(),
          "--executor_reregistration_timeout=" + reregistrationTimeout};
    }
  }

  private static int countOf(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void aDockerExecutorFailsWhenTheDockerContainerizerIsNotEnabled() throws Exception {
    startAgent();

    run(task("d", "x", executor("exec-d", "normal").toBuilder()
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("busybox"))).build()));

    TaskStatus failed = master.nextUpdate().getStatus();
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage())
        .isEqualTo("Failed to launch executor: No enabled containerizer can run a DOCKER container (--containerizers=mesos)");
    assertThat(workDir.resolve("slaves").resolve(ExecutorFakeMaster.AGENT_ID).resolve("frameworks")).doesNotExist();
  }

  // ---------------------------------------------------------------------------------------------

  private void startAgent(String... extraFlags) throws Exception {
    startAgent(false, extraFlags);
  }

  /** With {@code keepCheckpointed}, undeploying the agent leaves checkpointing frameworks' executors running. */
  private void startAgent(boolean keepCheckpointed, String... extraFlags) throws Exception {
    if (!masterStarted) {
      await(master.start());
      masterStarted = true;
    }
    List<String> args = new ArrayList<>(List.of(
        "--work_dir=" + workDir,
        "--port=0",
        "--isolation=posix/cpu,posix/mem",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms",
        "--registration_backoff_max=200ms",
        "--master_request_timeout=2secs"));
    if (List.of(extraFlags).stream().anyMatch(f -> f.startsWith("--port="))) {
      args.remove("--port=0");
    }
    args.addAll(List.of(extraFlags));
    agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of()))).overLocalEventBus();
    if (keepCheckpointed) {
      agent.keepCheckpointedTasksOnStop();
    }
    agentDeployment = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  /**
   * The executor's classpath: this JVM's, but with {@link TestExecutor}'s classes and the project's
   * jars copied aside first, since other builds in the same tree may rewrite {@code target/} while
   * an executor JVM is still loading classes from it.
   */
  static synchronized String executorClasspath() throws java.io.IOException {
    if (executorClasspath == null) {
      Path snapshot = Files.createTempDirectory("vmesos-test-executor");
      executorSnapshot = snapshot;
      Path classes = snapshot.resolve("classes");
      Path packageDir = classes.resolve(TestExecutor.class.getPackageName().replace('.', '/'));
      Files.createDirectories(packageDir);
      Path compiled;
      try {
        compiled = Path.of(TestExecutor.class.getResource("TestExecutor.class").toURI()).getParent();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      try (Stream<Path> files = Files.list(compiled)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("TestExecutor") || name.startsWith("Records")) {   // with TestExecutor$1 (switch map)
            Files.copy(file, packageDir.resolve(name));
          }
        }
      }
      List<String> entries = new ArrayList<>(List.of(classes.toString()));
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry);
        if (Files.isDirectory(path)) {
          if (path.endsWith("test-classes") || path.startsWith(Path.of("").toAbsolutePath())) {
            continue;   // this module's classes: the executor needs only the copies
          }
          // Another module's classes (mvn test in the reactor puts api/target/classes here): copied too.
          Path copy = snapshot.resolve("dir" + entries.size());
          try (Stream<Path> tree = Files.walk(path)) {
            for (Path file : tree.toList()) {
              Path target = copy.resolve(path.relativize(file).toString());
              if (Files.isDirectory(file)) {
                Files.createDirectories(target);
              } else {
                Files.copy(file, target);
              }
            }
          }
          entries.add(copy.toString());
          continue;
        }
        if (entry.contains("/dev/vmesos/")) {
          Path copy = snapshot.resolve(path.getFileName());
          Files.copy(path, copy);
          entries.add(copy.toString());
        } else {
          entries.add(entry);
        }
      }
      executorClasspath = String.join(java.io.File.pathSeparator, entries);
    }
    return executorClasspath;
  }

  private static String executorClasspath;
  private static Path executorSnapshot;

  @AfterAll
  static void deleteExecutorClasspath() throws java.io.IOException {
    if (executorSnapshot != null) {
      try (Stream<Path> files = Files.walk(executorSnapshot)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
      executorSnapshot = null;
      executorClasspath = null;
    }
  }

  /** A custom executor running {@link TestExecutor} on this JVM's java. */
  static ExecutorInfo executor(String id, String mode) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return ExecutorInfo.newBuilder()
        .setType(ExecutorInfo.Type.CUSTOM)
        .setExecutorId(ExecutorID.newBuilder().setValue(id))
        .setName("test executor " + id)
        .setCommand(CommandInfo.newBuilder().setShell(false).setValue(java)
            .addAllArguments(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", executorClasspath(), TestExecutor.class.getName()))
            .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                .setName("TEST_EXECUTOR_MODE").setValue(mode))))
        .build();
  }

  /**
   * {@link TestExecutor} in the local JRE image {@value #JRE_IMAGE} (made by {@code ./vmesos test}),
   * its classpath's jars mounted read-only at their host paths.
   */
  private static ExecutorInfo dockerExecutor(String id) throws java.io.IOException {
    ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
        .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(JRE_IMAGE)
            .setNetwork(ContainerInfo.DockerInfo.Network.HOST));
    for (String jar : executorClasspath().split(java.io.File.pathSeparator)) {
      container.addVolumes(dev.vmesos.api.v1.Protos.Volume.newBuilder().setHostPath(jar).setContainerPath(jar)
          .setMode(dev.vmesos.api.v1.Protos.Volume.Mode.RO));
    }
    return ExecutorInfo.newBuilder()
        .setType(ExecutorInfo.Type.CUSTOM)
        .setExecutorId(ExecutorID.newBuilder().setValue(id))
        .setName("docker test executor " + id)
        .setContainer(container)
        .setCommand(CommandInfo.newBuilder().setShell(true).setValue(
            "hostname > hostname; exec java -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx64m -cp " + executorClasspath()
                + " " + TestExecutor.class.getName()))
        .build();
  }

  private static final String JRE_IMAGE = "vmesos/jre:local";

  static TaskInfo task(String id, String data, ExecutorInfo executor) {
    return TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(ExecutorFakeMaster.AGENT_ID))
        .setExecutor(executor)
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  static Call.Builder call(String frameworkId, String executorId, Call.Type type) {
    return Call.newBuilder().setType(type)
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setExecutorId(ExecutorID.newBuilder().setValue(executorId));
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + agent.httpPort() + ExecutorEndpoint.PATH);
  }

  private HttpResponse<String> post(String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The one run directory of an executor (waits for it to appear). */
  private Path sandboxOf(String executorId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(ExecutorFakeMaster.AGENT_ID).resolve("frameworks")
        .resolve("fw-e").resolve("executors").resolve(executorId).resolve("runs");
    for (int i = 0; i < 100 && !Files.isDirectory(runs); i++) {
      Thread.sleep(50);
    }
    try (Stream<Path> containers = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      List<Path> all = containers.toList();
      assertThat(all).as("one run of %s", executorId).hasSize(1);
      return all.get(0);
    }
  }

  /** The executor's pid, which {@link TestExecutor} writes to its sandbox first thing. */
  private long pidOf(String executorId) throws Exception {
    Path file = sandboxOf(executorId).resolve("pid");
    for (int i = 0; i < 200 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
      Thread.sleep(50);
    }
    long pid = Long.parseLong(Files.readString(file).trim());
    executorPids.add(pid);
    return pid;
  }

  /** The agent's {@code /state} once {@code condition} holds (polled, 10 s deadline). */
  private JsonObject awaitState(java.util.function.Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject state;
    do {
      state = new JsonObject(HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + agent.httpPort() + "/state")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body());
      if (condition.test(state)) {
        return state;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the agent's /state never matched; last: " + state.encodePrettily());
  }

  private static JsonArray executorsOf(JsonObject state, String frameworkId) {
    for (Object framework : state.getJsonArray("frameworks")) {
      JsonObject json = (JsonObject) framework;
      if (json.getString("id").equals(frameworkId)) {
        return json.getJsonArray("executors", new JsonArray());
      }
    }
    return new JsonArray();
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
