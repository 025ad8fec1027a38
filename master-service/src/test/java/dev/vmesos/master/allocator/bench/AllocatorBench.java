package dev.vmesos.master.allocator.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./vmesos bench allocator}: runs Mesos's allocator benchmarks (DeclineOffers over a grid of
 * agents × frameworks, LargeAndSmallQuota, adding agents) against {@code HierarchicalAllocator}
 * through JMH, one forked JVM per cell, and prints ms per allocation round beside Mesos's figure
 * and vmesos's target for each shape (shared/PERFORMANCE.md).
 */
public final class AllocatorBench {

  private AllocatorBench() {}

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench allocator: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    List<Cell> plan = options.plan();
    String machine = machine(options.heap());
    System.out.println("vmesos allocator benchmark: " + plan.size() + " cells on " + machine + ", load " + loadAverage());
    long start = System.nanoTime();
    CellRunner runner = new CellRunner(options.out(), options.heap(), 1);
    List<CellResult> results = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      Cell cell = plan.get(i);
      System.out.printf("[%d/%d] %s (load %s) ...%n", i + 1, plan.size(), cell.description(), loadAverage());
      CellResult result = runner.run(cell);
      System.out.println("        " + result.summary());
      results.add(result);
    }
    double minutes = RoundLog.millisSince(start) / 60_000;
    String report = ResultTable.render(results) + "\n" + ResultTable.NOTES
        + String.format(Locale.ROOT, "Machine: %s. Whole run: %.1f min. JMH reports and round logs: %s%n",
            machine, minutes, options.out().toAbsolutePath());
    System.out.println();
    System.out.print(report);
    try {
      Files.writeString(options.out().resolve("results.txt"), report);
    } catch (IOException e) {
      System.err.println("bench allocator: cannot write results.txt: " + e.getMessage());
    }
    System.exit(results.stream().allMatch(CellResult::ok) ? 0 : 1);
  }

  private static String machine(String heap) {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return String.format(Locale.ROOT, "%d cores, %.0f GiB, %s (%s %s), %s %s, forks -Xms=-Xmx=%s pre-touched",
        Runtime.getRuntime().availableProcessors(), memory / (1024.0 * 1024 * 1024), cpuModel(),
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        System.getProperty("os.name"), System.getProperty("os.version"), heap);
  }

  /** The 1-minute load average: other work on a 2-core machine shows in the figures. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst().orElse("cpu unknown");
    } catch (IOException e) {
      return "cpu unknown";
    }
  }
}
