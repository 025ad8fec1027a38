package dev.vmesos.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every sorter promises, run against each of them; then the DRF-specific vectors from Mesos. */
class SorterContractTest {

  static Stream<Supplier<Sorter>> sorters() {
    return Stream.of(DrfSorter::dominantShare, () -> new RandomSorter(new Random(1)), () -> DrfSorter.maxMin("cpus"));
  }

  private static Quantities q(double cpus, double mem) {
    return Quantities.of(Map.of("cpus", cpus, "mem", mem));
  }

  @ParameterizedTest
  @MethodSource("sorters")
  void onlyActiveClientsAreOrderedEachOnce(Supplier<Sorter> factory) {
    Sorter sorter = factory.get();
    sorter.total(q(100, 100));
    for (String c : new String[] {"a", "b", "c"}) {
      sorter.add(c, 1);
    }
    assertThat(sorter.first()).as("added clients start inactive").isNull();
    sorter.activate("a");
    sorter.activate("b");
    sorter.activate("c");
    sorter.deactivate("b");

    assertThat(sorter.sort()).containsExactlyInAnyOrder("a", "c");
    assertThat(sorter.first()).isIn("a", "c");
    assertThat(sorter.isActive("b")).isFalse();
    sorter.remove("a");
    assertThat(sorter.sort()).containsExactly("c");
    assertThat(sorter.contains("a")).isFalse();
  }

  @ParameterizedTest
  @MethodSource("sorters")
  void allocationsAreTracked(Supplier<Sorter> factory) {
    Sorter sorter = factory.get();
    sorter.total(q(100, 100));
    sorter.add("a", 1);
    sorter.activate("a");
    sorter.allocated("a", q(5, 10));
    sorter.allocated("a", q(1, 1));
    sorter.unallocated("a", q(2, 3));

    assertThat(sorter.allocation("a")).isEqualTo(q(4, 8));
    sorter.deactivate("a");
    assertThat(sorter.allocation("a")).as("kept while inactive").isEqualTo(q(4, 8));
  }

  @ParameterizedTest
  @MethodSource("sorters")
  void everyActiveClientIsOfferedSometimes(Supplier<Sorter> factory) {
    Sorter sorter = factory.get();
    sorter.total(q(100, 100));
    for (String c : new String[] {"a", "b", "c"}) {
      sorter.add(c, 1);
      sorter.activate(c);
    }
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      String first = sorter.first();
      firsts.add(first);
      sorter.allocated(first, q(1, 1));
    }
    assertThat(firsts).containsExactlyInAnyOrder("a", "b", "c");
  }

  @ParameterizedTest
  @MethodSource("sorters")
  void unknownClientsAreRefused(Supplier<Sorter> factory) {
    Sorter sorter = factory.get();
    assertThatThrownBy(() -> sorter.activate("ghost")).isInstanceOf(IllegalArgumentException.class);
    sorter.add("a", 1);
    assertThatThrownBy(() -> sorter.add("a", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  // Mesos's sorter_tests.cpp vectors, total cpus:100;mem:100.

  @Test
  void drfOrdersByDominantShare() {
    Sorter sorter = DrfSorter.dominantShare();
    sorter.total(q(100, 100));
    add(sorter, "a", 1, q(5, 5));   // a = .05
    add(sorter, "b", 1, q(6, 6));   // b = .06
    assertThat(sorter.sort()).containsExactly("a", "b");

    add(sorter, "c", 1, q(1, 1));   // c = .01
    add(sorter, "d", 1, q(3, 1));   // d = .03
    assertThat(sorter.sort()).containsExactly("c", "d", "a", "b");
  }

  @Test
  void drfDividesSharesByWeight() {
    Sorter sorter = DrfSorter.dominantShare();
    sorter.total(q(100, 100));
    add(sorter, "a", 1, q(5, 5));   // a = .05
    add(sorter, "b", 2, q(6, 6));   // b = .06 / 2 = .03
    assertThat(sorter.sort()).containsExactly("b", "a");
    assertThat(sorter.share("b")).isEqualTo(0.03);

    sorter.updateWeight("b", 1);
    assertThat(sorter.sort()).containsExactly("a", "b");
  }

  @Test
  void drfBreaksTiesByAllocationCountThenName() {
    Sorter sorter = DrfSorter.dominantShare();
    sorter.total(q(100, 100));
    sorter.add("b", 1);
    sorter.activate("b");
    sorter.add("a", 1);
    sorter.activate("a");
    assertThat(sorter.sort()).as("equal shares, no allocations: by name").containsExactly("a", "b");

    sorter.allocated("a", q(1, 1));
    sorter.unallocated("a", q(1, 1));
    assertThat(sorter.sort()).as("equal shares: fewer allocations first").containsExactly("b", "a");
  }

  @Test
  void drfReranksWhenTheTotalChanges() {
    Sorter sorter = DrfSorter.dominantShare();
    sorter.total(q(100, 100));
    add(sorter, "cpu-heavy", 1, q(10, 1));  // .10
    add(sorter, "mem-heavy", 1, q(1, 20));  // .20
    assertThat(sorter.sort()).containsExactly("cpu-heavy", "mem-heavy");

    sorter.total(q(20, 1000));              // cpu-heavy .5, mem-heavy .05
    assertThat(sorter.sort()).containsExactly("mem-heavy", "cpu-heavy");
  }

  @Test
  void maxMinLooksAtItsResourceOnly() {
    Sorter sorter = DrfSorter.maxMin("mem");
    sorter.total(q(100, 100));
    add(sorter, "a", 1, q(90, 5));
    add(sorter, "b", 1, q(1, 10));
    assertThat(sorter.sort()).containsExactly("a", "b");
  }

  @Test
  void randomFollowsWeights() {
    Sorter sorter = new RandomSorter(new Random(42));
    sorter.add("heavy", 9);
    sorter.activate("heavy");
    sorter.add("light", 1);
    sorter.activate("light");
    int heavy = 0;
    for (int i = 0; i < 10000; i++) {
      if (sorter.first().equals("heavy")) {
        heavy++;
      }
    }
    assertThat(heavy).isBetween(8700, 9300);
  }

  private static void add(Sorter sorter, String client, double weight, Quantities allocation) {
    sorter.add(client, weight);
    sorter.activate(client);
    sorter.allocated(client, allocation);
  }
}
