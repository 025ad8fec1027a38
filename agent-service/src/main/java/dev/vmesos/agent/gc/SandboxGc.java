package dev.vmesos.agent.gc;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which finished sandboxes to delete, and when, by Mesos's rule: a sandbox is scheduled when its
 * executor (or command task) is done, and deleted {@code --gc_delay} later, or sooner when the disk
 * fills: at each disk check a sandbox older than {@code gc_delay × max(0, 1 − gc_disk_headroom −
 * usage)} goes. Plain Java, no I/O, the clock passed in; {@link SandboxCollector} is its shell.
 */
public final class SandboxGc {

  private final Duration gcDelay;
  private final double diskHeadroom;
  /** Scheduled directories and when they were scheduled, oldest first. */
  private final Map<Path, Instant> scheduled = new LinkedHashMap<>();

  /**
   * @param gcDelay      {@code --gc_delay}: how long a finished sandbox is kept when the disk has room
   * @param diskHeadroom {@code --gc_disk_headroom}, in [0, 1]: the share of the disk to keep free
   */
  public SandboxGc(Duration gcDelay, double diskHeadroom) {
    if (gcDelay.isNegative()) {
      throw new IllegalArgumentException("gcDelay must not be negative: " + gcDelay);
    }
    if (!(diskHeadroom >= 0 && diskHeadroom <= 1)) {
      throw new IllegalArgumentException("diskHeadroom must be in [0, 1]: " + diskHeadroom);
    }
    this.gcDelay = gcDelay;
    this.diskHeadroom = diskHeadroom;
  }

  /** A sandbox is done at {@code now}; scheduling it again keeps its first time. */
  public void schedule(Path sandbox, Instant now) {
    scheduled.putIfAbsent(sandbox, now);
  }

  /** A directory in use again (a recovered run): it is not collected. */
  public void unschedule(Path sandbox) {
    scheduled.remove(sandbox);
  }

  public int size() {
    return scheduled.size();
  }

  /**
   * The longest a finished sandbox is kept when {@code diskUsage} (0 to 1) of the disk is used:
   * {@code gc_delay} at most, and {@code gc_delay × max(0, 1 − headroom − usage)} as the disk fills.
   */
  public Duration maxAge(double diskUsage) {
    double factor = Math.max(0.0, 1.0 - diskHeadroom - diskUsage);
    Duration byDisk = Duration.ofNanos((long) (gcDelay.toNanos() * Math.min(1.0, factor)));
    return byDisk.compareTo(gcDelay) < 0 ? byDisk : gcDelay;
  }

  /** Takes out and returns the sandboxes due at {@code now}, with {@code diskUsage} of the disk used. */
  public List<Path> due(Instant now, double diskUsage) {
    Duration maxAge = maxAge(diskUsage);
    List<Path> due = new ArrayList<>();
    for (Iterator<Map.Entry<Path, Instant>> it = scheduled.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Path, Instant> entry = it.next();
      if (!Duration.between(entry.getValue(), now).minus(maxAge).isNegative()) {
        due.add(entry.getKey());
        it.remove();
      }
    }
    return due;
  }
}
