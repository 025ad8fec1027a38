package dev.vmesos.master.extensions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} share samples, oldest first ({@code --share_history_capacity}): a ring
 * that drops its oldest sample for each new one once full, so its memory is bounded by the capacity
 * times one sample (a few dozen bytes per role and framework). Owned by the master's event loop.
 */
final class ShareHistory {

  private final int capacity;
  private final ArrayDeque<ShareSample> samples;

  ShareHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.samples = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  void add(ShareSample sample) {
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(sample);
  }

  /** A copy, oldest first. */
  List<ShareSample> samples() {
    return new ArrayList<>(samples);
  }

  int size() {
    return samples.size();
  }

  int capacity() {
    return capacity;
  }
}
