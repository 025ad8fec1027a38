package dev.vmesos.master.allocator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What each measured round did, beside the time JMH took for it: its number, the offers it made,
 * the filters it had to skip and how long the untimed work before it took (declining the previous
 * round, or building the cluster). The benchmark JVM writes it to a file; {@link CellRunner} reads
 * it back. JMH's own result carries only the times.
 */
final class RoundLog {

  /** Where a benchmark writes nothing. */
  static final String NOWHERE = "none";

  /**
   * One measured round.
   *
   * @param number      the round's number in its cluster, counted from 0 as Mesos counts
   * @param offers      allocations the round made
   * @param filters     declined offers standing when it ran
   * @param setupMillis the untimed work before it
   */
  record Round(int number, int offers, long filters, double setupMillis) {}

  private final List<Round> rounds = new ArrayList<>();
  private double buildMillis;

  void built(double millis) {
    buildMillis = millis;
  }

  void add(Round round) {
    rounds.add(round);
  }

  List<Round> rounds() {
    return rounds;
  }

  /** How long building the measured cluster took (untimed by JMH), or 0. */
  double buildMillis() {
    return buildMillis;
  }

  /** Writes the log to {@code path}, unless it is {@link #NOWHERE}. */
  void writeTo(String path) {
    if (path.isEmpty() || NOWHERE.equals(path)) {
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "built\t%.3f", buildMillis));
    for (Round r : rounds) {
      lines.add(String.format(Locale.ROOT, "round\t%d\t%d\t%d\t%.3f", r.number(), r.offers(), r.filters(), r.setupMillis()));
    }
    try {
      Files.write(Path.of(path), lines);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the round log " + path, e);
    }
  }

  static RoundLog read(Path path) {
    RoundLog log = new RoundLog();
    if (!Files.exists(path)) {
      return log;
    }
    try {
      for (String line : Files.readAllLines(path)) {
        String[] f = line.split("\t");
        if (f[0].equals("built")) {
          log.built(Double.parseDouble(f[1]));
        } else if (f[0].equals("round")) {
          log.add(new Round(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
              Double.parseDouble(f[4])));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the round log " + path, e);
    }
    return log;
  }

  static double millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1e6;
  }
}
