package dev.vmesos.master.testing;

import java.util.concurrent.atomic.AtomicLong;

/** (As the api module's.) Counts a fuzz target's executions and prints them once it is done, for CI's log and the README. */
public final class FuzzCounter {

  private final String target;
  private final AtomicLong runs = new AtomicLong();
  private final long started = System.nanoTime();

  public FuzzCounter(String target) {
    this.target = target;
  }

  public void run() {
    runs.incrementAndGet();
  }

  public long runs() {
    return runs.get();
  }

  public void report() {
    System.out.printf("fuzz target %s: %d executions in %.1f s (%s mode)%n", target, runs.get(),
        (System.nanoTime() - started) / 1e9, System.getenv("JAZZER_FUZZ") == null ? "regression" : "fuzzing");
  }
}
