package dev.vmesos.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.agent.status.UpdateRecords.Ack;
import dev.vmesos.agent.status.UpdateRecords.Decoded;
import dev.vmesos.agent.status.UpdateRecords.Update;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint record format: round trips, every possible cut of a tail, corruption, replay. */
class UpdateRecordsTest {

  private static int nextUuid;

  static StatusUpdate update(String task, TaskState state) {
    byte[] uuid = new byte[16];
    Arrays.fill(uuid, (byte) ++nextUuid);
    return StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
            .setUuid(ByteString.copyFrom(uuid)).setMessage("message of " + state))
        .build();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void updatesAndAcksRoundTrip() {
    StatusUpdate starting = update("t", TaskState.TASK_STARTING);
    StatusUpdate running = update("t", TaskState.TASK_RUNNING);
    byte[] bytes = concat(UpdateRecords.update(starting), UpdateRecords.ack(starting.getStatus().getUuid()),
        UpdateRecords.update(running));

    Decoded decoded = UpdateRecords.decode(bytes);

    assertThat(decoded.problem()).isEmpty();
    assertThat(decoded.validLength()).isEqualTo(bytes.length);
    assertThat(decoded.records()).containsExactly(new Update(starting), new Ack(starting.getStatus().getUuid()),
        new Update(running));
  }

  @Test
  void anEmptyFileHoldsNothing() {
    Decoded decoded = UpdateRecords.decode(new byte[0]);

    assertThat(decoded.records()).isEmpty();
    assertThat(decoded.problem()).isEmpty();
  }

  @Test
  void aTailCutAnywhereKeepsEveryWholeRecordBeforeIt() {
    StatusUpdate starting = update("t", TaskState.TASK_STARTING);
    StatusUpdate running = update("t", TaskState.TASK_RUNNING);
    byte[] first = concat(UpdateRecords.update(starting), UpdateRecords.ack(starting.getStatus().getUuid()));
    byte[] last = UpdateRecords.update(running);
    byte[] bytes = concat(first, last);

    for (int cut = first.length + 1; cut < bytes.length; cut++) {
      Decoded decoded = UpdateRecords.decode(Arrays.copyOf(bytes, cut));
      assertThat(decoded.records()).as("cut at %d", cut).hasSize(2);
      assertThat(decoded.validLength()).as("cut at %d", cut).isEqualTo(first.length);
      assertThat(decoded.problem()).as("cut at %d", cut).hasValueSatisfying(p -> assertThat(p).contains("truncated"));
    }
  }

  @Test
  void aCorruptRecordEndsDecodingThere() {
    StatusUpdate starting = update("t", TaskState.TASK_STARTING);
    byte[] good = UpdateRecords.update(starting);
    byte[] second = UpdateRecords.update(update("t", TaskState.TASK_RUNNING));
    second[10] ^= 0x5a;   // a flipped payload byte
    byte[] third = UpdateRecords.update(update("t", TaskState.TASK_FINISHED));

    Decoded decoded = UpdateRecords.decode(concat(good, second, third));

    assertThat(decoded.records()).containsExactly(new Update(starting));
    assertThat(decoded.validLength()).isEqualTo(good.length);
    assertThat(decoded.problem()).hasValueSatisfying(p -> assertThat(p).contains("checksum"));
  }

  @Test
  void zeroesOrGarbageAfterTheLastRecordAreNotRecords() {
    byte[] good = UpdateRecords.update(update("t", TaskState.TASK_STARTING));

    assertThat(UpdateRecords.decode(concat(good, new byte[64])).problem()).isPresent();
    assertThat(UpdateRecords.decode(concat(good, new byte[64])).validLength()).isEqualTo(good.length);
    byte[] hugeLength = {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
    assertThat(UpdateRecords.decode(concat(good, hugeLength)).problem())
        .hasValueSatisfying(p -> assertThat(p).contains("implausible"));
  }

  @Test
  void onlyUpdatesWithoutAnAckAreReplayedInTheirOrder() {
    StatusUpdate starting = update("t", TaskState.TASK_STARTING);
    StatusUpdate running = update("t", TaskState.TASK_RUNNING);
    StatusUpdate finished = update("t", TaskState.TASK_FINISHED);
    byte[] bytes = concat(UpdateRecords.update(starting), UpdateRecords.update(running),
        UpdateRecords.ack(starting.getStatus().getUuid()), UpdateRecords.update(finished));

    assertThat(UpdateRecords.unacknowledged(UpdateRecords.decode(bytes).records()))
        .containsExactly(running, finished);
  }

  @Test
  void aTruncatedAckLeavesItsUpdateToBeResent() {
    StatusUpdate starting = update("t", TaskState.TASK_STARTING);
    byte[] ack = UpdateRecords.ack(starting.getStatus().getUuid());
    byte[] bytes = concat(UpdateRecords.update(starting), Arrays.copyOf(ack, ack.length - 1));

    List<StatusUpdate> pending = UpdateRecords.unacknowledged(UpdateRecords.decode(bytes).records());

    assertThat(pending).containsExactly(starting);
  }
}
