package dev.vmesos.client;

import java.time.Duration;

/**
 * Exponential reconnect backoff: {@code initial}, doubling up to {@code max}, back to {@code initial}
 * after a success. Pure state, used from one event loop.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration next;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The wait before the next attempt; each call doubles the one after it, up to the maximum. */
  public Duration next() {
    Duration current = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return current;
  }

  public void reset() {
    next = initial;
  }
}
