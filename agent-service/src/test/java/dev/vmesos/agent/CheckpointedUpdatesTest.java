package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.status.UpdateCheckpoints;
import dev.vmesos.agent.status.UpdateRecords;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Status updates survive an agent restart until acknowledged: one agent runs a task while the
 * framework acknowledges nothing, is undeployed, and a new agent on the same work directory
 * sends the same updates (same uuids) again, in order, until they are acknowledged.
 */
@ExtendWith(VertxExtension.class)
class CheckpointedUpdatesTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("test-framework").setId(FrameworkID.newBuilder().setValue("fw-1"))
      .build();

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    master.withholdAcknowledgements();
    await(master.start());
  }

  /** Deploys an agent on {@link #workDir}, waits until it is registered; returns the deployment id. */
  private String deployAgent() throws Exception {
    master.pings.clear();
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms",
        "--status_update_retry_interval_min=300ms", "--status_update_retry_interval_max=300ms"}, Map.of()))).overLocalEventBus();
    String id = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
    return id;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void run(String id, String command) throws Exception {
    TaskInfo task = TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .build();
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private Path checkpoint(String taskId) {
    return new UpdateCheckpoints(workDir).file("fw-1", taskId);
  }

  /** The updates recorded in a task's checkpoint, once there are {@code count}. */
  private List<StatusUpdate> checkpointedUpdates(String taskId, int count) throws Exception {
    List<StatusUpdate> updates = List.of();
    for (int i = 0; i < 100 && updates.size() < count; i++) {
      Thread.sleep(50);
      if (Files.exists(checkpoint(taskId))) {
        updates = UpdateRecords.decode(Files.readAllBytes(checkpoint(taskId))).records().stream()
            .filter(r -> r instanceof UpdateRecords.Update)
            .map(r -> ((UpdateRecords.Update) r).update())
            .toList();
      }
    }
    assertThat(updates).as("updates checkpointed for %s", taskId).hasSize(count);
    return updates;
  }

  /** The next update that is not a resend of {@code previous}. */
  private StatusUpdate nextOtherThan(StatusUpdate previous) throws InterruptedException {
    StatusUpdate next = master.nextUpdate(5_000);
    while (next.equals(previous)) {
      next = master.nextUpdate(5_000);
    }
    return next;
  }

  private void awaitDeleted(Path file) throws InterruptedException {
    for (int i = 0; i < 100 && Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertThat(file).as("checkpoint deleted once the terminal update is acknowledged").doesNotExist();
  }

  private void assertNothingSentFor(long millis) throws InterruptedException {
    assertThat(master.updates.poll(millis, TimeUnit.MILLISECONDS)).as("no update sent").isNull();
  }

  @Test
  void unacknowledgedUpdatesAreResentWithTheirUuidsAfterARestartUntilAcknowledged() throws Exception {
    String first = deployAgent();
    run("t1", "true");
    StatusUpdate starting = master.nextUpdate();
    assertThat(starting.getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
    assertThat(UpdateRecords.decode(Files.readAllBytes(checkpoint("t1"))).records())
        .as("on disk before it was first sent").contains(new UpdateRecords.Update(starting));
    // Checkpointed before being sent; RUNNING and FINISHED wait behind the unacknowledged head.
    List<StatusUpdate> checkpointed = checkpointedUpdates("t1", 3);
    assertThat(checkpointed.get(0)).isEqualTo(starting);
    assertThat(checkpointed).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);

    await(vertx.undeploy(first));
    master.updates.clear();
    String second = deployAgent();

    StatusUpdate resent = master.nextUpdate(5_000);
    assertThat(resent).as("the same STARTING, same uuid").isEqualTo(checkpointed.get(0));
    master.acknowledge(resent);
    StatusUpdate running = nextOtherThan(resent);
    assertThat(running).isEqualTo(checkpointed.get(1));
    master.acknowledge(running);
    StatusUpdate finished = nextOtherThan(running);
    assertThat(finished).isEqualTo(checkpointed.get(2));
    master.acknowledge(finished);

    awaitDeleted(checkpoint("t1"));
    master.updates.clear();
    assertNothingSentFor(1_000);   // resends come every 300 ms while unacknowledged

    // And a further restart has nothing to resend.
    await(vertx.undeploy(second));
    deployAgent();
    assertNothingSentFor(1_000);
  }

  @Test
  void onlyTheUnacknowledgedPartOfAStreamIsReplayed() throws Exception {
    String first = deployAgent();
    run("t2", "true");
    StatusUpdate starting = master.nextUpdate();
    List<StatusUpdate> checkpointed = checkpointedUpdates("t2", 3);
    master.acknowledge(starting);
    StatusUpdate running = nextOtherThan(starting);
    assertThat(running).isEqualTo(checkpointed.get(1));
    // Wait until the acknowledgement of STARTING is on disk too.
    for (int i = 0; i < 100; i++) {
      if (UpdateRecords.unacknowledged(UpdateRecords.decode(Files.readAllBytes(checkpoint("t2"))).records()).size() == 2) {
        break;
      }
      Thread.sleep(50);
    }

    await(vertx.undeploy(first));
    master.updates.clear();
    deployAgent();

    StatusUpdate resent = master.nextUpdate(5_000);
    assertThat(resent).as("RUNNING, not the acknowledged STARTING").isEqualTo(checkpointed.get(1));
    master.acknowledge(resent);
    StatusUpdate finished = nextOtherThan(resent);
    assertThat(finished).isEqualTo(checkpointed.get(2));
    master.acknowledge(finished);
    awaitDeleted(checkpoint("t2"));
  }

  @Test
  void aCheckpointTornByACrashIsReplayedUpToItsLastWholeRecord() throws Exception {
    String first = deployAgent();
    run("t3", "true");
    master.nextUpdate();
    List<StatusUpdate> checkpointed = checkpointedUpdates("t3", 3);
    await(vertx.undeploy(first));
    // As if the agent had died writing FINISHED: cut its record in half.
    byte[] bytes = Files.readAllBytes(checkpoint("t3"));
    int finishedLength = UpdateRecords.update(checkpointed.get(2)).length;
    Files.write(checkpoint("t3"), java.util.Arrays.copyOf(bytes, bytes.length - finishedLength / 2));
    master.updates.clear();

    deployAgent();

    StatusUpdate resent = master.nextUpdate(5_000);
    assertThat(resent).isEqualTo(checkpointed.get(0));
    master.acknowledge(resent);
    StatusUpdate running = nextOtherThan(resent);
    assertThat(running).isEqualTo(checkpointed.get(1));
    master.acknowledge(running);
    // FINISHED was never whole on disk, so it is not resent (the agent restarted without the task).
    // The stream stays open (its last update is not terminal) but holds nothing unacknowledged.
    for (int i = 0; i < 20; i++) {
      StatusUpdate late = master.updates.poll(100, TimeUnit.MILLISECONDS);
      assertThat(late == null || late.equals(running)).as("only resends of RUNNING may cross its ack").isTrue();
    }
  }
}
