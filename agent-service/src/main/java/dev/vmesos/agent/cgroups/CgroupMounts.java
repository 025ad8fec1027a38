package dev.vmesos.agent.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads where the cgroup hierarchies are mounted ({@code /proc/self/mountinfo}) and where this
 * process sits in each ({@code /proc/self/cgroup}). Pure parsing: the texts are given.
 */
final class CgroupMounts {

  /** The key of the v2 (unified) hierarchy in {@link #parseMembership}. */
  static final String UNIFIED = "";

  /** v1 mount options that are not controllers (besides {@code key=value} ones such as name=). */
  private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "xattr", "noprefix", "clone_children",
      "cpuset_v2_mode", "favordynmods");

  /**
   * A mounted cgroup hierarchy.
   *
   * @param root        the cgroup shown at the mount point (not {@code /} inside some containers)
   * @param mountPoint  where it is mounted
   * @param unified     cgroup2 rather than a v1 hierarchy
   * @param controllers the v1 controllers attached (empty for v2: read its cgroup.controllers)
   */
  record Mount(String root, Path mountPoint, boolean unified, Set<String> controllers) {
  }

  private CgroupMounts() {
  }

  /** The cgroup and cgroup2 mounts, in mount order. */
  static List<Mount> parseMountinfo(String mountinfo) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      // id parent major:minor root mount-point options [optional fields...] - type source super-options
      String[] fields = line.trim().split(" ");
      int separator = List.of(fields).indexOf("-");
      if (separator < 6 || fields.length < separator + 3) {
        continue;
      }
      String type = fields[separator + 1];
      if (!type.equals("cgroup") && !type.equals("cgroup2")) {
        continue;
      }
      Set<String> controllers = new LinkedHashSet<>();
      if (type.equals("cgroup") && fields.length > separator + 3) {
        for (String option : fields[separator + 3].split(",")) {
          if (!NOT_CONTROLLERS.contains(option) && !option.contains("=")) {
            controllers.add(option);
          }
        }
      }
      mounts.add(new Mount(unescape(fields[3]), Path.of(unescape(fields[4])), type.equals("cgroup2"),
          Set.copyOf(controllers)));
    }
    return mounts;
  }

  /**
   * Where this process is: v1 controller name to cgroup path ({@code 4:memory:/a} gives
   * {@code memory -> /a}; co-mounted controllers each get the path), and {@link #UNIFIED} to the
   * v2 path ({@code 0::/b}).
   */
  static Map<String, String> parseMembership(String procSelfCgroup) {
    Map<String, String> paths = new HashMap<>();
    for (String line : procSelfCgroup.split("\n")) {
      String[] parts = line.trim().split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      if (parts[1].isEmpty()) {
        paths.put(UNIFIED, parts[2]);
      } else {
        for (String controller : parts[1].split(",")) {
          paths.put(controller, parts[2]);
        }
      }
    }
    return paths;
  }

  /**
   * The directory of cgroup {@code path} in {@code mount}, or empty if that cgroup is outside what
   * is mounted there.
   */
  static Optional<Path> directory(Mount mount, String path) {
    String root = mount.root().equals("/") ? "" : mount.root();
    if (!path.equals(root) && !path.startsWith(root + "/")) {
      return Optional.empty();
    }
    String relative = path.substring(root.length()).replaceAll("^/+", "");
    return Optional.of(relative.isEmpty() ? mount.mountPoint() : mount.mountPoint().resolve(relative));
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
