package dev.vmesos.agent.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vmesos.agent.MutableClock;
import dev.vmesos.agent.status.StatusUpdateStreams.AckOutcome;
import dev.vmesos.agent.status.StatusUpdateStreams.EnqueueOutcome;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusUpdateStreamsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final StatusUpdateStreams streams =
      new StatusUpdateStreams(clock, Duration.ofSeconds(10), Duration.ofSeconds(60));
  private int nextUuid = 1;

  private StatusUpdate update(String framework, String task, TaskState state) {
    return StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework))
        .setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue(task))
            .setState(state)
            .setUuid(ByteString.copyFromUtf8("uuid-" + nextUuid++)))
        .build();
  }

  private static ByteString uuid(StatusUpdate update) {
    return update.getStatus().getUuid();
  }

  @Test
  void onlyTheHeadIsSentAndTheNextOnlyAfterItsAcknowledgement() {
    StatusUpdate starting = update("f1", "t1", TaskState.TASK_STARTING);
    StatusUpdate running = update("f1", "t1", TaskState.TASK_RUNNING);
    StatusUpdate finished = update("f1", "t1", TaskState.TASK_FINISHED);

    assertThat(streams.enqueue(starting).send()).contains(starting);
    var queued = streams.enqueue(running);
    assertThat(queued.outcome()).isEqualTo(EnqueueOutcome.QUEUED);
    assertThat(queued.send()).isEmpty();
    assertThat(streams.enqueue(finished).send()).isEmpty();
    assertThat(streams.pending("f1", "t1")).containsExactly(starting, running, finished);

    var ack1 = streams.acknowledge("f1", "t1", uuid(starting));
    assertThat(ack1.outcome()).isEqualTo(AckOutcome.ACKNOWLEDGED);
    assertThat(ack1.send()).contains(running);

    var ack2 = streams.acknowledge("f1", "t1", uuid(running));
    assertThat(ack2.send()).contains(finished);
  }

  @Test
  void streamsOfDifferentTasksAreIndependent() {
    StatusUpdate a = update("f1", "t1", TaskState.TASK_STARTING);
    StatusUpdate b = update("f1", "t2", TaskState.TASK_STARTING);
    StatusUpdate c = update("f2", "t1", TaskState.TASK_STARTING);

    assertThat(streams.enqueue(a).send()).contains(a);
    assertThat(streams.enqueue(b).send()).contains(b);
    assertThat(streams.enqueue(c).send()).contains(c);
    assertThat(streams.size()).isEqualTo(3);
  }

  @Test
  void theHeadIsResentWithDoublingBackoffUpToTheCap() {
    StatusUpdate starting = update("f1", "t1", TaskState.TASK_STARTING);
    streams.enqueue(starting);
    assertThat(streams.nextDeadline()).contains(T0.plusSeconds(10));

    clock.advance(Duration.ofMillis(9_999));
    assertThat(streams.due()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(streams.due()).containsExactly(starting);   // t = 10
    assertThat(streams.due()).isEmpty();                    // not twice at the same instant

    // waits: 10 (done), 20, 40, then capped at 60, 60.
    long[] expectedResendSeconds = {30, 70, 130, 190};
    for (long at : expectedResendSeconds) {
      assertThat(streams.nextDeadline()).contains(T0.plusSeconds(at));
      clock.advance(Duration.between(clock.instant(), T0.plusSeconds(at)).minusMillis(1));
      assertThat(streams.due()).as("before %ss", at).isEmpty();
      clock.advance(Duration.ofMillis(1));
      assertThat(streams.due()).as("at %ss", at).containsExactly(starting);
    }
  }

  @Test
  void anAcknowledgedHeadStopsBeingResentAndTheNextStartsWithTheMinimumBackoff() {
    StatusUpdate starting = update("f1", "t1", TaskState.TASK_STARTING);
    StatusUpdate running = update("f1", "t1", TaskState.TASK_RUNNING);
    streams.enqueue(starting);
    streams.enqueue(running);
    clock.advance(Duration.ofSeconds(10));
    assertThat(streams.due()).containsExactly(starting);
    clock.advance(Duration.ofSeconds(5));

    assertThat(streams.acknowledge("f1", "t1", uuid(starting)).send()).contains(running);

    assertThat(streams.nextDeadline()).contains(T0.plusSeconds(25));
    clock.advance(Duration.ofSeconds(10));
    assertThat(streams.due()).containsExactly(running);

    streams.acknowledge("f1", "t1", uuid(running));
    assertThat(streams.nextDeadline()).isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(streams.due()).isEmpty();
  }

  @Test
  void anAcknowledgementOfAnUpdateThatIsNotTheHeadIsIgnored() {
    StatusUpdate starting = update("f1", "t1", TaskState.TASK_STARTING);
    StatusUpdate running = update("f1", "t1", TaskState.TASK_RUNNING);
    streams.enqueue(starting);
    streams.enqueue(running);

    var early = streams.acknowledge("f1", "t1", uuid(running));
    assertThat(early.outcome()).isEqualTo(AckOutcome.IGNORED_NOT_HEAD);
    assertThat(early.send()).isEmpty();
    assertThat(streams.pending("f1", "t1")).containsExactly(starting, running);

    var unknown = streams.acknowledge("f1", "t9", uuid(starting));
    assertThat(unknown.outcome()).isEqualTo(AckOutcome.IGNORED_UNKNOWN_STREAM);

    streams.acknowledge("f1", "t1", uuid(starting));
    var late = streams.acknowledge("f1", "t1", uuid(starting));
    assertThat(late.outcome()).isEqualTo(AckOutcome.IGNORED_NOT_HEAD);
    assertThat(streams.pending("f1", "t1")).containsExactly(running);
  }

  @Test
  void acknowledgingTheTerminalUpdateRemovesTheStream() {
    StatusUpdate running = update("f1", "t1", TaskState.TASK_RUNNING);
    StatusUpdate failed = update("f1", "t1", TaskState.TASK_FAILED);
    streams.enqueue(running);
    streams.enqueue(failed);
    streams.acknowledge("f1", "t1", uuid(running));

    var closed = streams.acknowledge("f1", "t1", uuid(failed));

    assertThat(closed.outcome()).isEqualTo(AckOutcome.STREAM_CLOSED);
    assertThat(closed.acknowledged()).contains(failed);
    assertThat(streams.hasStream("f1", "t1")).isFalse();
    assertThat(streams.size()).isZero();
    assertThat(streams.nextDeadline()).isEmpty();
  }

  @Test
  void nothingIsAcceptedAfterATerminalUpdate() {
    streams.enqueue(update("f1", "t1", TaskState.TASK_KILLED));

    var after = streams.enqueue(update("f1", "t1", TaskState.TASK_RUNNING));

    assertThat(after.outcome()).isEqualTo(EnqueueOutcome.REJECTED_AFTER_TERMINAL);
    assertThat(streams.pending("f1", "t1")).hasSize(1);
  }

  @Test
  void aDuplicateUuidIsRejected() {
    StatusUpdate running = update("f1", "t1", TaskState.TASK_RUNNING);
    streams.enqueue(running);

    assertThat(streams.enqueue(running).outcome()).isEqualTo(EnqueueOutcome.REJECTED_DUPLICATE_UUID);
  }

  @Test
  void flushReturnsEveryHeadAndRestartsTheBackoff() {
    StatusUpdate a = update("f1", "t1", TaskState.TASK_STARTING);
    StatusUpdate a2 = update("f1", "t1", TaskState.TASK_RUNNING);
    StatusUpdate b = update("f1", "t2", TaskState.TASK_STARTING);
    streams.enqueue(a);
    streams.enqueue(a2);
    streams.enqueue(b);
    clock.advance(Duration.ofSeconds(10));
    streams.due();
    clock.advance(Duration.ofSeconds(3));

    assertThat(streams.flush()).containsExactly(a, b);
    assertThat(streams.nextDeadline()).contains(T0.plusSeconds(23));
  }

  @Test
  void removingAFrameworkDropsOnlyItsStreams() {
    streams.enqueue(update("f1", "t1", TaskState.TASK_STARTING));
    streams.enqueue(update("f1", "t1", TaskState.TASK_RUNNING));
    streams.enqueue(update("f2", "t1", TaskState.TASK_STARTING));

    assertThat(streams.removeFramework("f1")).isEqualTo(2);
    assertThat(streams.hasStream("f1", "t1")).isFalse();
    assertThat(streams.hasStream("f2", "t1")).isTrue();
  }

  @Test
  void anUpdateWithoutUuidIsRefused() {
    StatusUpdate noUuid = update("f1", "t1", TaskState.TASK_RUNNING).toBuilder()
        .setStatus(update("f1", "t1", TaskState.TASK_RUNNING).getStatus().toBuilder().clearUuid())
        .build();

    assertThatThrownBy(() -> streams.enqueue(noUuid)).isInstanceOf(IllegalArgumentException.class);
  }
}
