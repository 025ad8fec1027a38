package dev.vmesos.agent.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroup: one directory per mounted hierarchy it lives in (one on cgroup v2, one per
 * controller mount on v1, none when cgroups are off). A plain value: the isolator that made it
 * knows what to do with it.
 *
 * @param containerId the container's id, also the name of each directory
 * @param directories the container's cgroup directories
 */
public record ContainerCgroup(String containerId, List<Path> directories) {

  /** The control file a process joins a cgroup through, in v1 and v2 alike. */
  public static final String PROCS = "cgroup.procs";

  /** Exit status of the wrapper when it cannot join the cgroups (the task never ran). */
  public static final int JOIN_FAILED_EXIT = 125;

  public ContainerCgroup {
    directories = List.copyOf(directories);
  }

  /** The {@code cgroup.procs} files a process must be written to. */
  public List<Path> procsFiles() {
    return directories.stream().map(d -> d.resolve(PROCS)).toList();
  }

  /**
   * {@code argv} run so that the process is in this cgroup before any task code runs: a
   * {@code /bin/sh} writes its own pid to each {@code cgroup.procs} and then execs {@code argv}
   * (same pid, so the task starts inside, and so do all its children). Java cannot move a child
   * between fork and exec, which is what the wrapper stands in for. {@code argv} is passed as
   * positional parameters, never re-parsed by the shell. If a join fails the wrapper prints why on
   * stderr and exits with {@link #JOIN_FAILED_EXIT} without running the task. With no directories
   * this is {@code argv} itself.
   */
  public List<String> wrap(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("cannot wrap an empty argv");
    }
    if (directories.isEmpty()) {
      return List.copyOf(argv);
    }
    StringBuilder script = new StringBuilder("{ ");
    List<Path> files = procsFiles();
    for (int i = 0; i < files.size(); i++) {
      script.append(i == 0 ? "" : " && ").append("echo $$ > ").append(quote(files.get(i).toString()));
    }
    script.append("; } || { echo ")
        .append(quote("vmesos: cannot join the cgroups of container " + containerId))
        .append(" >&2; exit ").append(JOIN_FAILED_EXIT).append("; }; exec \"$@\"");
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "sh"));
    wrapped.addAll(argv);
    return List.copyOf(wrapped);
  }

  /** {@code s} as one single-quoted shell word. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
