package dev.vmesos.agent.cgroups;

import dev.vmesos.agent.cgroups.CgroupMounts.Mount;
import dev.vmesos.agent.cgroups.CgroupsOptions.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out at start-up how this host can confine containers and returns the isolator for it.
 * Blocking (reads /proc, makes the root cgroups): call it before the agent's verticle starts or
 * off the event loop.
 */
public final class Cgroups {

  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);

  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  private static final Path SELF_CGROUP = Path.of("/proc/self/cgroup");

  private Cgroups() {
  }

  /**
   * The isolator for this host: cgroup v1 if the {@code cpu}, {@code cpuacct} and {@code memory}
   * controllers are mounted as v1 hierarchies, else cgroup v2 if a cgroup2 mount offers {@code cpu}
   * and {@code memory}, else a no-op one (tasks then run without limits). The root cgroup of
   * {@code options} is created in each hierarchy used (and, on v2, the controllers enabled on the
   * way down to it) to prove it can be: not being root, a read-only mount or a v2 cgroup that cannot
   * delegate also give the no-op isolator. Says which in one log line.
   */
  public static CgroupIsolator detect(CgroupsOptions options) {
    String mountinfo;
    String membership;
    try {
      mountinfo = Files.readString(MOUNTINFO);
      membership = Files.readString(SELF_CGROUP);
    } catch (IOException e) {
      return logged(options, new NoopIsolator("cannot read " + MOUNTINFO + " or " + SELF_CGROUP + ": "
          + CgroupFiles.reason(e)));
    }
    return detect(options, mountinfo, membership);
  }

  /** {@link #detect(CgroupsOptions)} on the given {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}. */
  static CgroupIsolator detect(CgroupsOptions options, String mountinfo, String procSelfCgroup) {
    return logged(options, choose(options, CgroupMounts.parseMountinfo(mountinfo),
        CgroupMounts.parseMembership(procSelfCgroup)));
  }

  private static CgroupIsolator logged(CgroupsOptions options, CgroupIsolator isolator) {
    if (isolator.enabled()) {
      LOG.info("Container isolation: {}, root '{}' placed at the {}", isolator.description(), options.root(),
          options.placement() == Placement.HIERARCHY_ROOT ? "top of each hierarchy" : "agent's own cgroup");
    } else {
      LOG.warn("Container isolation: {}; task processes run without cpu and memory limits",
          isolator.description());
    }
    return isolator;
  }

  private static CgroupIsolator choose(CgroupsOptions options, List<Mount> mounts, Map<String, String> membership) {
    Map<String, Mount> v1 = new LinkedHashMap<>();
    for (String controller : CgroupV1Isolator.CONTROLLERS) {
      mounts.stream()
          .filter(m -> !m.unified() && m.controllers().contains(controller))
          .findFirst()
          .ifPresent(m -> v1.put(controller, m));
    }
    if (v1.size() == CgroupV1Isolator.CONTROLLERS.size()) {
      return v1(options, v1, membership);
    }
    List<String> missing = new ArrayList<>(CgroupV1Isolator.CONTROLLERS);
    missing.removeAll(v1.keySet());
    String v1Problem = "cgroup v1 has no hierarchy with " + String.join(", ", missing);
    Optional<Mount> unified = mounts.stream().filter(Mount::unified).findFirst();
    if (unified.isEmpty()) {
      return new NoopIsolator(v1Problem + " and no cgroup v2 is mounted");
    }
    return v2(options, unified.get(), membership, v1Problem);
  }

  private static CgroupIsolator v1(CgroupsOptions options, Map<String, Mount> mounts, Map<String, String> membership) {
    Map<String, Path> roots = new LinkedHashMap<>();
    for (Map.Entry<String, Mount> entry : mounts.entrySet()) {
      String controller = entry.getKey();
      Optional<Path> base = base(options, entry.getValue(), membership.get(controller));
      if (base.isEmpty()) {
        return new NoopIsolator("cannot find this process's " + controller + " cgroup (" + membership.get(controller)
            + ") under " + entry.getValue().mountPoint());
      }
      Path root = base.get().resolve(options.root());
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        return new NoopIsolator(cannotCreate(root, e));
      }
      roots.put(controller, root);
    }
    return new CgroupV1Isolator(roots);
  }

  private static CgroupIsolator v2(CgroupsOptions options, Mount mount, Map<String, String> membership,
      String v1Problem) {
    Optional<Path> base = base(options, mount, membership.get(CgroupMounts.UNIFIED));
    if (base.isEmpty()) {
      return new NoopIsolator(v1Problem + ", and this process's cgroup v2 (" + membership.get(CgroupMounts.UNIFIED)
          + ") is not under " + mount.mountPoint());
    }
    Set<String> offered;
    try {
      offered = Set.of(CgroupFiles.read(base.get().resolve("cgroup.controllers")).split("\\s+"));
    } catch (IOException e) {
      return new NoopIsolator(v1Problem + ", and cannot read " + base.get().resolve("cgroup.controllers") + ": "
          + CgroupFiles.reason(e));
    }
    if (!offered.containsAll(CgroupV2Isolator.CONTROLLERS)) {
      return new NoopIsolator(v1Problem + ", and cgroup v2 at " + base.get() + " offers no "
          + String.join(" and ", CgroupV2Isolator.CONTROLLERS) + " controllers (it offers '"
          + String.join(" ", offered).trim() + "')");
    }
    Path dir = base.get();
    try {
      delegate(dir);
      for (String segment : options.root().split("/")) {
        dir = dir.resolve(segment);
        Files.createDirectories(dir);
        delegate(dir);
      }
    } catch (IOException e) {
      return new NoopIsolator(cannotCreate(dir, e)
          + (CgroupFiles.reason(e).contains("busy")
              ? " (a v2 cgroup with processes of its own cannot hand controllers to children:"
                + " place the root at the top of the hierarchy or run the agent in a leaf cgroup)"
              : ""));
    }
    return new CgroupV2Isolator(dir);
  }

  /** Enables the controllers the containers need for the children of {@code dir}. */
  private static void delegate(Path dir) throws IOException {
    Path subtreeControl = dir.resolve("cgroup.subtree_control");
    Set<String> enabled = Files.exists(subtreeControl)
        ? Set.of(CgroupFiles.read(subtreeControl).split("\\s+"))
        : Set.of();
    if (!enabled.containsAll(CgroupV2Isolator.CONTROLLERS)) {
      CgroupFiles.write(subtreeControl, "+" + String.join(" +", CgroupV2Isolator.CONTROLLERS));
    }
  }

  private static Optional<Path> base(CgroupsOptions options, Mount mount, String ownPath) {
    if (options.placement() == Placement.HIERARCHY_ROOT) {
      return Optional.of(mount.mountPoint());
    }
    return ownPath == null ? Optional.empty() : CgroupMounts.directory(mount, ownPath);
  }

  private static String cannotCreate(Path cgroup, IOException e) {
    return "cannot create cgroup " + cgroup + " (is the agent root, the hierarchy writable?): "
        + CgroupFiles.reason(e);
  }
}
