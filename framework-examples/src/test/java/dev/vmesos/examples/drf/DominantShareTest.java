package dev.vmesos.examples.drf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.examples.common.TaskResources;
import org.junit.jupiter.api.Test;

class DominantShareTest {

  private static final Resources SEED_CLUSTER = Resources.parse("cpus:10;mem:20480");

  @Test
  void theSeedsFirstExample() {
    // A <4 CPU, 5 GB>: cpus .4, mem .25 -> .4 cpus; B <2 CPU, 8 GB>: cpus .2, mem .4 -> .4 mem.
    DominantShare a = DominantShare.of(Resources.parse("cpus:4;mem:5120"), SEED_CLUSTER);
    DominantShare b = DominantShare.of(Resources.parse("cpus:2;mem:8192"), SEED_CLUSTER);
    assertThat(a.share()).isCloseTo(0.4, within(1e-9));
    assertThat(a.resource()).isEqualTo("cpus");
    assertThat(b.share()).isCloseTo(0.4, within(1e-9));
    assertThat(b.resource()).isEqualTo("mem");
  }

  @Test
  void anEmptyClusterGivesNoShare() {
    assertThat(DominantShare.of(Resources.parse("cpus:1;mem:1"), Resources.empty()).share()).isZero();
  }

  @Test
  void tasksFitByTheirScarcerResource() {
    TaskResources a = new TaskResources(2, 1000);
    TaskResources c = new TaskResources(0.5, 512);
    assertThat(a.fitIn(Resources.parse("cpus:4;mem:5120"))).as("cpu-bound").isEqualTo(2);
    assertThat(c.fitIn(Resources.parse("cpus:4;mem:1600"))).as("mem-bound").isEqualTo(3);
    assertThat(c.fitIn(Resources.parse("cpus:1.5;mem:4096"))).isEqualTo(3);
    assertThat(a.fitIn(Resources.parse("cpus:0;mem:4096"))).isZero();
    assertThatThrownBy(() -> new TaskResources(0, 10)).hasMessageContaining("cpus > 0");
  }

  @Test
  void taskSecondsAreARangeOrOneNumber() {
    assertThat(TaskDuration.parse("20-40")).isEqualTo(new TaskDuration(20, 40));
    assertThat(TaskDuration.parse("5")).isEqualTo(new TaskDuration(5, 5));
    assertThat(TaskDuration.parse("20-40").pick(new java.util.SplittableRandom(1)).toMillis()).isBetween(20_000L, 40_000L);
    assertThatThrownBy(() -> TaskDuration.parse("40-20")).hasMessageContaining("--task_seconds");
    assertThatThrownBy(() -> TaskDuration.parse("soon")).hasMessageContaining("--task_seconds");
  }
}
