package dev.vmesos.master.allocator.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./vmesos bench allocator}, parsed once into the cells to run.
 *
 * @param quick     the smoke grid
 * @param cells     explicit cells ({@code AGENTSxFRAMEWORKS}, {@code quota}, {@code addagents}), or empty
 * @param rounds    DeclineOffers rounds per cell, or 0 for the default
 * @param warmups   warm-up rounds or iterations, or -1 for the default
 * @param heap      the forked JVMs' heap
 * @param out       where reports, round logs and the table go
 */
record BenchOptions(boolean quick, List<String> cells, int rounds, int warmups, String heap, Path out) {

  static final String USAGE = """
      usage: ./vmesos bench allocator [options]
        --quick              a small grid for a smoke run (under a minute)
        --cells=LIST         only these cells, comma-separated: AGENTSxFRAMEWORKS (DeclineOffers,
                             e.g. 10000x1000), quota (LargeAndSmallQuota round 1), quota2 (its
                             round 2), addagents (addAgent x 10k)
        --rounds=N           DeclineOffers rounds per cell (default: min(2F, 50), and rounds 0-442
                             for 10k x 1k as measured for Mesos; Mesos itself runs 2F)
        --warmup=N           warm-up rounds / iterations per cell (default 5; quick 2)
        --heap=SIZE          heap of each forked benchmark JVM (default 8g)
        --out=DIR            reports, round logs and results.txt (default target/allocator-bench)
      """;

  /** The DeclineOffers grid: agents × frameworks. */
  static final int[] GRID_AGENTS = {1_000, 10_000, 50_000};
  static final int[] GRID_FRAMEWORKS = {1, 100, 1_000, 3_000, 6_000};
  /** PERFORMANCE.md's Mesos figure for 10k × 1k is over rounds 0–442. */
  static final int MESOS_10K_1K_ROUNDS = 443;

  static BenchOptions parse(String... args) {
    boolean quick = false;
    List<String> cells = List.of();
    int rounds = 0;
    int warmups = -1;
    String heap = "8g";
    Path out = Path.of("target", "allocator-bench");
    for (String arg : args) {
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
      if (arg.equals("--quick")) {
        quick = true;
      } else if (arg.startsWith("--cells=")) {
        cells = List.of(value.toLowerCase().split(","));
        for (String cell : cells) {
          if (!cell.matches("\\d+x\\d+|quota|quota2|addagents")) {
            throw new IllegalArgumentException("--cells: '" + cell + "' is not AGENTSxFRAMEWORKS, quota, quota2 or addagents");
          }
        }
      } else if (arg.startsWith("--rounds=")) {
        rounds = positive("--rounds", value);
      } else if (arg.startsWith("--warmup=")) {
        warmups = positive("--warmup", value);
      } else if (arg.startsWith("--heap=")) {
        if (!value.matches("\\d+[mMgG]")) {
          throw new IllegalArgumentException("--heap: '" + value + "' is not a size such as 8g or 4096m");
        }
        heap = value;
      } else if (arg.startsWith("--out=")) {
        out = Path.of(value);
      } else {
        throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    return new BenchOptions(quick, cells, rounds, warmups, heap, out);
  }

  private static int positive(String flag, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + ": '" + value + "' is not a positive number");
  }

  /** The cells to run, in order: DeclineOffers by agents then frameworks, quota, addAgent. */
  List<Cell> plan() {
    List<String> names = new ArrayList<>(cells);
    if (names.isEmpty()) {
      int[] agents = quick ? new int[] {1_000, 10_000} : GRID_AGENTS;
      int[] frameworks = quick ? new int[] {1, 100} : GRID_FRAMEWORKS;
      for (int a : agents) {
        for (int f : frameworks) {
          names.add(a + "x" + f);
        }
      }
      names.addAll(List.of("quota", "quota2", "addagents"));
    }
    int warm = warmups >= 0 ? warmups : quick ? 2 : 5;
    List<Cell> plan = new ArrayList<>();
    for (String name : names) {
      switch (name) {
        case "quota" -> plan.add(Cell.quota(1, Math.min(warm, 3), quick ? 2 : 5));
        case "quota2" -> plan.add(Cell.quota(2, Math.min(warm, 3), quick ? 2 : 5));
        case "addagents" -> plan.add(Cell.addAgents(10_000, 1_000, warm, quick ? 3 : 10));
        default -> {
          int a = Integer.parseInt(name.substring(0, name.indexOf('x')));
          int f = Integer.parseInt(name.substring(name.indexOf('x') + 1));
          plan.add(Cell.declineOffers(a, f, warm, declineRounds(a, f)));
        }
      }
    }
    return plan;
  }

  private int declineRounds(int agents, int frameworks) {
    if (rounds > 0) {
      return rounds;
    }
    if (quick) {
      return Math.min(2 * frameworks, 5);
    }
    if (agents == 10_000 && frameworks == 1_000) {
      return MESOS_10K_1K_ROUNDS;
    }
    return Math.min(2 * frameworks, 50);
  }
}
