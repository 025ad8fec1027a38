package dev.vmesos.master.allocator.fairness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairnessTablesTest {

  private static List<String> lines(String text) {
    return text.lines().toList();
  }

  @Test
  void theDrfTableHasOneRowPerStepInFixedColumns() {
    Scenario.Drf seed = Scenarios.SEED_DRF;
    Filling filling = Fairness.progressiveFilling(seed.totals(), seed.frameworks());

    String table = FairnessTables.drf(seed, filling, "pure");

    List<String> lines = lines(table);
    int header = lines.indexOf(lines.stream().filter(l -> l.contains("offered (remaining)")).findFirst().orElseThrow());
    List<String> rows = lines.subList(header + 2, header + 2 + 7);
    assertThat(rows.get(0)).matches(" +1  10 cpu, 20 GB +A +accepts task 1 +3 cpu, 2 GB +30.0% +0 cpu, 0 GB +0.0%");
    assertThat(rows.get(6)).matches(" +7  1 cpu, 1 GB +B +declines +6 cpu, 4 GB +60.0% +3 cpu, 15 GB +75.0%");
    // Every row puts "to", the result and the last share at the same columns as the header.
    int to = lines.get(header).indexOf(" to ") + 1;
    int end = lines.get(header).length();
    assertThat(rows).allSatisfy(row -> {
      assertThat(row.charAt(to)).isIn('A', 'B');
      assertThat(row.charAt(to - 1)).isEqualTo(' ');
      assertThat(row).hasSize(end).endsWith("%");
    });
    assertThat(table).containsPattern("cpus +9 cpu +10 cpu +90.0%").containsPattern("mem +19 GB +20 GB +95.0%");
    assertThat(table).contains("final (what is left, 1 cpu, 1 GB, fits no framework's task)");
  }

  @Test
  void theMaxMinTableShowsEachRoundsGrantsAndTotals() {
    Scenario.MaxMin maxMin = Scenarios.MAX_MIN;

    String table = FairnessTables.maxMin(maxMin, Fairness.maxMin(maxMin.capacity(), maxMin.users()));

    assertThat(table).contains("demands, ascending: B 10, C 25, A 35, D 45")
        .containsPattern("  1 +100  A B C D +25  \\+25 = 25 +\\+10 = 10  \\+25 = 25  \\+25 = 25 +15\n")
        .containsPattern("  2 +15  A D +7.5  \\+7.5 = 32.5 +\\+7.5 = 32.5 +0\n")
        .containsPattern("A +35 +32.5  short by 2.5\n")
        .containsPattern("B +10 +10  satisfied\n");
  }

  @Test
  void memoryIsShownInMegabytesWhenNotWholeGigabytes() {
    Units units = Units.of(List.of(Units.vector("cpus", 12, "mem", 12288), Units.vector("cpus", 1, "mem", 512)));

    assertThat(units.amounts(Units.vector("cpus", 1.5, "mem", 2048))).isEqualTo("1.5 cpu, 2048 MB");
    assertThat(Units.of(List.of(Units.vector("cpus", 1, "mem", 2048))).amount("mem", 2048)).isEqualTo("2 GB");
    assertThat(Units.mesosText(Units.vector("cpus", 10, "mem", 20480))).isEqualTo("cpus:10;mem:20480");
  }
}
