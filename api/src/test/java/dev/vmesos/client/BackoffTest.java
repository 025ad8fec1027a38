package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCapAndStartsOverAfterAReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(2000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(3000));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(3000));
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void refusesAnInvertedRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("0 < initial <= max");
  }
}
