package dev.vmesos.agent.resources;

import dev.vmesos.api.resources.Resources;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent's resources when {@code --resources} does not name them, measured on the host as the
 * Mesos agent does (simplified): all cores; physical memory less 1 GB for the system; free disk
 * under the work directory less 5 GB of headroom; ports 31000-32000.
 */
public final class HostResources {

  private static final long MB = 1024L * 1024L;
  private static final long MEMORY_RESERVED_MB = 1024;
  private static final long MIN_MEMORY_MB = 256;
  private static final long DISK_HEADROOM_MB = 5 * 1024;
  private static final long MIN_DISK_MB = 1024;
  static final String DEFAULT_PORTS = "[31000-32000]";

  /** The names filled in from the host when absent from {@code --resources}. */
  public static final Set<String> DETECTED = Set.of("cpus", "mem", "disk", "ports");

  private HostResources() {
  }

  /** Measures this host; {@code workDir} need not exist yet (its nearest existing parent is used). */
  public static Resources detect(Path workDir) {
    return compute(Runtime.getRuntime().availableProcessors(), physicalMemoryBytes(), usableDiskBytes(workDir));
  }

  /** The default resources of a host with these measurements. */
  public static Resources compute(int processors, long physicalMemoryBytes, long usableDiskBytes) {
    long memMb = Math.max(MIN_MEMORY_MB, physicalMemoryBytes / MB - MEMORY_RESERVED_MB);
    long diskMb = Math.max(MIN_DISK_MB, usableDiskBytes / MB - DISK_HEADROOM_MB);
    return Resources.parse(String.format(Locale.ROOT, "cpus:%d;mem:%d;disk:%d;ports:%s",
        Math.max(1, processors), memMb, diskMb, DEFAULT_PORTS));
  }

  /**
   * {@code configured} with every resource of {@link #DETECTED} that it does not name taken from
   * {@code detected}, as Mesos fills in resources missing from {@code --resources}.
   */
  public static Resources fillIn(Resources configured, Resources detected) {
    Set<String> named = configured.stream().map(r -> r.getName()).collect(Collectors.toSet());
    return configured.plus(detected.filter(r -> DETECTED.contains(r.getName()) && !named.contains(r.getName())));
  }

  private static long physicalMemoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  private static long usableDiskBytes(Path workDir) {
    Path existing = workDir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return 0;
    }
    try {
      return Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }
}
