package dev.vmesos.master.allocator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one cell measured: JMH's time for each measured iteration, in order, and the benchmark's
 * {@link RoundLog} of what those iterations did.
 *
 * @param cell        what ran
 * @param millis      each measured iteration's time, in milliseconds
 * @param log         what each measured iteration did
 * @param wallSeconds how long the cell took, forked JVM and setup included
 * @param error       why the cell failed, or null
 */
record CellResult(Cell cell, List<Double> millis, RoundLog log, double wallSeconds, String error) {

  static CellResult failed(Cell cell, double wallSeconds, String error) {
    return new CellResult(cell, List.of(), new RoundLog(), wallSeconds, error);
  }

  boolean ok() {
    return error == null && !millis.isEmpty();
  }

  double median() {
    return percentile(50);
  }

  double p90() {
    return percentile(90);
  }

  double max() {
    return percentile(100);
  }

  double mean() {
    return millis.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Linear interpolation between the closest ranks (the median of an even count is a mean of two). */
  double percentile(double p) {
    if (millis.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    double rank = p / 100 * (sorted.size() - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
  }

  /** Which rounds (or how many fresh clusters or allocators) the figures are over. */
  String measured() {
    return switch (cell.kind()) {
      case DECLINE_OFFERS -> {
        List<RoundLog.Round> rounds = log.rounds();
        int first = rounds.isEmpty() ? 0 : rounds.get(0).number();
        int last = rounds.isEmpty() ? millis.size() - 1 : rounds.get(rounds.size() - 1).number();
        yield "rounds " + first + "–" + last;
      }
      case QUOTA -> "round " + cell.round() + " ×" + millis.size();
      case ADD_AGENTS -> "×" + millis.size();
    };
  }

  /** Offers made: first → last measured round, or the distinct counts of the quota round. */
  String offers() {
    List<RoundLog.Round> rounds = log.rounds();
    if (rounds.isEmpty() || cell.kind() == Cell.Kind.ADD_AGENTS) {
      return "—";
    }
    int first = rounds.get(0).offers();
    int last = rounds.get(rounds.size() - 1).offers();
    return first == last ? Integer.toString(first) : first + " → " + last;
  }

  /** Median of the untimed work before each measured iteration (declines, or building the cluster). */
  double setupMedianMillis() {
    List<Double> setup = log.rounds().stream().map(RoundLog.Round::setupMillis).sorted().toList();
    if (setup.isEmpty()) {
      return Double.NaN;
    }
    int n = setup.size();
    return n % 2 == 1 ? setup.get(n / 2) : (setup.get(n / 2 - 1) + setup.get(n / 2)) / 2;
  }

  /** The progress line's result: median, p90, max, offers, untimed work, wall time. */
  String summary() {
    if (!ok()) {
      return "ERROR: " + error;
    }
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "median %s, p90 %s, max %s, mean %s", millis(median()), millis(p90()),
        millis(max()), millis(mean())));
    if (cell.kind() != Cell.Kind.ADD_AGENTS) {
      s.append("; offers ").append(offers());
    }
    switch (cell.kind()) {
      case DECLINE_OFFERS -> s.append("; cluster built in ").append(millis(log.buildMillis()))
          .append(", declining a round (untimed) ").append(millis(setupMedianMillis()));
      case QUOTA -> s.append("; building a cluster (untimed) ").append(millis(setupMedianMillis()));
      case ADD_AGENTS -> { }
    }
    s.append(String.format(Locale.ROOT, " [%.0f s]", wallSeconds));
    return s.toString();
  }

  /** 0.123 ms, 4.56 ms, 45.6 ms, 456 ms, 4.56 s. */
  static String millis(double ms) {
    if (Double.isNaN(ms)) {
      return "—";
    }
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    return String.format(Locale.ROOT, "%.3f ms", ms);
  }
}
