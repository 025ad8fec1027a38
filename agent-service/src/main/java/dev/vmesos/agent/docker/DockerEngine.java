package dev.vmesos.agent.docker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs Mesos tasks and executors whose {@code ContainerInfo.type} is DOCKER, through the Docker
 * Engine API. Every method is asynchronous and may be called from an event loop; none blocks.
 * Results complete on the caller's context (on a new one when called from a thread without one).
 *
 * <p>Failures: a launch refused before reaching the engine (an unsupported option, a missing image)
 * or an unreachable engine fail with {@link DockerException}; an error answered by the engine fails
 * with {@link DockerEngineException}, carrying its HTTP status and message.
 *
 * <p>A {@code container} argument is a container's name ({@code mesos-<containerId>}) or engine id.
 */
public interface DockerEngine {

  /** An engine client over the Unix socket of {@code options}. */
  static DockerEngine create(Vertx vertx, DockerOptions options) {
    return new HttpDockerEngine(vertx, options);
  }

  /** The engine's version, e.g. {@code 20.10.24}: a check that it is reachable. */
  Future<String> ping();

  /** Whether the engine answers {@code GET /_ping} within {@code timeout}: its answer, or a failure. */
  Future<String> ping(java.time.Duration timeout);

  /**
   * Creates and starts the container of {@code launch} (see {@link ContainerSpec#of} for how Mesos's
   * fields map to Docker's), its output appended to the sandbox's {@code stdout} and {@code stderr}.
   * An image that is not on the agent is pulled first, and {@code force_pull_image} pulls it even
   * when it is (Mesos's rule), within {@link DockerOptions#pullTimeout()}. A container that was
   * created but could not be started is removed.
   */
  Future<StartedContainer> run(DockerLaunch launch);

  /**
   * Appends a running container's output from now on to the sandbox's files, as {@link #run} does:
   * for an agent that recovers a container after a restart. Completes when the container's output
   * ends.
   */
  Future<Void> followOutput(String container, Path sandbox);

  /** Completes when the container has exited (at once if it already has), with how it ended. */
  Future<ContainerExit> awaitExit(String container);

  /**
   * SIGTERM to the container's main process, then SIGKILL after {@code grace} (rounded up to whole
   * seconds, as the engine takes them). Succeeds too when the container was not running.
   */
  Future<Void> stop(String container, Duration grace);

  /** SIGKILL to the container's main process; fails with status 409 if it is not running. */
  Future<Void> kill(String container);

  /** Removes the container, killing it if it runs, with its anonymous volumes ({@code docker rm -fv}). */
  Future<Void> remove(String container);

  /** The containers, running or not, labelled with {@code agentId} ({@link ContainerLabels#AGENT_ID}). */
  Future<List<ContainerSummary>> list(String agentId);

  /** One container's state, running or not. */
  Future<ContainerState> inspect(String container);

  /** Closes the connections; output streams still open fail. */
  Future<Void> close();
}
