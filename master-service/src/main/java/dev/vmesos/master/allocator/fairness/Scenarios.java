package dev.vmesos.master.allocator.fairness;

import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The built-in scenarios: the worked examples of the seed documents and of the DRF paper. */
public final class Scenarios {

  private static final double GB = 1024;

  /** Seed document 1, example 2: the offers go A, B, B, A, B; then 1 cpu and 1 GB fit nobody. */
  public static final Scenario.Drf SEED_DRF = new Scenario.Drf("seed-drf",
      "DRF, seed document 1 (example 2): 10 cpu, 20 GB; A needs <3 cpu, 2 GB> per task, B <1 cpu, 5 GB>",
      cluster(10, 20), List.of(framework("A", 3, 2), framework("B", 1, 5)));

  /** Seed document 2: x = 3 tasks for A and y = 2 for B, both holding 2/3 of their dominant resource. */
  public static final Scenario.Drf SEED_DRF_2 = new Scenario.Drf("seed-drf-2",
      "DRF, seed document 2: 18 cpu, 36 GB; A needs <2 cpu, 8 GB> per task, B <6 cpu, 2 GB>",
      cluster(18, 36), List.of(framework("A", 2, 8), framework("B", 6, 2)));

  /** The DRF paper's example (Ghodsi et al., NSDI 2011): A gets 3 tasks, B 2. */
  public static final Scenario.Drf DRF_PAPER = new Scenario.Drf("drf-paper",
      "DRF, the DRF paper's example: 9 cpu, 18 GB; A needs <1 cpu, 4 GB> per task, B <3 cpu, 1 GB>",
      cluster(9, 18), List.of(framework("A", 1, 4), framework("B", 3, 1)));

  /** Seed document 2: demands 35, 10, 25, 45 of 100 get 32.5, 10, 25, 32.5. */
  public static final Scenario.MaxMin MAX_MIN = new Scenario.MaxMin("maxmin",
      "max-min fairness, seed document 2: capacity 100; A wants 35, B 10, C 25, D 45",
      100, List.of(new User("A", 35), new User("B", 10), new User("C", 25), new User("D", 45)));

  private static final List<Scenario> ALL = List.of(SEED_DRF, SEED_DRF_2, DRF_PAPER, MAX_MIN);

  private Scenarios() {
  }

  public static List<Scenario> all() {
    return ALL;
  }

  public static Optional<Scenario> named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private static Map<String, Double> cluster(double cpus, double memGb) {
    return Units.vector("cpus", cpus, "mem", memGb * GB);
  }

  private static Framework framework(String name, double cpus, double memGb) {
    return Framework.of(name, Units.vector("cpus", cpus, "mem", memGb * GB));
  }
}
