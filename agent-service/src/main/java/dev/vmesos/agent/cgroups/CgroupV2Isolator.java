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
 * cgroup v2: one unified hierarchy; the {@code cpu} and {@code memory} controllers must be enabled
 * in the {@code cgroup.subtree_control} of every cgroup above the containers, which
 * {@link Cgroups#detect} does.
 */
final class CgroupV2Isolator extends CgroupHierarchyIsolator {

  private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Isolator.class);

  /** The controllers this isolator needs enabled. */
  static final List<String> CONTROLLERS = List.of("cpu", "memory");

  private static final double MICROS = 1e6;

  private final Path root;

  /** {@code root}: the directory containers go in, its controllers already delegated. */
  CgroupV2Isolator(Path root) {
    super(List.of(root));
    this.root = root;
  }

  @Override
  public String description() {
    return "cgroups v2 (" + root + ")";
  }

  @Override
  String applyLimits(String containerId, CgroupLimits limits) throws IOException {
    Path dir = directory(root, containerId);
    String cpuMax = limits.cfsQuotaUs() + " " + CgroupLimits.CFS_PERIOD_US;
    long bytes = limits.memoryBytes();
    CgroupFiles.write(dir.resolve("cpu.weight"), limits.weight());
    CgroupFiles.write(dir.resolve("cpu.max"), cpuMax);
    CgroupFiles.write(dir.resolve("memory.max"), bytes);
    String written = "cpu.weight=" + limits.weight() + " cpu.max=" + cpuMax + " memory.max=" + bytes;
    // v2 limits swap on its own; none at all is what v1's memsw = limit amounts to.
    Path swapMax = dir.resolve("memory.swap.max");
    if (Files.exists(swapMax)) {
      CgroupFiles.write(swapMax, 0);
      written += " memory.swap.max=0";
    }
    return written;
  }

  @Override
  void beforeKill(ContainerCgroup cgroup) throws IOException {
    // Linux 5.14+: the kernel kills the whole cgroup at once, forks included.
    Path kill = directory(root, cgroup.containerId()).resolve("cgroup.kill");
    if (Files.exists(kill)) {
      CgroupFiles.write(kill, 1);
    }
  }

  @Override
  public Optional<Limitation> limitation(ContainerCgroup cgroup) throws IOException {
    Path dir = directory(root, cgroup.containerId());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    Map<String, Long> events = CgroupFiles.readKeyed(dir.resolve("memory.events"));
    if (events.getOrDefault("oom_kill", 0L) == 0) {
      return Optional.empty();
    }
    Limitation limitation = Limitation.memory(CgroupFiles.readLong(dir.resolve("memory.max")), maxUsed(dir));
    LOG.info("Container {} hit its memory limit: {} (memory.events {})", cgroup.containerId(),
        limitation.message(), events);
    return Optional.of(limitation);
  }

  @Override
  public Optional<CgroupUsage> usage(ContainerCgroup cgroup) throws IOException {
    Path dir = directory(root, cgroup.containerId());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    Map<String, Long> cpuStat = CgroupFiles.readKeyed(dir.resolve("cpu.stat"));
    Map<String, Long> memStat = CgroupFiles.readKeyed(dir.resolve("memory.stat"));
    return Optional.of(new CgroupUsage(
        cpuStat.getOrDefault("usage_usec", 0L) / MICROS,
        cpuStat.getOrDefault("user_usec", 0L) / MICROS,
        cpuStat.getOrDefault("system_usec", 0L) / MICROS,
        cpusLimit(dir.resolve("cpu.max")),
        cpuStat.getOrDefault("nr_periods", 0L),
        cpuStat.getOrDefault("nr_throttled", 0L),
        cpuStat.getOrDefault("throttled_usec", 0L) / MICROS,
        CgroupFiles.readLong(dir.resolve("memory.current")),
        memStat.getOrDefault("anon", 0L),
        maxUsed(dir),
        CgroupFiles.readLong(dir.resolve("memory.max"))));
  }

  /** {@code memory.peak} (Linux 5.19+), else the usage now: older kernels keep no maximum. */
  private static long maxUsed(Path dir) throws IOException {
    Path peak = dir.resolve("memory.peak");
    return Files.exists(peak) ? CgroupFiles.readLong(peak) : CgroupFiles.readLong(dir.resolve("memory.current"));
  }

  /** {@code cpu.max} is {@code "<quota|max> <period>"}. */
  private static double cpusLimit(Path cpuMax) throws IOException {
    if (!Files.exists(cpuMax)) {
      return -1;
    }
    String[] parts = CgroupFiles.read(cpuMax).split("\\s+");
    if (parts.length != 2 || parts[0].equals("max")) {
      return -1;
    }
    try {
      return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException(cpuMax + " holds '" + String.join(" ", parts) + "', not '<quota> <period>'", e);
    }
  }
}
