package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.agent.docker.ContainerLabels;
import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerLaunch;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent stopped while its tasks run and started again on the same work_dir, as an operator's
 * agent restart: a checkpointing framework's tasks keep running, are reported when the agent
 * re-registers, and each of their status updates reaches the master exactly once; what no task
 * wants any more is cleaned up. Real processes and the real Docker engine.
 */
@ExtendWith(VertxExtension.class)
class AgentRecoveryTest {

  private static final FrameworkInfo CHECKPOINTING = FrameworkInfo.newBuilder()
      .setUser("root").setName("checkpointing").setId(FrameworkID.newBuilder().setValue("fw-cp"))
      .setCheckpoint(true).build();
  private static final FrameworkInfo NOT_CHECKPOINTING = FrameworkInfo.newBuilder()
      .setUser("root").setName("plain").setId(FrameworkID.newBuilder().setValue("fw-plain"))
      .build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;
  private DockerEngine engine;
  private String agentDeployment;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    engine = DockerEngine.create(vertx, DockerOptions.defaults());
    await(master.start());
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
  }

  @Test
  void aProcessTaskRunsThroughARestartAndEachOfItsUpdatesArrivesOnce() throws Exception {
    startAgent();
    assertThat(master.registrations.poll(10, TimeUnit.SECONDS)).isInstanceOf(RegisterAgent.class);
    Path marker = workDir.resolve("go");
    run(CHECKPOINTING, task("p1", "while [ ! -e " + marker + " ]; do sleep 0.05; done; echo finished", false));
    assertThat(states(2)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    restartAgent(() -> { });

    Message reregistration = master.registrations.poll(10, TimeUnit.SECONDS);
    assertThat(reregistration).isInstanceOf(ReregisterAgent.class);
    ReregisterAgent reregister = (ReregisterAgent) reregistration;
    assertThat(reregister.getAgentInfo().getId().getValue()).isEqualTo(FakeMaster.AGENT_ID);
    assertThat(reregister.getTasksList()).singleElement().satisfies(t -> {
      assertThat(t.getTask().getTaskId().getValue()).isEqualTo("p1");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
    });

    Files.createFile(marker);
    StatusUpdate finished = master.nextUpdate(15_000);
    assertThat(finished.getStatus().getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(finished.getStatus().getMessage()).isEqualTo("Command exited with status 0");
    assertThat(master.updates.poll(1_500, TimeUnit.MILLISECONDS)).as("no update twice").isNull();
  }

  @Test
  void aDockerTaskThatEndsWhileTheAgentIsDownIsReportedWithItsExitStatusOnce() throws Exception {
    startAgent();
    Path marker = workDir.resolve("stop");
    run(CHECKPOINTING, task("d1", "unused", true).toBuilder()
        .setContainer(ContainerInfo.newBuilder(DockerTasksTest.dockerTask("x", "true", 0.1, 32).getContainer())
            .addVolumes(dev.vmesos.api.v1.Protos.Volume.newBuilder().setHostPath(marker.getParent().toString())
                .setContainerPath("/marker").setMode(dev.vmesos.api.v1.Protos.Volume.Mode.RO)))
        .setCommand(CommandInfo.newBuilder().setValue("while [ ! -e /marker/stop ]; do sleep 0.05; done; exit 3"))
        .build());
    assertThat(states(2)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    restartAgent(() -> {
      Files.createFile(marker);
      Thread.sleep(500);   // the container ends while no agent runs
    });

    StatusUpdate failed = master.nextUpdate(15_000);
    assertThat(failed.getStatus().getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getStatus().getMessage()).isEqualTo("Command exited with status 3");
    assertThat(master.updates.poll(1_500, TimeUnit.MILLISECONDS)).as("no update twice").isNull();
    assertThat(await(engine.list(FakeMaster.AGENT_ID))).as("its container is removed").isEmpty();
  }

  @Test
  void aRestartKillsOtherFrameworksTasksAndRemovesContainersNoTaskOwns() throws Exception {
    startAgent();
    run(NOT_CHECKPOINTING, task("plain", "sleep 60", false));
    assertThat(states(2)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    // A container of this agent that no checkpoint knows, as a crash between create and checkpoint leaves.
    Path strayBox = Files.createDirectories(workDir.resolve("stray"));
    await(engine.run(new DockerLaunch("stray-1", FakeMaster.AGENT_ID, "fw-x", "e", Optional.of("t"),
        DockerTasksTest.dockerTask("t", "sleep 60", 0.1, 32).getContainer(),
        Optional.of(CommandInfo.newBuilder().setValue("sleep 60").build()), Resources.empty(), Map.of(), strayBox)));

    restartAgent(() -> { });

    assertThat(master.nextUpdate().getStatus().getState()).as("killed when its agent stopped")
        .isEqualTo(TaskState.TASK_KILLED);
    ReregisterAgent reregister = (ReregisterAgent) master.registrations.poll(10, TimeUnit.SECONDS);
    assertThat(reregister.getTasksList()).isEmpty();
    assertThat(await(engine.list(FakeMaster.AGENT_ID))).extracting(c -> c.label(ContainerLabels.CONTAINER_ID))
        .as("the stray container is removed").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  private interface Downtime {
    void run() throws Exception;
  }

  private void startAgent() throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--containerizers=docker,mesos",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus()
        .keepCheckpointedTasksOnStop();
    agentDeployment = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  /** Stops the agent, lets {@code downtime} happen, and starts a new one on the same work_dir. */
  private void restartAgent(Downtime downtime) throws Exception {
    master.registrations.clear();
    await(vertx.undeploy(agentDeployment));
    downtime.run();
    startAgent();
  }

  private void run(FrameworkInfo framework, TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(framework).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private static TaskInfo task(String id, String shell, boolean docker) {
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(shell));
    if (docker) {
      task.setContainer(DockerTasksTest.dockerTask(id, shell, 0.1, 32).getContainer());
    }
    return task.build();
  }

  private List<TaskState> states(int count) throws InterruptedException {
    List<TaskState> states = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      states.add(master.nextUpdate(30_000).getStatus().getState());
    }
    return states;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
