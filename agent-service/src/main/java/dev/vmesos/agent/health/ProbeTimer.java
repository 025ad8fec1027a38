package dev.vmesos.agent.health;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * When a checker probes next: one timer at a time, armed again by the checker after each result,
 * and nothing once stopped. Runs on the checker's context.
 */
final class ProbeTimer {

  private final Vertx vertx;
  private long timerId = -1;
  private boolean stopped;

  ProbeTimer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Runs {@code probe} after {@code delay}, unless stopped by then. */
  void schedule(Duration delay, Runnable probe) {
    if (stopped) {
      return;
    }
    timerId = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      timerId = -1;
      probe.run();
    });
  }

  void stop() {
    stopped = true;
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** Whether the checker was stopped (a result that comes afterwards is dropped). */
  boolean stopped() {
    return stopped;
  }
}
