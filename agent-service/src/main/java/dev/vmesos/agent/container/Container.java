package dev.vmesos.agent.container;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * One container the agent started, or found again after a restart: the run of a task's command or
 * of an executor, as a local process (possibly in a cgroup) or as a Docker container. Methods are
 * called on the agent verticle's context, and {@link #termination()} completes on it.
 */
public interface Container {

  /** The agent's id for this container (also the last part of its sandbox path). */
  String containerId();

  /** Completes once the container has ended, with how; never fails. */
  Future<Termination> termination();

  /**
   * SIGTERM to the container's processes now ({@code docker stop} for Docker), SIGKILL to whatever
   * is left after {@code grace}; a zero grace kills at once. Does nothing once it has ended.
   */
  void terminate(Duration grace);

  /**
   * Lets the container go without stopping it, for the agent that restarts on this work_dir to
   * recover: from now on this agent neither reports its end nor cleans up after it.
   */
  void release();

  /** Whether it has not ended yet. */
  boolean isRunning();

  /** The pid of its main process, where the agent knows one. */
  OptionalLong pid();

  /**
   * What the container's cgroups count of its usage now; empty when it has none to read (no
   * cgroups, a Docker container). Blocking file I/O: call it off the event loop.
   */
  default java.util.Optional<dev.vmesos.agent.cgroups.CgroupUsage> usage() {
    return java.util.Optional.empty();
  }

  /**
   * Completes once every one of {@code ended} has completed, or after {@code grace} and 5 s more
   * (then logged, {@code what} naming them): an agent stopping waits this long for its containers.
   */
  static Future<Void> awaitAll(List<Future<?>> ended, Duration grace, String what) {
    return Future.all(ended)
        .timeout(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> {
          LoggerFactory.getLogger(Container.class).warn("Some {} did not exit: {}", what, e.getMessage());
          return Future.succeededFuture();
        });
  }
}
