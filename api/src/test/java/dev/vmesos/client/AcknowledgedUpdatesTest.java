package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class AcknowledgedUpdatesTest {

  private static ByteString uuid(int n) {
    return ByteString.copyFromUtf8("uuid-" + n);
  }

  @Test
  void anAcknowledgedUpdateIsARepeatOfItsTaskOnly() {
    AcknowledgedUpdates acknowledged = new AcknowledgedUpdates();

    assertThat(acknowledged.isRepeat("t1", uuid(1))).isFalse();
    acknowledged.acknowledged("t1", uuid(1));
    assertThat(acknowledged.isRepeat("t1", uuid(1))).isTrue();
    assertThat(acknowledged.isRepeat("t1", uuid(2))).as("the task's next update").isFalse();
    assertThat(acknowledged.isRepeat("t2", uuid(1))).as("another task").isFalse();
  }

  @Test
  void onlyTheLastUuidsOfATaskAreRemembered() {
    AcknowledgedUpdates acknowledged = new AcknowledgedUpdates(10, 3);
    for (int n = 1; n <= 4; n++) {
      acknowledged.acknowledged("t1", uuid(n));
    }
    acknowledged.acknowledged("t1", uuid(4));   // acknowledging again does not push another out

    assertThat(acknowledged.isRepeat("t1", uuid(1))).as("the oldest, forgotten").isFalse();
    assertThat(acknowledged.isRepeat("t1", uuid(2))).isTrue();
    assertThat(acknowledged.isRepeat("t1", uuid(4))).isTrue();
  }

  @Test
  void theLeastRecentlyUpdatedTaskIsForgottenFirst() {
    AcknowledgedUpdates acknowledged = new AcknowledgedUpdates(2, 8);
    acknowledged.acknowledged("old", uuid(1));
    acknowledged.acknowledged("busy", uuid(1));
    acknowledged.acknowledged("old", uuid(2));    // "old" is now the more recent one
    acknowledged.acknowledged("new", uuid(1));    // 3 tasks > 2: "busy" goes

    assertThat(acknowledged.tasks()).isEqualTo(2);
    assertThat(acknowledged.isRepeat("busy", uuid(1))).isFalse();
    assertThat(acknowledged.isRepeat("old", uuid(1))).isTrue();
    assertThat(acknowledged.isRepeat("new", uuid(1))).isTrue();
  }
}
