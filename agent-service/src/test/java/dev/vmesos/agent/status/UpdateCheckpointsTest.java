package dev.vmesos.agent.status;

import static dev.vmesos.agent.status.UpdateRecordsTest.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.status.UpdateCheckpoints.Recovered;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files on a real temporary work directory, as a restarted agent finds them. */
class UpdateCheckpointsTest {

  @TempDir
  Path workDir;

  private StatusUpdate withIds(StatusUpdate update, String framework, String task) {
    return update.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(framework))
        .setStatus(update.getStatus().toBuilder().setTaskId(TaskID.newBuilder().setValue(task))).build();
  }

  @Test
  void whatWasNeverAcknowledgedIsRecoveredInOrder() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate starting = update("t1", TaskState.TASK_STARTING);
    StatusUpdate running = update("t1", TaskState.TASK_RUNNING);
    StatusUpdate finished = update("t1", TaskState.TASK_FINISHED);
    StatusUpdate other = update("t2", TaskState.TASK_STARTING);
    checkpoints.update(starting);
    checkpoints.update(running);
    checkpoints.update(other);
    checkpoints.acknowledged("fw-1", "t1", starting.getStatus().getUuid());
    checkpoints.update(finished);

    List<Recovered> recovered = new UpdateCheckpoints(workDir).recover();

    assertThat(recovered).containsExactly(
        new Recovered("fw-1", "t1", List.of(running, finished)),
        new Recovered("fw-1", "t2", List.of(other)));
    assertThat(checkpoints.file("fw-1", "t1")).isEqualTo(workDir.resolve("meta/updates/fw-1/t1.updates"));
  }

  @Test
  void aClosedStreamLeavesNothingBehind() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate finished = update("t1", TaskState.TASK_FINISHED);
    checkpoints.update(finished);
    checkpoints.acknowledged("fw-1", "t1", finished.getStatus().getUuid());
    checkpoints.closed("fw-1", "t1");

    assertThat(checkpoints.file("fw-1", "t1")).doesNotExist();
    assertThat(checkpoints.root().resolve("fw-1")).doesNotExist();
    assertThat(new UpdateCheckpoints(workDir).recover()).isEmpty();
  }

  @Test
  void aFileWhoseUpdatesWereAllAcknowledgedIsDeletedOnRecovery() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate finished = update("t1", TaskState.TASK_FINISHED);
    checkpoints.update(finished);
    checkpoints.acknowledged("fw-1", "t1", finished.getStatus().getUuid());   // crash before closed()

    assertThat(new UpdateCheckpoints(workDir).recover()).isEmpty();
    assertThat(checkpoints.file("fw-1", "t1")).doesNotExist();
  }

  @Test
  void aTornLastRecordIsIgnoredAndCutOffSoLaterRecordsCount() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate starting = update("t1", TaskState.TASK_STARTING);
    StatusUpdate running = update("t1", TaskState.TASK_RUNNING);
    checkpoints.update(starting);
    Path file = checkpoints.file("fw-1", "t1");
    long whole = Files.size(file);
    byte[] torn = UpdateRecords.update(running);
    Files.write(file, java.util.Arrays.copyOf(torn, torn.length / 2), StandardOpenOption.APPEND);

    List<Recovered> recovered = new UpdateCheckpoints(workDir).recover();

    assertThat(recovered).containsExactly(new Recovered("fw-1", "t1", List.of(starting)));
    assertThat(Files.size(file)).as("cut back to the last whole record").isEqualTo(whole);
    // An acknowledgement recorded after recovery is read back (it does not sit behind garbage).
    checkpoints.acknowledged("fw-1", "t1", starting.getStatus().getUuid());
    assertThat(new UpdateCheckpoints(workDir).recover()).isEmpty();
  }

  @Test
  void anUnreadableFileDoesNotStopRecoveryOfTheOthers() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate other = update("t2", TaskState.TASK_RUNNING);
    checkpoints.update(other);
    Path garbage = checkpoints.root().resolve("fw-1").resolve("t1" + UpdateCheckpoints.SUFFIX);
    Files.write(garbage, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});

    assertThat(new UpdateCheckpoints(workDir).recover()).containsExactly(new Recovered("fw-1", "t2", List.of(other)));
    assertThat(garbage).doesNotExist();
  }

  @Test
  void idsCannotClimbOutOfTheCheckpointDirectory() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    StatusUpdate sneaky = withIds(update("x", TaskState.TASK_RUNNING), "..", "../../../etc/evil");
    checkpoints.update(sneaky);

    Path file = checkpoints.file("..", "../../../etc/evil");
    assertThat(file.normalize().startsWith(checkpoints.root())).isTrue();
    assertThat(file.getParent().getParent()).isEqualTo(checkpoints.root());
    assertThat(file).exists();
    assertThat(new UpdateCheckpoints(workDir).recover()).containsExactly(
        new Recovered("..", "../../../etc/evil", List.of(sneaky)));
  }

  @Test
  void removingAFrameworkDropsItsCheckpoints() throws IOException {
    UpdateCheckpoints checkpoints = new UpdateCheckpoints(workDir);
    checkpoints.update(update("t1", TaskState.TASK_RUNNING));
    StatusUpdate kept = withIds(update("t1", TaskState.TASK_RUNNING), "fw-2", "t1");
    checkpoints.update(kept);

    checkpoints.removeFramework("fw-1");

    assertThat(new UpdateCheckpoints(workDir).recover()).containsExactly(new Recovered("fw-2", "t1", List.of(kept)));
  }
}
