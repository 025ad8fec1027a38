package dev.vmesos.master.allocator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one {@link Cell} through JMH's runner and collects its per-iteration times and round log.
 * JMH's own report of each cell goes to {@code <cell>.jmh.txt} in the output directory.
 */
final class CellRunner {

  private final Path outDir;
  private final String heap;
  private final int forks;

  /**
   * @param outDir where JMH's reports and the round logs go
   * @param heap   the forked JVM's heap ({@code -Xms} = {@code -Xmx}, pre-touched), e.g. {@code 8g}
   * @param forks  1 for a fresh JVM per cell; 0 runs in this JVM (tests only: figures are unreliable)
   */
  CellRunner(Path outDir, String heap, int forks) {
    this.outDir = outDir;
    this.heap = heap;
    this.forks = forks;
  }

  CellResult run(Cell cell) {
    long start = System.nanoTime();
    String name = fileName(cell);
    Path roundLog = outDir.resolve(name + ".rounds.tsv");
    Path report = outDir.resolve(name + ".jmh.txt");
    try {
      Files.createDirectories(outDir);
      Files.deleteIfExists(roundLog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(benchmark(cell))
        .warmupIterations(cell.warmups())
        .warmupBatchSize(1)
        .measurementIterations(cell.measured())
        .measurementBatchSize(1)
        .timeUnit(TimeUnit.MILLISECONDS)
        .forks(forks)
        .shouldFailOnError(true)
        .timeout(TimeValue.minutes(30))
        .param("roundLog", roundLog.toString())
        .output(report.toString());
    if (forks > 0) {
      // A fixed heap, touched before the benchmark starts: on a VM a page's first touch is slow (the
      // host backs it then), and an untouched multi-GiB eden would charge that to the measured
      // rounds, which a long-running master never pays.
      options.jvmArgs("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch");
    }
    switch (cell.kind()) {
      case DECLINE_OFFERS, ADD_AGENTS -> options
          .param("agents", Integer.toString(cell.agents()))
          .param("frameworks", Integer.toString(cell.frameworks()));
      case QUOTA -> options
          .param("smallRoles", Integer.toString(cell.agents()))
          .param("largeRoles", Integer.toString(cell.frameworks()))
          .param("round", Integer.toString(cell.round()));
    }
    try {
      Collection<RunResult> results = new Runner(options.build()).run();
      List<Double> millis = new ArrayList<>();
      for (RunResult result : results) {
        for (BenchmarkResult benchmark : result.getBenchmarkResults()) {
          for (IterationResult iteration : benchmark.getIterationResults()) {
            millis.add(iteration.getPrimaryResult().getScore());
          }
        }
      }
      return new CellResult(cell, millis, RoundLog.read(roundLog), RoundLog.millisSince(start) / 1000, null);
    } catch (RunnerException | RuntimeException e) {
      return CellResult.failed(cell, RoundLog.millisSince(start) / 1000, e.getMessage() + " (JMH's report: " + report + ")");
    }
  }

  private static String benchmark(Cell cell) {
    Class<?> type = switch (cell.kind()) {
      case DECLINE_OFFERS -> DeclineOffersBenchmark.class;
      case QUOTA -> QuotaBenchmark.class;
      case ADD_AGENTS -> AddAgentsBenchmark.class;
    };
    return "^" + Pattern.quote(type.getName()) + "\\.";
  }

  private static String fileName(Cell cell) {
    return switch (cell.kind()) {
      case DECLINE_OFFERS -> "decline-offers-" + cell.agents() + "x" + cell.frameworks();
      case QUOTA -> "quota-" + (cell.agents() + cell.frameworks()) + "-round" + cell.round();
      case ADD_AGENTS -> "add-agents-" + cell.agents() + "x" + cell.frameworks();
    };
  }
}
