package dev.vmesos.master.testing;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this JVM holds now: heap in use after full collections, and direct memory. Tests of
 * back-pressure compare two of these around a burst a stalled reader was sent: a queued write is
 * copied into one of Netty's direct buffers, so an unbounded queue grows there more than on the heap.
 *
 * <p>Direct memory is the JDK's {@code direct} buffer pool, plus Netty's own count only when Netty
 * allocates without the JDK's cleaner: otherwise (the default on JDK 17 with Netty 4.2) its buffers
 * are JDK direct buffers already in the pool, and Netty counts them too.
 */
public record MemoryInUse(long heap, long direct) {

  public static MemoryInUse now() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = io.netty.util.internal.PlatformDependent.useDirectBufferNoCleaner()
        ? Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory()) : 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct += pool.getMemoryUsed();
      }
    }
    return new MemoryInUse(heap, direct);
  }

  public long total() {
    return heap + direct;
  }

  /** How much more this holds than {@code before} (negative when less). */
  public long growthSince(MemoryInUse before) {
    return total() - before.total();
  }

  /** {@code heap a -> b bytes, direct c -> d bytes, growth g bytes (p% of produced)}. */
  public String describeSince(MemoryInUse before, long produced) {
    return String.format("heap %d -> %d bytes, direct %d -> %d bytes, growth %d bytes (%.1f%% of produced)",
        before.heap, heap, before.direct, direct, growthSince(before), 100.0 * growthSince(before) / produced);
  }
}
