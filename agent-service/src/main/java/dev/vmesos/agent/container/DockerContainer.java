package dev.vmesos.agent.container;

import dev.vmesos.agent.cgroups.Limitation;
import dev.vmesos.agent.docker.DockerEngine;
import io.vertx.core.Future;
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
  private final Future<Termination> termination;
  private boolean stopping;

  DockerContainer(DockerEngine engine, String containerId, String name, Future<Void> output, double memMb) {
    this.engine = engine;
    this.containerId = containerId;
    this.name = name;
    this.termination = engine.awaitExit(name)
        .map(exit -> new Termination(Optional.of(exit.exitCode()), exit.oomKilled()
            ? Optional.of(Limitation.memory((long) (memMb * MB), (long) (memMb * MB)))
            : Optional.<Limitation>empty()))
        .otherwise(e -> {
          LOG.warn("Lost track of Docker container {}: {}", name, e.getMessage());
          return new Termination(Optional.empty(), Optional.empty());
        })
        .compose(ended -> output.timeout(OUTPUT_DRAIN_MS, TimeUnit.MILLISECONDS)
            .otherwiseEmpty()
            .compose(v -> engine.remove(name))
            .otherwise(e -> {
              LOG.warn("Could not remove Docker container {}: {}", name, e.getMessage());
              return null;
            })
            .map(ended));
  }

  @Override
  public String containerId() {
    return containerId;
  }

  @Override
  public Future<Termination> termination() {
    return termination;
  }

  @Override
  public boolean isRunning() {
    return !termination.isComplete();
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
