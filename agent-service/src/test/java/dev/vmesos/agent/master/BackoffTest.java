package dev.vmesos.agent.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCapAndResets() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(2000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(3000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(3000));
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
  }
}
