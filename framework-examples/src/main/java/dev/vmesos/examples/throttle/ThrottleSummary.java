package dev.vmesos.examples.throttle;

import java.time.Duration;
import java.util.Locale;

/** How a throttle run went: what the framework prints last, and what tests check. */
public record ThrottleSummary(boolean succeeded, int tasks, long queries, int errors, Duration wallTime,
                              String failure) {

  public double queriesPerSecond() {
    double seconds = wallTime.toNanos() / 1e9;
    return seconds == 0 ? 0 : queries / seconds;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d tasks, %d queries, %d errors, wall time %.1f s, %.0f queries/s%s",
        succeeded ? "done" : "FAILED", tasks, queries, errors, wallTime.toNanos() / 1e9, queriesPerSecond(),
        failure == null ? "" : " (" + failure + ")");
  }
}
