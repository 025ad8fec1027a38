package dev.vmesos.agent.cgroups;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the v1 and v2 isolators share: a container is a directory named after it under each root
 * directory; preparing creates those and lets the version write its limits; killing and removing
 * go through {@code cgroup.procs} and rmdir, which both versions have.
 */
abstract class CgroupHierarchyIsolator implements CgroupIsolator {

  private static final Logger LOG = LoggerFactory.getLogger(CgroupHierarchyIsolator.class);

  static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(5);
  /** The agent names containers by UUID; nothing else under a root is a container's cgroup. */
  private static final java.util.regex.Pattern CONTAINER_ID =
      java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final List<Path> roots;

  /** {@code roots}: the directories the containers' cgroups are made in, one per hierarchy. */
  CgroupHierarchyIsolator(List<Path> roots) {
    this.roots = List.copyOf(new LinkedHashSet<>(roots));
  }

  /** The directories containers' cgroups are made in. */
  List<Path> roots() {
    return roots;
  }

  /**
   * Writes {@code limits} into the freshly made cgroup of {@code containerId}; returns what was
   * written ({@code file=value ...}) for the log.
   */
  abstract String applyLimits(String containerId, CgroupLimits limits) throws IOException;

  /** Called before the kill loop (v2 uses {@code cgroup.kill} when the kernel has it). */
  void beforeKill(ContainerCgroup cgroup) throws IOException {
  }

  @Override
  public final boolean enabled() {
    return true;
  }

  @Override
  public final ContainerCgroup prepare(String containerId, double cpus, double memMb) throws IOException {
    CgroupsOptions.validateName("container id", containerId).ifPresent(bad -> {
      throw new IllegalArgumentException(bad);
    });
    CgroupLimits limits = new CgroupLimits(cpus, memMb);
    List<Path> created = new ArrayList<>();
    try {
      for (Path root : roots) {
        Path directory = directory(root, containerId);
        try {
          Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
          throw new IOException("The cgroup of container " + containerId + " exists already: " + directory, e);
        }
        created.add(directory);
      }
      String written = applyLimits(containerId, limits);
      LOG.info("Prepared cgroups of container {} for cpus {} and mem {} MB in {}: {}",
          containerId, cpus, memMb, created, written);
      return new ContainerCgroup(containerId, created);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Failed to prepare cgroups of container {}: {}", containerId, e.getMessage());
      for (Path directory : created) {
        try {
          CgroupFiles.removeDirectory(directory, REMOVE_TIMEOUT);
        } catch (IOException cleanup) {
          LOG.warn("Cannot remove cgroup {} of container {} after its failed preparation: {}",
              directory, containerId, cleanup.getMessage());
        }
      }
      throw e;
    }
  }

  @Override
  public final int kill(ContainerCgroup cgroup) throws IOException {
    beforeKill(cgroup);
    int killed = CgroupFiles.killAll(cgroup.containerId(), cgroup.procsFiles(), KILL_TIMEOUT);
    if (killed > 0) {
      LOG.info("Killed {} process(es) in the cgroups of container {}", killed, cgroup.containerId());
    }
    return killed;
  }

  @Override
  public final void destroy(ContainerCgroup cgroup) throws IOException {
    kill(cgroup);
    List<Path> removed = new ArrayList<>();
    for (Path directory : cgroup.directories()) {
      if (CgroupFiles.removeDirectory(directory, REMOVE_TIMEOUT)) {
        removed.add(directory);
      }
    }
    if (!removed.isEmpty()) {
      LOG.info("Destroyed cgroups of container {}: {}", cgroup.containerId(), removed);
    }
  }

  @Override
  public final void releaseRoot() {
    for (Path root : roots) {
      try {
        if (Files.deleteIfExists(root)) {
          LOG.info("Removed the cgroup root {}", root);
        }
      } catch (IOException e) {
        LOG.debug("Kept the cgroup root {}: {}", root, e.toString());   // not empty: a kept container
      }
    }
  }

  @Override
  public final List<ContainerCgroup> recover() throws IOException {
    Map<String, List<Path>> found = new TreeMap<>();
    for (Path root : roots) {
      for (String name : CgroupFiles.childNames(root)) {
        if (CONTAINER_ID.matcher(name).matches()) {
          found.computeIfAbsent(name, n -> new ArrayList<>()).add(root.resolve(name));
        } else {
          // Not a container's (containers are UUIDs): another agent's root nested here, say.
          LOG.debug("Leaving {} alone: not a container cgroup", root.resolve(name));
        }
      }
    }
    List<ContainerCgroup> containers = found.entrySet().stream()
        .map(e -> new ContainerCgroup(e.getKey(), e.getValue()))
        .toList();
    LOG.info("Recovered {} container cgroup(s) under {}: {}", containers.size(), roots, found.keySet());
    return containers;
  }

  /** The cgroup directory of {@code containerId} under {@code root}. */
  static Path directory(Path root, String containerId) {
    return root.resolve(containerId);
  }
}
