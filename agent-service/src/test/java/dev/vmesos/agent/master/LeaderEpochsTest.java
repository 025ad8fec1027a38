package dev.vmesos.agent.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.agent.master.LeaderEpochs.Verdict;
import org.junit.jupiter.api.Test;

class LeaderEpochsTest {

  @Test
  void epochsAreJudgedAgainstTheHighestSeen() {
    LeaderEpochs epochs = new LeaderEpochs();

    assertThat(epochs.observe(3)).isEqualTo(Verdict.NEWER);     // highest 3
    assertThat(epochs.observe(3)).isEqualTo(Verdict.CURRENT);
    assertThat(epochs.observe(2)).isEqualTo(Verdict.STALE);     // a deposed leader's
    assertThat(epochs.observe(7)).isEqualTo(Verdict.NEWER);     // highest 7
    assertThat(epochs.observe(3)).isEqualTo(Verdict.STALE);
    assertThat(epochs.highest()).isEqualTo(7);
  }

  @Test
  void epochsAreUnsigned64BitNumbers() {
    LeaderEpochs epochs = new LeaderEpochs();
    long above = LeaderEpochs.parse("18446744073709551615");   // 2^64 - 1, negative as a signed long

    assertThat(epochs.observe(Long.MAX_VALUE)).isEqualTo(Verdict.NEWER);
    assertThat(epochs.observe(above)).isEqualTo(Verdict.NEWER);
    assertThat(epochs.observe(Long.MAX_VALUE)).isEqualTo(Verdict.STALE);
    assertThat(LeaderEpochs.toString(epochs.highest())).isEqualTo("18446744073709551615");
    assertThatThrownBy(() -> LeaderEpochs.parse("-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-1' is not a decimal uint64");
    assertThatThrownBy(() -> LeaderEpochs.parse("seven")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyRefusalIsCountedButEachStaleEpochIsWarnedAboutOnce() {
    LeaderEpochs epochs = new LeaderEpochs();
    epochs.observe(5);

    assertThat(epochs.refused(4)).isTrue();
    assertThat(epochs.refused(4)).isFalse();
    assertThat(epochs.refused(3)).isTrue();
    assertThat(epochs.refused(4)).isFalse();
    assertThat(epochs.staleMessages()).isEqualTo(4);
  }

  @Test
  void anEpochAboveTheRegistrationsMeansALeaderTheAgentHasNotMet() {
    LeaderEpochs epochs = new LeaderEpochs();

    assertThat(epochs.newerThanRegistration(1)).as("registered under no epoch yet").isTrue();
    epochs.registeredUnder(4);
    assertThat(epochs.newerThanRegistration(4)).isFalse();
    assertThat(epochs.newerThanRegistration(3)).isFalse();
    assertThat(epochs.newerThanRegistration(5)).isTrue();
    assertThat(epochs.registeredEpoch()).isEqualTo(4);
  }
}
