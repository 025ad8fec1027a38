package dev.vmesos.agent.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Mesos's age-by-disk-usage rule, with a 10-minute gc_delay and the default 0.1 headroom. */
class SandboxGcTest {

  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private final SandboxGc gc = new SandboxGc(Duration.ofMinutes(10), 0.1);

  @Test
  void theMaximumAgeShrinksAsTheDiskFills() {
    // gc_delay × max(0, 1 − 0.1 − usage), never more than gc_delay.
    assertThat(gc.maxAge(0.0)).isEqualTo(Duration.ofMinutes(9));
    assertThat(gc.maxAge(0.5)).isEqualTo(Duration.ofMinutes(4));
    assertThat(gc.maxAge(0.9)).isEqualTo(Duration.ZERO);
    assertThat(gc.maxAge(0.97)).isEqualTo(Duration.ZERO);
    assertThat(new SandboxGc(Duration.ofMinutes(10), 0.0).maxAge(0.0)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aSandboxIsDueOnceOlderThanTheMaximumAgeForTheDiskUsage() {
    Path old = Path.of("/w/slaves/a/frameworks/f/executors/e/runs/old");
    Path young = Path.of("/w/slaves/a/frameworks/f/executors/e/runs/young");
    gc.schedule(old, T0);
    gc.schedule(young, T0.plus(Duration.ofMinutes(3)));

    // Half the disk used: 4 minutes.
    assertThat(gc.due(T0.plus(Duration.ofMinutes(3)), 0.5)).isEmpty();
    assertThat(gc.due(T0.plus(Duration.ofMinutes(4)), 0.5)).containsExactly(old);
    assertThat(gc.due(T0.plus(Duration.ofMinutes(4)), 0.5)).as("taken out once due").isEmpty();
    // The disk fills up: everything scheduled goes at the next check.
    assertThat(gc.due(T0.plus(Duration.ofMinutes(4).plusSeconds(1)), 0.95)).containsExactly(young);
    assertThat(gc.size()).isZero();
  }

  @Test
  void schedulingTwiceKeepsTheFirstTimeAndUnschedulingKeepsIt() {
    Path sandbox = Path.of("/w/runs/c1");
    gc.schedule(sandbox, T0);
    gc.schedule(sandbox, T0.plus(Duration.ofMinutes(8)));
    assertThat(gc.due(T0.plus(Duration.ofMinutes(9)), 0.0)).containsExactly(sandbox);

    gc.schedule(sandbox, T0);
    gc.unschedule(sandbox);
    assertThat(gc.due(T0.plus(Duration.ofDays(1)), 0.99)).isEmpty();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new SandboxGc(Duration.ofSeconds(-1), 0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxGc(Duration.ofSeconds(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
