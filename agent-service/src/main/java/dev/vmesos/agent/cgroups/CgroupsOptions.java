package dev.vmesos.agent.cgroups;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the agent puts its containers' cgroups.
 *
 * @param root      the cgroup, relative to the base chosen by {@code placement}, under which every
 *                  container gets one child cgroup named after its container id. Slash-separated
 *                  names, like Mesos's {@code --cgroups_root} ({@code mesos}); give each agent of a
 *                  host its own (for example {@code vmesos/<agent name>}) so their recoveries do not
 *                  claim each other's containers
 * @param placement the base {@code root} is relative to
 */
public record CgroupsOptions(String root, Placement placement) {

  /** The root when none is configured. */
  public static final String DEFAULT_ROOT = "vmesos";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@:+-]+");

  /** The base cgroup the root is created under. */
  public enum Placement {
    /**
     * The top of each hierarchy, as Mesos does ({@code /sys/fs/cgroup/memory/<root>/<container>}):
     * containers do not depend on where the agent itself runs, so they outlive an agent restarted in
     * another cgroup. This is also the only placement that works on cgroup v2 when the agent's own
     * cgroup holds processes (v2 lets a cgroup with processes hand no controller to children).
     */
    HIERARCHY_ROOT,
    /**
     * The agent's own cgroup in each hierarchy ({@code /proc/self/cgroup}): for an agent given a
     * delegated subtree (systemd {@code Delegate=yes}, a container), whose tasks then stay inside
     * the limits and accounting of that subtree.
     */
    AGENT_CGROUP
  }

  public CgroupsOptions {
    Optional<String> invalid = validateRoot(root);
    if (invalid.isPresent()) {
      throw new IllegalArgumentException(invalid.get());
    }
    if (placement == null) {
      throw new IllegalArgumentException("cgroups placement is missing");
    }
  }

  /** {@code root} at the top of each hierarchy, as Mesos places its cgroups. */
  public static CgroupsOptions of(String root) {
    return new CgroupsOptions(root, Placement.HIERARCHY_ROOT);
  }

  /** Why {@code root} cannot name the agent's cgroup root, or empty if it can. */
  public static Optional<String> validateRoot(String root) {
    if (root == null || root.isEmpty()) {
      return Optional.of("cgroups root is empty");
    }
    for (String segment : root.split("/", -1)) {
      Optional<String> bad = validateName("cgroups root '" + root + "'", segment);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  /**
   * Why {@code name} cannot be one cgroup directory name, or empty if it can: letters, digits and
   * {@code _ . @ : + -}, not {@code .} or {@code ..}. Restrictive on purpose: names end up in
   * paths and in the shell wrapper of {@link ContainerCgroup#wrap}.
   */
  static Optional<String> validateName(String what, String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || !NAME.matcher(name).matches()) {
      return Optional.of(what + ": '" + name + "' is not a valid cgroup name"
          + " (letters, digits and _ . @ : + - only; not empty, '.' or '..')");
    }
    return Optional.empty();
  }
}
