package dev.vmesos.agent.cgroups;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Confines the process containerizer's containers to their {@code cpus} and {@code mem} with
 * cgroups, as Mesos's {@code cgroups/cpu} and {@code cgroups/mem} isolators do. Get one from
 * {@link Cgroups#detect}: cgroup v1, cgroup v2, or, where neither can be used, a no-op that still
 * lets tasks run.
 *
 * <p>A container's life: {@link #prepare} before launch; launch {@link ContainerCgroup#wrap}ped
 * argv; {@link #usage} while it runs; after its process exits (or while polling),
 * {@link #limitation} says whether a limit killed it; {@link #kill} then {@link #destroy}. After an
 * agent restart {@link #recover} lists the containers that still have cgroups.
 *
 * <p>Every method does blocking file I/O (and {@link #kill}/{@link #destroy} may wait a little):
 * call them off the event loop.
 */
public interface CgroupIsolator {

  /** Whether limits are enforced; false for the no-op isolator. */
  boolean enabled();

  /** What is used and where, for logs and the agent's state (e.g. {@code cgroups v1 under ...}). */
  String description();

  /**
   * Creates the container's cgroup and sets its limits: CPU shares ({@code cpus} × 1024), a CFS
   * quota of {@code cpus} × 100 ms per 100 ms, and a memory limit of {@code memMb} MiB that swap
   * cannot dodge. On failure nothing is left behind.
   *
   * @throws IOException              if the cgroup exists already or cannot be made or limited
   * @throws IllegalArgumentException if the id is not a valid cgroup name or a size not positive
   */
  ContainerCgroup prepare(String containerId, double cpus, double memMb) throws IOException;

  /**
   * Whether a limit of the container was hit hard enough for the kernel to kill one of its
   * processes (the OOM killer), with Mesos's message. Read it once the task has ended, before
   * {@link #destroy}; the counters are cumulative, so polling it while the task runs works too.
   */
  Optional<Limitation> limitation(ContainerCgroup cgroup) throws IOException;

  /** The container's usage now; empty for the no-op isolator. */
  Optional<CgroupUsage> usage(ContainerCgroup cgroup) throws IOException;

  /**
   * SIGKILLs every process in the container's cgroup, again and again until none is left.
   *
   * @return how many processes were signalled
   * @throws IOException if some are still there after a few seconds
   */
  int kill(ContainerCgroup cgroup) throws IOException;

  /**
   * Kills whatever is left in the container's cgroup and removes it, retrying while the kernel
   * still holds it. Removing a cgroup that is gone already is fine.
   */
  void destroy(ContainerCgroup cgroup) throws IOException;

  /**
   * The containers with a cgroup under this agent's root, as left by an earlier run of the agent:
   * the agent keeps those it recovers and {@link #destroy}s the others.
   */
  List<ContainerCgroup> recover() throws IOException;

  /**
   * Removes this agent's cgroup root directories if they are empty (best effort), for an agent whose
   * root is its own (a local cluster's agents each have one); a shared root is left alone.
   */
  default void releaseRoot() {
  }
}
