package dev.vmesos.agent.master;

import java.time.Duration;

/** Exponential backoff: {@code initial}, doubling on each {@link #next()}, capped at {@code max}. */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration current;

  public Backoff(Duration initial, Duration max) {
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("bad backoff " + initial + " .. " + max);
    }
    this.initial = initial;
    this.max = max;
    this.current = initial;
  }

  /** The wait before the next attempt; the one after will be twice as long, up to the cap. */
  public Duration next() {
    Duration wait = current;
    Duration doubled = current.multipliedBy(2);
    current = doubled.compareTo(max) > 0 ? max : doubled;
    return wait;
  }

  /** Back to the initial wait (after a success). */
  public void reset() {
    current = initial;
  }
}
