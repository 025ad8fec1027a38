package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.docker.ContainerLabels;
import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo.DockerInfo;
import dev.vmesos.api.v1.Protos.DurationInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command tasks in DOCKER containers, through the agent and the real Docker engine (set up by
 * {@code ./vmesos test}, with the local image {@value #IMAGE}); nothing is pulled.
 */
@ExtendWith(VertxExtension.class)
class DockerTasksTest {

  static final String IMAGE = "vmesos/busybox:local";
  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("docker-tasks").setId(FrameworkID.newBuilder().setValue("fw-docker"))
      .build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;
  private DockerEngine engine;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    engine = DockerEngine.create(vertx, DockerOptions.defaults());
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--containerizers=docker,mesos",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
  }

  @Test
  void aDockerTaskRunsInItsImageWithItsOutputInTheSandboxAndIsRemovedAfterwards() throws Exception {
    run(dockerTask("d1", "echo \"in $MESOS_SANDBOX as $MESOS_TASK_ID\"; ls /bin/busybox; echo oops >&2", 0.5, 64));

    List<StatusUpdate> updates = next(3);
    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FINISHED);
    assertThat(updates.get(2).getStatus().getMessage()).isEqualTo("Command exited with status 0");
    Path sandbox = sandboxOf("d1");
    assertThat(Files.readString(sandbox.resolve("stdout")))
        .contains("in /mnt/mesos/sandbox as d1").contains("/bin/busybox");
    assertThat(Files.readString(sandbox.resolve("stderr"))).contains("oops");
    assertThat(await(engine.list(FakeMaster.AGENT_ID))).as("the ended container is removed").isEmpty();
  }

  @Test
  void aRunningDockerTaskCarriesItsIdsAndLimitsAndAKillStopsItAfterItsGracePeriod() throws Exception {
    // Ignores SIGTERM: only the SIGKILL at the end of its 1 s grace period ends it.
    TaskInfo task = dockerTask("d2", "trap 'echo got TERM' TERM; while true; do sleep 0.1; done", 0.25, 48)
        .toBuilder().setKillPolicy(KillPolicy.newBuilder()
            .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L))).build();
    run(task);
    assertThat(states(next(2))).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    List<ContainerSummary> containers = await(engine.list(FakeMaster.AGENT_ID));
    assertThat(containers).hasSize(1);
    ContainerSummary container = containers.get(0);
    assertThat(container.running()).isTrue();
    assertThat(container.name()).startsWith("mesos-");
    assertThat(container.label(ContainerLabels.FRAMEWORK_ID)).contains("fw-docker");
    assertThat(container.label(ContainerLabels.TASK_ID)).contains("d2");
    assertThat(container.label(ContainerLabels.EXECUTOR_ID)).contains("d2");
    // One client, kept referenced until the body is read (an unreferenced Vert.x 5 client may be
    // closed under a pending request), driven from one Vert.x context.
    io.vertx.core.http.HttpClient docker = vertx.createHttpClient();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    io.vertx.core.json.JsonObject inspect;
    try {
      inspect = await(Future.<io.vertx.core.buffer.Buffer>future(promise -> context.runOnContext(v -> docker
          .request(new io.vertx.core.http.RequestOptions().setServer(io.vertx.core.net.SocketAddress
              .domainSocketAddress(DockerOptions.DEFAULT_SOCKET)).setHost("localhost")
              .setURI("/containers/" + container.id() + "/json"))
          .compose(r -> r.send()).compose(r -> r.body()).onComplete(promise)))).toJsonObject();
    } finally {
      docker.close();
    }
    assertThat(inspect.getJsonObject("HostConfig").getLong("Memory")).isEqualTo(48L * 1024 * 1024);
    assertThat(inspect.getJsonObject("HostConfig").getLong("CpuQuota")).isEqualTo(25_000L);
    assertThat(inspect.getJsonObject("HostConfig").getString("NetworkMode")).isEqualTo("host");

    long killedAt = System.nanoTime();
    await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId()).setTaskId(task.getTaskId())
        .build()));
    TaskStatus killed = master.nextUpdate().getStatus();

    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(killed.getMessage()).isEqualTo("Command terminated with signal Killed");
    assertThat(Files.readString(sandboxOf("d2").resolve("stdout"))).contains("got TERM");
  }

  @Test
  void aTaskThatHonoursSigtermEndsWithinItsGracePeriod() throws Exception {
    TaskInfo task = dockerTask("d3", "trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done", 0.25, 48)
        .toBuilder().setKillPolicy(KillPolicy.newBuilder()
            .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(20_000_000_000L))).build();
    run(task);
    assertThat(states(next(2))).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    long killedAt = System.nanoTime();
    await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId()).setTaskId(task.getTaskId())
        .build()));
    TaskStatus killed = master.nextUpdate().getStatus();

    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
    assertThat(Files.readString(sandboxOf("d3").resolve("stdout"))).contains("bye");
  }

  @Test
  void aMissingImageFailsTheTaskWithAClearMessageAndOtherTasksRunOn() throws Exception {
    run(dockerTask("keep", "sleep 30", 0.25, 32));
    assertThat(states(next(2))).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    run(dockerTask("missing", "true", 0.25, 32).toBuilder()
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            // Not on the agent, so pulled: from a closed loopback port, so the pull fails without leaving the machine.
            .setDocker(DockerInfo.newBuilder().setImage("127.0.0.1:1/vmesos/no-such-image:none")
                .setNetwork(DockerInfo.Network.HOST)))
        .build());
    List<StatusUpdate> updates = next(2);

    assertThat(states(updates)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_FAILED);
    TaskStatus failed = updates.get(1).getStatus();
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
    assertThat(failed.getMessage()).contains("Docker pull of image '127.0.0.1:1/vmesos/no-such-image:none' failed");
    List<ContainerSummary> containers = await(engine.list(FakeMaster.AGENT_ID));
    assertThat(containers).extracting(c -> c.label(ContainerLabels.TASK_ID).orElse("")).containsExactly("keep");
    assertThat(containers.get(0).running()).isTrue();
  }

  @Test
  void aBridgeNetworkIsRefusedBeforeAnythingStarts() throws Exception {
    run(dockerTask("bridge", "true", 0.25, 32).toBuilder()
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(DockerInfo.newBuilder().setImage(IMAGE).setNetwork(DockerInfo.Network.BRIDGE)))
        .build());
    TaskStatus failed = master.nextUpdate().getStatus();

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("Docker network mode BRIDGE is not supported by this agent: only HOST is");
    assertThat(await(engine.list(FakeMaster.AGENT_ID))).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  static TaskInfo dockerTask(String id, String shell, double cpus, double mem) {
    return TaskInfo.newBuilder()
        .setName("docker task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .addResources(scalar("cpus", cpus))
        .addResources(scalar("mem", mem))
        .setCommand(CommandInfo.newBuilder().setValue(shell))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(DockerInfo.newBuilder().setImage(IMAGE).setNetwork(DockerInfo.Network.HOST)))
        .build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private List<StatusUpdate> next(int count) throws InterruptedException {
    List<StatusUpdate> updates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      updates.add(master.nextUpdate(30_000));
    }
    return updates;
  }

  private static List<TaskState> states(List<StatusUpdate> updates) {
    return updates.stream().map(u -> u.getStatus().getState()).toList();
  }

  private Path sandboxOf(String taskId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-docker")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> found = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      return found.findFirst().orElseThrow();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
