package dev.vmesos.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1: the {@code cpu}, {@code cpuacct} and {@code memory} controllers, each in its own
 * hierarchy or co-mounted (then one directory serves several).
 */
final class CgroupV1Isolator extends CgroupHierarchyIsolator {

  private static final Logger LOG = LoggerFactory.getLogger(CgroupV1Isolator.class);

  /** The controllers this isolator needs mounted. */
  static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory");

  /** cpuacct.stat counts in USER_HZ, which Linux fixes at 100 for user space on every architecture. */
  private static final double USER_HZ = 100;
  private static final double NANOS = 1e9;
  /** v1 reports "no limit" as a page-rounded LONG_MAX; anything this large is unlimited. */
  private static final long UNLIMITED = 1L << 62;

  private final Map<String, Path> controllerRoots;

  /** {@code controllerRoots}: for each of {@link #CONTROLLERS}, the directory containers go in. */
  CgroupV1Isolator(Map<String, Path> controllerRoots) {
    super(CONTROLLERS.stream().map(controllerRoots::get).toList());
    this.controllerRoots = Map.copyOf(controllerRoots);
  }

  @Override
  public String description() {
    return "cgroups v1 (cpu " + controllerRoots.get("cpu") + ", cpuacct " + controllerRoots.get("cpuacct")
        + ", memory " + controllerRoots.get("memory") + ")";
  }

  @Override
  String applyLimits(String containerId, CgroupLimits limits) throws IOException {
    Path cpu = dir("cpu", containerId);
    CgroupFiles.write(cpu.resolve("cpu.shares"), limits.shares());
    CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), CgroupLimits.CFS_PERIOD_US);
    CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), limits.cfsQuotaUs());
    Path memory = dir("memory", containerId);
    long bytes = limits.memoryBytes();
    // The memory limit first: memsw may never be below it.
    CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), bytes);
    String written = "cpu.shares=" + limits.shares() + " cpu.cfs_period_us=" + CgroupLimits.CFS_PERIOD_US
        + " cpu.cfs_quota_us=" + limits.cfsQuotaUs() + " memory.limit_in_bytes=" + bytes;
    Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
    if (Files.exists(memsw)) {
      CgroupFiles.write(memsw, bytes);
      written += " memory.memsw.limit_in_bytes=" + bytes;
    }
    return written;
  }

  @Override
  public Optional<Limitation> limitation(ContainerCgroup cgroup) throws IOException {
    Path memory = dir("memory", cgroup.containerId());
    if (!Files.isDirectory(memory)) {
      return Optional.empty();
    }
    Map<String, Long> oom = CgroupFiles.readKeyed(memory.resolve("memory.oom_control"));
    long limit = limit(memory.resolve("memory.limit_in_bytes"));
    long maxUsed = CgroupFiles.readLong(memory.resolve("memory.max_usage_in_bytes"));
    boolean oomKilled;
    if (oom.containsKey("oom_kill")) {
      oomKilled = oom.get("oom_kill") > 0 || oom.getOrDefault("under_oom", 0L) > 0;
    } else {
      // Kernels before 4.13 do not count OOM kills: having reached the limit is the best sign left.
      long memswLimit = limit(memory.resolve("memory.memsw.limit_in_bytes"));
      long memswMax = CgroupFiles.readLong(memory.resolve("memory.memsw.max_usage_in_bytes"), 0);
      oomKilled = oom.getOrDefault("under_oom", 0L) > 0
          || (limit > 0 && maxUsed >= limit)
          || (memswLimit > 0 && memswMax >= memswLimit);
    }
    if (!oomKilled) {
      return Optional.empty();
    }
    Limitation limitation = Limitation.memory(limit, maxUsed);
    LOG.info("Container {} hit its memory limit: {} (oom_control {})", cgroup.containerId(),
        limitation.message(), oom);
    return Optional.of(limitation);
  }

  @Override
  public Optional<CgroupUsage> usage(ContainerCgroup cgroup) throws IOException {
    String id = cgroup.containerId();
    Path cpuacct = dir("cpuacct", id);
    Path cpu = dir("cpu", id);
    Path memory = dir("memory", id);
    if (!Files.isDirectory(cpuacct) || !Files.isDirectory(cpu) || !Files.isDirectory(memory)) {
      return Optional.empty();
    }
    double total = CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage")) / NANOS;
    double user;
    double system;
    if (Files.exists(cpuacct.resolve("cpuacct.usage_user"))) {
      user = CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage_user")) / NANOS;
      system = CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage_sys")) / NANOS;
    } else {
      Map<String, Long> stat = CgroupFiles.readKeyed(cpuacct.resolve("cpuacct.stat"));
      user = stat.getOrDefault("user", 0L) / USER_HZ;
      system = stat.getOrDefault("system", 0L) / USER_HZ;
    }
    long quota = CgroupFiles.readLong(cpu.resolve("cpu.cfs_quota_us"));
    long period = CgroupFiles.readLong(cpu.resolve("cpu.cfs_period_us"));
    Map<String, Long> cpuStat = CgroupFiles.readKeyed(cpu.resolve("cpu.stat"));
    Map<String, Long> memStat = CgroupFiles.readKeyed(memory.resolve("memory.stat"));
    return Optional.of(new CgroupUsage(
        total, user, system,
        quota > 0 && period > 0 ? (double) quota / period : -1,
        cpuStat.getOrDefault("nr_periods", 0L),
        cpuStat.getOrDefault("nr_throttled", 0L),
        cpuStat.getOrDefault("throttled_time", 0L) / NANOS,
        CgroupFiles.readLong(memory.resolve("memory.usage_in_bytes")),
        memStat.getOrDefault("total_rss", memStat.getOrDefault("rss", 0L)),
        CgroupFiles.readLong(memory.resolve("memory.max_usage_in_bytes")),
        limit(memory.resolve("memory.limit_in_bytes"))));
  }

  private Path dir(String controller, String containerId) {
    return directory(controllerRoots.get(controller), containerId);
  }

  /** A v1 limit file, -1 when absent or unlimited. */
  private static long limit(Path file) throws IOException {
    long value = CgroupFiles.readLong(file, -1);
    return value >= UNLIMITED ? -1 : value;
  }
}
