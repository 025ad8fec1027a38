package dev.vmesos.master.allocator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Allocation-run timings and counts, kept as Mesos's allocator keeps them: the number of runs,
 * the last run's duration and percentiles over a window of recent runs.
 */
final class AllocatorMetrics {

  private static final int WINDOW = 1000;

  private final double[] recent = new double[WINDOW];
  private int recorded;
  private long runs;
  private long offers;
  private double last;

  void recordRun(double millis, int offersMade) {
    recent[(int) (runs % WINDOW)] = millis;
    recorded = Math.min(WINDOW, recorded + 1);
    runs++;
    offers += offersMade;
    last = millis;
  }

  Map<String, Double> snapshot() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("allocator/mesos/allocation_runs", (double) runs);
    out.put("allocator/mesos/offers_made", (double) offers);
    out.put("allocator/mesos/allocation_run_ms", last);
    if (recorded > 0) {
      double[] sorted = Arrays.copyOf(recent, recorded);
      Arrays.sort(sorted);
      out.put("allocator/mesos/allocation_run_ms/count", (double) recorded);
      out.put("allocator/mesos/allocation_run_ms/min", sorted[0]);
      out.put("allocator/mesos/allocation_run_ms/max", sorted[sorted.length - 1]);
      for (double p : new double[] {50, 90, 95, 99, 99.9}) {
        String key = p == 99.9 ? "p999" : "p" + (int) p;
        out.put("allocator/mesos/allocation_run_ms/" + key, percentile(sorted, p));
      }
    }
    return out;
  }

  private static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
