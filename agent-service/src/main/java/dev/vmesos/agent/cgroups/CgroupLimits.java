package dev.vmesos.agent.cgroups;

/**
 * The control-file values for a container's {@code cpus} and {@code mem}, with Mesos's minimums
 * (0.01 CPU, 32 MB) so a tiny request still gets a runnable cgroup.
 *
 * @param cpus  CPUs, as in the {@code cpus} resource
 * @param memMb megabytes (MiB), as in the {@code mem} resource
 */
public record CgroupLimits(double cpus, double memMb) {

  /** Mesos's {@code CPU_SHARES_PER_CPU}. */
  public static final long SHARES_PER_CPU = 1024;
  /** The CFS period, Mesos's {@code CPU_CFS_PERIOD}: 100 ms. */
  public static final long CFS_PERIOD_US = 100_000;
  public static final double MIN_CPUS = 0.01;
  public static final double MIN_MEM_MB = 32;

  private static final long MIN_SHARES = 2;
  private static final long MIN_CFS_QUOTA_US = 1_000;
  private static final long MAX_WEIGHT = 10_000;
  private static final long MB = 1024L * 1024L;

  public CgroupLimits {
    if (!(cpus > 0) || Double.isInfinite(cpus)) {
      throw new IllegalArgumentException("cpus must be a positive number, not " + cpus);
    }
    if (!(memMb > 0) || Double.isInfinite(memMb)) {
      throw new IllegalArgumentException("mem must be a positive number of MB, not " + memMb);
    }
  }

  /** {@code cpu.shares} (v1): 1024 per CPU, at least 2. */
  public long shares() {
    return Math.max(MIN_SHARES, (long) (effectiveCpus() * SHARES_PER_CPU));
  }

  /** {@code cpu.cfs_quota_us} (v1) and the quota of {@code cpu.max} (v2): a CPU's worth per CPU. */
  public long cfsQuotaUs() {
    return Math.max(MIN_CFS_QUOTA_US, (long) (effectiveCpus() * CFS_PERIOD_US));
  }

  /**
   * {@code cpu.weight} (v2): 100 per CPU, within 1..10000. Proportional to the v1 shares rather
   * than runc's shares-to-weight curve, so that, as with shares, a 1-CPU container weighs as much
   * as a cgroup at the kernel's default (1024 shares, weight 100).
   */
  public long weight() {
    return Math.min(MAX_WEIGHT, Math.max(1, Math.round(effectiveCpus() * 100)));
  }

  /** {@code memory.limit_in_bytes} (v1) and {@code memory.max} (v2). */
  public long memoryBytes() {
    return (long) (Math.max(MIN_MEM_MB, memMb) * MB);
  }

  private double effectiveCpus() {
    return Math.max(MIN_CPUS, cpus);
  }
}
