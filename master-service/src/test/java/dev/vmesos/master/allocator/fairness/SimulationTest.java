package dev.vmesos.master.allocator.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real allocator, driven by offers, accepts and declines, against pure progressive filling. */
class SimulationTest {

  private static Filling pure(Scenario.Drf scenario) {
    return Fairness.progressiveFilling(scenario.totals(), scenario.frameworks());
  }

  private static List<Step> accepted(Filling filling) {
    return filling.steps().stream().filter(Step::accepted).toList();
  }

  @Test
  void seedDrfThroughTheAllocatorIsStepForStepProgressiveFilling() {
    Filling real = Simulation.run(Scenarios.SEED_DRF);

    // a = .3, b = .25, b = .5, a = .6, b = .75; then 1 cpu and 1 GB go to A, then B: both decline.
    assertThat(real.steps()).extracting(Step::framework).containsExactly("A", "B", "B", "A", "B", "A", "B");
    assertThat(real.steps()).isEqualTo(pure(Scenarios.SEED_DRF).steps());
    assertThat(real).isEqualTo(pure(Scenarios.SEED_DRF));
    assertThat(real.holding("A").allocated()).containsEntry("cpus", 6.0).containsEntry("mem", 4096.0);
    assertThat(real.holding("B").allocated()).containsEntry("cpus", 3.0).containsEntry("mem", 15360.0);
    assertThat(real.utilization()).containsEntry("cpus", 0.9).containsEntry("mem", 0.95);
  }

  @Test
  void seedDrf2ThroughTheAllocatorAcceptsAsProgressiveFillingDoes() {
    Filling real = Simulation.run(Scenarios.SEED_DRF_2);
    Filling pure = pure(Scenarios.SEED_DRF_2);

    // a = 2/9, b = 1/3, a = 4/9, b = 2/3, a = 2/3: the same offers, remainders and shares.
    assertThat(accepted(real)).isEqualTo(accepted(pure));
    assertThat(real.holdings()).isEqualTo(pure.holdings());
    assertThat(real.utilization()).isEqualTo(pure.utilization());
    // Then 8 GB are left and both shares are 2/3. Both decline, in a different order: progressive
    // filling offers the tie to A (listed first); the allocator to B (fewer offers so far, as Mesos).
    assertThat(real.steps()).extracting(Step::framework).containsExactly("A", "B", "A", "B", "A", "B", "A");
    assertThat(pure.steps()).extracting(Step::framework).containsExactly("A", "B", "A", "B", "A", "A", "B");
    assertThat(real.steps().subList(5, 7)).allSatisfy(step -> {
      assertThat(step.accepted()).isFalse();
      assertThat(step.offered()).isEqualTo(Map.of("cpus", 0.0, "mem", 8192.0));
    });
    assertThat(real.holding("A").dominantShare()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(real.holding("B").dominantShare()).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void drfPaperThroughTheAllocatorGivesAThreeTasksAndBTwo() {
    Filling real = Simulation.run(Scenarios.DRF_PAPER);
    Filling pure = pure(Scenarios.DRF_PAPER);

    assertThat(accepted(real)).isEqualTo(accepted(pure));
    assertThat(real.holding("A").tasks()).isEqualTo(3);
    assertThat(real.holding("B").tasks()).isEqualTo(2);
  }

  @Test
  void aRoleForEachFrameworkGivesTheSameTrace() {
    Scenario.Drf seed = Scenarios.SEED_DRF;
    Scenario.Drf perRole = new Scenario.Drf("per-role", "", seed.totals(), seed.frameworks(), true);

    assertThat(Simulation.run(perRole)).isEqualTo(pure(seed));
  }

  @Test
  void roleWeightsShiftSharesInTheAllocatorAsInProgressiveFilling() {
    // 12 cpu, tasks of 1 cpu; A's role weighs 2: A should hold twice as much, a = 2/3, b = 1/3.
    Scenario.Drf weighted = new Scenario.Drf("weighted", "", Map.of("cpus", 12.0), List.of(
        new Framework("A", Map.of("cpus", 1.0), 2), Framework.of("B", Map.of("cpus", 1.0))), true);

    Filling real = Simulation.run(weighted);

    assertThat(real.holding("A").tasks()).isEqualTo(8);
    assertThat(real.holding("B").tasks()).isEqualTo(4);
    assertThat(real.holding("A").dominantShare()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(real.holdings()).isEqualTo(pure(weighted).holdings());
    // The cluster is full after 12 tasks: no offer is left to decline.
    assertThat(real.steps()).hasSize(12).allMatch(Step::accepted);
  }

  @Test
  void aDeclinedFrameworkIsNeverOfferedTheAgentAgainWhateverTheSorter() {
    for (int run = 0; run < 20; run++) {
      Filling real = Simulation.run(Scenarios.SEED_DRF, AllocatorConfig.defaults().withSorters("random", "random"));

      for (Framework f : Scenarios.SEED_DRF.frameworks()) {
        List<Step> own = real.steps().stream().filter(s -> s.framework().equals(f.name())).toList();
        // Every offer before the last was taken; the last one was declined, with a filter that holds.
        assertThat(own).isNotEmpty();
        assertThat(own.subList(0, own.size() - 1)).allMatch(Step::accepted);
        assertThat(own.get(own.size() - 1).accepted()).isFalse();
      }
      assertThat(real.free().get("cpus")).isGreaterThanOrEqualTo(0.0);
      assertThat(real.free().get("mem")).isGreaterThanOrEqualTo(0.0);
    }
  }
}
