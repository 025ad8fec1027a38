package dev.vmesos.agent.container;

import dev.vmesos.agent.cgroups.CgroupIsolator;
import dev.vmesos.agent.cgroups.ContainerCgroup;
import dev.vmesos.agent.cgroups.Limitation;
import dev.vmesos.agent.container.ProcessLauncher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process container: the supervisor process the agent started (or found again after a restart)
 * and its cgroup, if it has one. Its end is read from the process when it is the agent's child,
 * else from the exit-status file the supervisor writes; what the cgroup saw (an OOM kill) decides
 * the limitation, and then the cgroup goes.
 */
final class ProcessContainer implements Container {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessContainer.class);

  private final Vertx vertx;
  private final String containerId;
  /** Empty for a recovered container whose process had already gone. */
  private final Optional<ProcessHandle> handle;
  private final ContainerCgroup cgroup;
  private final CgroupIsolator isolator;
  private final ProcessLauncher launcher;
  private final Context context;
  private final Promise<Termination> termination = Promise.promise();
  private long killTimerId = -1;
  private volatile boolean released;

  private ProcessContainer(Vertx vertx, String containerId, Optional<ProcessHandle> handle, ContainerCgroup cgroup,
      CgroupIsolator isolator, ProcessLauncher launcher, Context context) {
    this.vertx = vertx;
    this.containerId = containerId;
    this.handle = handle;
    this.cgroup = cgroup;
    this.isolator = isolator;
    this.launcher = launcher;
    this.context = context;
  }

  /** A container around {@code process}, the agent's child; {@code context} is the agent's. */
  static ProcessContainer started(Vertx vertx, Context context, String containerId, Process process,
      ContainerCgroup cgroup, CgroupIsolator isolator, ProcessLauncher launcher, Path exitStatus) {
    ProcessContainer container = new ProcessContainer(vertx, containerId, Optional.of(process.toHandle()), cgroup,
        isolator, launcher, context);
    container.onEnd(process.onExit().thenApply(p -> Optional.of(p.exitValue())), exitStatus);
    return container;
  }

  /** A container found again: its process still running ({@code handle}) or gone (empty). */
  static ProcessContainer recovered(Vertx vertx, Context context, String containerId,
      Optional<ProcessHandle> handle, ContainerCgroup cgroup, CgroupIsolator isolator, ProcessLauncher launcher,
      Path exitStatus) {
    ProcessContainer container = new ProcessContainer(vertx, containerId, handle, cgroup, isolator, launcher,
        context);
    CompletableFuture<Optional<Integer>> ended = handle
        .map(h -> h.onExit().<Optional<Integer>>thenApply(p -> Optional.empty()))
        .orElseGet(() -> CompletableFuture.completedFuture(Optional.empty()));
    container.onEnd(ended, exitStatus);
    return container;
  }

  private void onEnd(CompletableFuture<Optional<Integer>> exitValue, Path exitStatus) {
    exitValue.whenComplete((value, error) -> {
      if (!released) {
        ended(value, exitStatus);
      }
    });
  }

  private void ended(Optional<Integer> value, Path exitStatus) {
    context.<Termination>executeBlocking(() -> {
      Optional<Integer> exit = value != null && value.isPresent() ? value : readExitStatus(exitStatus);
      Optional<Limitation> limitation = Optional.empty();
      if (cgroup != null) {
        try {
          limitation = isolator.limitation(cgroup);
          isolator.destroy(cgroup);
        } catch (IOException | RuntimeException e) {
          LOG.warn("Could not read or remove the cgroup of container {}: {}", containerId, e.toString());
        }
      }
      return new Termination(exit, limitation);
    }, false).onComplete(done -> {
      cancelKillTimer();
      termination.complete(done.succeeded() ? done.result() : new Termination(Optional.empty(), Optional.empty()));
    });
  }

  private static Optional<Integer> readExitStatus(Path file) {
    try {
      return Optional.of(Integer.parseInt(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String containerId() {
    return containerId;
  }

  @Override
  public Future<Termination> termination() {
    return termination.future();
  }

  @Override
  public void release() {
    released = true;
    cancelKillTimer();
  }

  @Override
  public boolean isRunning() {
    return !termination.future().isComplete();
  }

  @Override
  public Optional<dev.vmesos.agent.cgroups.CgroupUsage> usage() {
    if (cgroup == null || !isRunning()) {
      return Optional.empty();
    }
    try {
      return isolator.usage(cgroup);
    } catch (IOException e) {
      LOG.debug("Cannot read the usage of container {}: {}", containerId, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public OptionalLong pid() {
    return handle.map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
  }

  @Override
  public void terminate(Duration grace) {
    if (handle.isEmpty() || !isRunning()) {
      return;
    }
    ProcessHandle process = handle.get();
    if (grace.isZero() || grace.isNegative()) {
      kill(process);
      return;
    }
    signal(process, false);
    cancelKillTimer();
    killTimerId = vertx.setTimer(grace.toMillis(), id -> {
      killTimerId = -1;
      if (isRunning()) {
        LOG.info("Container {} outlived its {} ms grace period: sending SIGKILL", containerId, grace.toMillis());
        kill(process);
      }
    });
  }

  private void kill(ProcessHandle process) {
    signal(process, true);
    if (cgroup != null) {
      // Processes that left the process tree are still in the cgroup.
      context.executeBlocking(() -> isolator.kill(cgroup), false).onFailure(e -> LOG.warn(
          "Could not kill the cgroup of container {}: {}", containerId, e.toString()));
    }
  }

  /**
   * Signals the command's process tree below the supervisor, which then records how the command
   * ended and exits with its status; the supervisor itself is signalled only when it has no
   * command left (so a SIGKILL always ends the container).
   */
  private void signal(ProcessHandle supervisor, boolean forcibly) {
    List<ProcessHandle> descendants = supervisor.descendants().toList();
    if (descendants.isEmpty()) {
      launcher.signal(supervisor, forcibly);
      return;
    }
    descendants.forEach(d -> launcher.signal(d, forcibly));
  }

  private void cancelKillTimer() {
    if (killTimerId >= 0) {
      vertx.cancelTimer(killTimerId);
      killTimerId = -1;
    }
  }
}
