package dev.vmesos.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a task's health check results mean, by Mesos's rules (its {@code HealthChecker}): failures
 * within {@code grace_period_seconds} of the start are ignored until the first success; every
 * failure after that is reported unhealthy, and the one that reaches {@code consecutive_failures}
 * asks for the task to be killed; the first success, and the first after failures, is reported
 * healthy. Plain Java, the time passed in.
 */
public final class HealthCheckState {

  /** A health change to report: {@code killTask} once the failures reach the limit. */
  public record Report(boolean healthy, int consecutiveFailures, boolean killTask, String message) {
  }

  private final Instant start;
  private final Duration gracePeriod;
  private final int maxConsecutiveFailures;
  private boolean initializing = true;
  private int consecutiveFailures;

  public HealthCheckState(Instant start, Duration gracePeriod, int maxConsecutiveFailures) {
    this.start = start;
    this.gracePeriod = gracePeriod;
    this.maxConsecutiveFailures = maxConsecutiveFailures;
  }

  public Optional<Report> success() {
    Optional<Report> report = initializing || consecutiveFailures > 0
        ? Optional.of(new Report(true, 0, false, "Health check passed"))
        : Optional.empty();
    initializing = false;
    consecutiveFailures = 0;
    return report;
  }

  public Optional<Report> failure(Instant now, String why) {
    if (initializing && !gracePeriod.isZero() && Duration.between(start, now).compareTo(gracePeriod) <= 0) {
      return Optional.empty();
    }
    consecutiveFailures++;
    boolean kill = consecutiveFailures >= maxConsecutiveFailures;
    return Optional.of(new Report(false, consecutiveFailures, kill,
        "Health check failed " + consecutiveFailures + " time(s) in a row: " + why));
  }
}
