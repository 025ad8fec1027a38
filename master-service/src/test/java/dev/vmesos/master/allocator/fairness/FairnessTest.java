package dev.vmesos.master.allocator.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.Round;
import dev.vmesos.master.allocator.fairness.Fairness.Step;
import dev.vmesos.master.allocator.fairness.Fairness.User;
import dev.vmesos.master.allocator.fairness.Fairness.WaterFilling;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairnessTest {

  private static final double GB = 1024;

  private static Map<String, Double> res(double cpus, double memGb) {
    return Units.vector("cpus", cpus, "mem", memGb * GB);
  }

  private static Framework framework(String name, double cpus, double memGb) {
    return Framework.of(name, res(cpus, memGb));
  }

  // ---- dominant resource fairness --------------------------------------------------------------

  @Test
  void seedExampleTwoOffersGoABBABThenNobodyFits() {
    // 10 cpu, 20 GB; a task of A is 30% of the cpus (dominant), of B 25% of the memory (dominant).
    Filling filling = Fairness.progressiveFilling(res(10, 20), List.of(framework("A", 3, 2), framework("B", 1, 5)));

    assertThat(filling.steps()).extracting(Step::framework).containsExactly("A", "B", "B", "A", "B", "A", "B");
    assertThat(filling.steps()).extracting(Step::accepted)
        .containsExactly(true, true, true, true, true, false, false);
    // What was left when each offer was made: the seed document's left column.
    assertThat(filling.steps()).extracting(Step::offered).containsExactly(
        res(10, 20), res(7, 18), res(6, 13), res(5, 8), res(2, 6), res(1, 1), res(1, 1));
    // Shares after each step: a = .3, b = 0; b = .25; b = .5; a = .6; b = .75 (the seed rounds .3 to 33%).
    assertThat(filling.steps()).extracting(s -> s.holding("A").dominantShare())
        .containsExactly(0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.6);
    assertThat(filling.steps()).extracting(s -> s.holding("B").dominantShare())
        .containsExactly(0.0, 0.25, 0.5, 0.5, 0.75, 0.75, 0.75);

    assertThat(filling.holding("A").allocated()).isEqualTo(res(6, 4));
    assertThat(filling.holding("A").tasks()).isEqualTo(2);
    assertThat(filling.holding("B").allocated()).isEqualTo(res(3, 15));
    assertThat(filling.holding("B").tasks()).isEqualTo(3);
    assertThat(filling.utilization()).containsEntry("cpus", 0.9).containsEntry("mem", 0.95);
    assertThat(filling.free()).isEqualTo(res(1, 1));
  }

  @Test
  void seedDocumentTwoEndsWithEqualDominantSharesOfTwoThirds() {
    // 18 cpu, 36 GB; A's tasks are memory-heavy (8/36 of the memory), B's cpu-heavy (6/18 of the cpus).
    Filling filling = Fairness.progressiveFilling(res(18, 36), List.of(framework("A", 2, 8), framework("B", 6, 2)));

    // a = 2/9, b = 1/3, a = 4/9, b = 2/3, a = 2/3; then 0 cpu and 8 GB fit neither.
    assertThat(filling.steps()).extracting(Step::framework).containsExactly("A", "B", "A", "B", "A", "A", "B");
    assertThat(filling.holding("A").tasks()).isEqualTo(3);
    assertThat(filling.holding("B").tasks()).isEqualTo(2);
    assertThat(filling.holding("A").allocated()).isEqualTo(res(6, 24));
    assertThat(filling.holding("B").allocated()).isEqualTo(res(12, 4));
    assertThat(filling.holding("A").dominantShare()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(filling.holding("B").dominantShare()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Fairness.dominantResource(filling.totals(), filling.holding("A").allocated())).isEqualTo("mem");
    assertThat(Fairness.dominantResource(filling.totals(), filling.holding("B").allocated())).isEqualTo("cpus");
    assertThat(filling.free()).isEqualTo(res(0, 8));
  }

  @Test
  void drfPaperExampleGivesAThreeTasksAndBTwo() {
    // 9 cpu, 18 GB; A <1 cpu, 4 GB> (memory dominant, 2/9 a task), B <3 cpu, 1 GB> (cpu dominant, 1/3).
    Filling filling = Fairness.progressiveFilling(res(9, 18), List.of(framework("A", 1, 4), framework("B", 3, 1)));

    assertThat(filling.holding("A").tasks()).isEqualTo(3);
    assertThat(filling.holding("B").tasks()).isEqualTo(2);
    assertThat(filling.holding("A").allocated()).isEqualTo(res(3, 12));
    assertThat(filling.holding("B").allocated()).isEqualTo(res(6, 2));
    assertThat(filling.utilization()).containsEntry("cpus", 1.0);
    assertThat(filling.utilization().get("mem")).isCloseTo(14.0 / 18, within(1e-12));
  }

  @Test
  void aTieGoesToTheFrameworkListedFirst() {
    Filling aFirst = Fairness.progressiveFilling(res(10, 20), List.of(framework("A", 3, 2), framework("B", 1, 5)));
    Filling bFirst = Fairness.progressiveFilling(res(10, 20), List.of(framework("B", 1, 5), framework("A", 3, 2)));

    assertThat(aFirst.steps().get(0).framework()).isEqualTo("A");
    assertThat(bFirst.steps().get(0).framework()).isEqualTo("B");
  }

  @Test
  void aWeightOfTwoEarnsTwiceTheDominantShare() {
    // One resource, 10 cpu, tasks of 1 cpu. Weighted shares: a = n_a / 10 / 2, b = n_b / 10.
    Map<String, Double> cluster = Map.of("cpus", 10.0);
    Framework a = new Framework("A", Map.of("cpus", 1.0), 2);
    Framework b = Framework.of("B", Map.of("cpus", 1.0));

    Filling weighted = Fairness.progressiveFilling(cluster, List.of(a, b));
    Filling even = Fairness.progressiveFilling(cluster, List.of(Framework.of("A", Map.of("cpus", 1.0)), b));

    // Ties go to A (listed first), so A ends with 7 rather than 6 2/3: a = .7 (weighted .35), b = .3.
    assertThat(weighted.holding("A").tasks()).isEqualTo(7);
    assertThat(weighted.holding("B").tasks()).isEqualTo(3);
    assertThat(weighted.holding("A").dominantShare()).isCloseTo(0.7, within(1e-12));
    // Unweighted, they split evenly: a = b = .5.
    assertThat(even.holding("A").tasks()).isEqualTo(5);
    assertThat(even.holding("B").tasks()).isEqualTo(5);
    // After every step the weighted shares stay within one task of each other.
    for (Step step : weighted.steps()) {
      double aShare = step.holding("A").dominantShare() / 2;
      double bShare = step.holding("B").dominantShare();
      assertThat(Math.abs(aShare - bShare)).isLessThanOrEqualTo(0.1 + 1e-12);
    }
  }

  @Test
  void aWeightShiftsSeedDocumentTwoTowardsTheHeavierFramework() {
    // A weighs 2: a task adds 2/9 to a's dominant share but only 1/9 to its weighted share.
    // Weighted: a = 1/9, b = 1/3, a = 2/9, a = 1/3, a = 4/9 (the tie at 1/3 goes to A); then the
    // 4 cpu and 2 GB left fit neither.
    Filling filling = Fairness.progressiveFilling(res(18, 36),
        List.of(new Framework("A", res(2, 8), 2), framework("B", 6, 2)));

    assertThat(filling.steps()).extracting(Step::framework).containsExactly("A", "B", "A", "A", "A", "B", "A");
    assertThat(filling.holding("A").tasks()).isEqualTo(4);
    assertThat(filling.holding("B").tasks()).isEqualTo(1);
    assertThat(filling.holding("A").dominantShare()).isCloseTo(8.0 / 9, within(1e-12));
    assertThat(filling.holding("B").dominantShare()).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void aFrameworkThatFitsNowhereDeclinesOnceAndTheOthersCarryOn() {
    Filling filling = Fairness.progressiveFilling(res(4, 4),
        List.of(framework("big", 8, 1), framework("small", 1, 1)));

    assertThat(filling.steps()).extracting(Step::framework).containsExactly("big", "small", "small", "small", "small");
    assertThat(filling.steps().get(0).accepted()).isFalse();
    assertThat(filling.holding("small").tasks()).isEqualTo(4);
    // Everything is taken: nothing more is offered, so nobody needs to decline.
    assertThat(filling.utilization()).containsEntry("cpus", 1.0).containsEntry("mem", 1.0);
  }

  @Test
  void fractionalTasksAddUpInFixedPoint() {
    Filling filling = Fairness.progressiveFilling(Map.of("cpus", 1.0), List.of(Framework.of("A", Map.of("cpus", 0.1))));

    assertThat(filling.holding("A").tasks()).isEqualTo(10);
    assertThat(filling.holding("A").allocated()).containsEntry("cpus", 1.0);
  }

  @Test
  void badScenariosAreRejectedWithTheirReason() {
    assertThatThrownBy(() -> Fairness.progressiveFilling(res(1, 1), List.of(
        Framework.of("A", Map.of("gpus", 1.0)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gpus'");
    assertThatThrownBy(() -> Fairness.progressiveFilling(res(1, 1), List.of(framework("A", 1, 1), framework("A", 1, 1))))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> new Framework("A", res(1, 1), 0)).hasMessageContaining("weight");
    assertThatThrownBy(() -> Framework.of("A", Map.of("cpus", -1.0))).hasMessageContaining("cpus=-1.0");
    assertThatThrownBy(() -> Framework.of("A", Map.of("cpus", 0.0))).hasMessageContaining("needs some resource");
  }

  // ---- max-min fairness ------------------------------------------------------------------------

  @Test
  void seedMaxMinExampleGivesThirtyTwoAndAHalfToTheTwoLargestDemands() {
    WaterFilling filling = Fairness.maxMin(100, List.of(
        new User("A", 35), new User("B", 10), new User("C", 25), new User("D", 45)));

    assertThat(filling.allocations()).containsExactly(
        Map.entry("A", 32.5), Map.entry("B", 10.0), Map.entry("C", 25.0), Map.entry("D", 32.5));
    assertThat(filling.unallocated()).isZero();
    // Round 1: 100 / 4 = 25 each, B takes only 10 and leaves 15; round 2: 15 / 2 = 7.5 for A and D.
    assertThat(filling.rounds()).hasSize(2);
    Round first = filling.rounds().get(0);
    assertThat(first.available()).isEqualTo(100);
    assertThat(first.unsatisfied()).containsExactly("A", "B", "C", "D");
    assertThat(first.equalShare()).isEqualTo(25);
    assertThat(first.granted()).containsExactly(
        Map.entry("A", 25.0), Map.entry("B", 10.0), Map.entry("C", 25.0), Map.entry("D", 25.0));
    assertThat(first.left()).isEqualTo(15);
    Round second = filling.rounds().get(1);
    assertThat(second.unsatisfied()).containsExactly("A", "D");
    assertThat(second.equalShare()).isEqualTo(7.5);
    assertThat(second.left()).isZero();
  }

  @Test
  void seedMaxMinExampleInAscendingOrder() {
    WaterFilling filling = Fairness.maxMin(100, List.of(
        new User("B", 10), new User("C", 25), new User("A", 35), new User("D", 45)));

    assertThat(filling.allocations().values()).containsExactly(10.0, 25.0, 32.5, 32.5);
  }

  @Test
  void waterFillingStopsWhenEveryDemandIsMet() {
    WaterFilling filling = Fairness.maxMin(100, List.of(new User("A", 20), new User("B", 30)));

    assertThat(filling.allocations()).containsExactly(Map.entry("A", 20.0), Map.entry("B", 30.0));
    assertThat(filling.unallocated()).isEqualTo(50);
    // 50 each: both satisfied in one round, nobody unsatisfied is left for a second.
    assertThat(filling.rounds()).hasSize(1);
  }

  @Test
  void waterFillingTakesAsManyRoundsAsUsersDropOut() {
    // 90 / 3 = 30 each, A takes 10 and leaves 20; 20 / 2 = 10 each, B takes 5 and leaves 5; C takes it.
    WaterFilling filling = Fairness.maxMin(90, List.of(new User("A", 10), new User("B", 35), new User("C", 100)));

    assertThat(filling.allocations()).containsExactly(Map.entry("A", 10.0), Map.entry("B", 35.0), Map.entry("C", 45.0));
    assertThat(filling.rounds()).extracting(Round::unsatisfied)
        .containsExactly(List.of("A", "B", "C"), List.of("B", "C"), List.of("C"));
    assertThat(filling.unallocated()).isZero();
  }

  @Test
  void nothingToShareMeansNoRounds() {
    WaterFilling filling = Fairness.maxMin(0, List.of(new User("A", 10)));

    assertThat(filling.rounds()).isEmpty();
    assertThat(filling.allocations()).containsExactly(Map.entry("A", 0.0));
  }
}
