package dev.vmesos.agent.container;

import dev.vmesos.agent.cgroups.Limitation;
import dev.vmesos.agent.docker.DockerEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker container the agent started or recovered. Its end is the engine's exit wait; once its
 * output is in the sandbox (or after a few seconds) the container is removed, as Mesos does with
 * {@code --docker_remove_delay=0}: the sandbox keeps its logs.
 */
final class DockerContainer implements Container {

  private static final Logger LOG = LoggerFactory.getLogger(DockerContainer.class);
  private static final long OUTPUT_DRAIN_MS = 5_000;
  private static final long MB = 1024L * 1024L;

  private final DockerEngine engine;
  private final String containerId;
  private final String name;
  private final Promise<Termination> termination = Promise.promise();
  private boolean stopping;
  private boolean released;

  DockerContainer(DockerEngine engine, String containerId, String name, Future<Void> output, double memMb) {
    this.engine = engine;
    this.containerId = containerId;
    this.name = name;
    engine.awaitExit(name).onComplete(exit -> {
      if (released) {
        return;
      }
      Termination ended = exit.succeeded()
          ? new Termination(Optional.of(exit.result().exitCode()), exit.result().oomKilled()
              ? Optional.of(Limitation.memory((long) (memMb * MB), (long) (memMb * MB)))
              : Optional.empty())
          : lost(exit.cause());
      // The sandbox gets all of the output before the container goes.
      output.timeout(OUTPUT_DRAIN_MS, TimeUnit.MILLISECONDS)
          .otherwiseEmpty()
          .compose(v -> engine.remove(name))
          .onFailure(e -> LOG.warn("Could not remove Docker container {}: {}", name, e.getMessage()))
          .onComplete(v -> termination.complete(ended));
    });
  }

  private Termination lost(Throwable cause) {
    LOG.warn("Lost track of Docker container {}: {}", name, cause.getMessage());
    return new Termination(Optional.empty(), Optional.empty());
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
  }

  @Override
  public boolean isRunning() {
    return !termination.future().isComplete();
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public void terminate(Duration grace) {
    if (!isRunning() || stopping) {
      return;
    }
    stopping = true;
    Future<Void> stopped = grace.isZero() || grace.isNegative() ? engine.kill(name) : engine.stop(name, grace);
    stopped.onFailure(e -> {
      stopping = false;
      LOG.warn("Could not stop Docker container {}: {}", name, e.getMessage());
    });
  }
}
