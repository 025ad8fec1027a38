package dev.vmesos.deploy;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition, polled until a deadline: the tests wait for what they expect, never for a time. */
public final class Poll {

  /** How long a condition may take before the test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long INTERVAL_MILLIS = 50;

  /** A condition that may fail to be checked (an HTTP call, a browser query). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Poll() {
  }

  /** Returns once {@code condition} holds; fails the test naming {@code what} after {@link #TIMEOUT}. */
  public static void until(String what, Condition condition) throws Exception {
    until(() -> what, condition);
  }

  /** Same, {@code what} told when the wait fails, so that it can say the state it saw last. */
  public static void until(Supplier<String> what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what.get());
      }
      Thread.sleep(INTERVAL_MILLIS);
    }
  }
}
