package dev.vmesos.agent.container;

import dev.vmesos.agent.docker.ContainerSpec;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerLaunch;
import dev.vmesos.api.v1.Protos.CommandInfo;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos's {@code docker} containerizer: a launch whose ContainerInfo is DOCKER runs as a Docker
 * container named {@code mesos-<container id>} on the host network, with the sandbox mounted, its
 * output appended to the sandbox's files and its cpus and mem as limits ({@link ContainerSpec}).
 */
public final class DockerContainerizer implements Containerizer {

  private static final Logger LOG = LoggerFactory.getLogger(DockerContainerizer.class);

  private final DockerEngine engine;
  /** Why the engine is not to be used now (it stopped answering), or empty. */
  private final java.util.function.Supplier<Optional<String>> engineProblem;

  public DockerContainerizer(DockerEngine engine) {
    this(engine, Optional::empty);
  }

  /** Same, failing launches at once while {@code engineProblem} says the engine does not answer. */
  public DockerContainerizer(DockerEngine engine, java.util.function.Supplier<Optional<String>> engineProblem) {
    this.engine = engine;
    this.engineProblem = engineProblem;
  }

  @Override
  public String name() {
    return "docker";
  }

  public DockerEngine engine() {
    return engine;
  }

  @Override
  public Optional<String> validate(ContainerLaunch launch) {
    if (!launch.isDocker()) {
      return Optional.of("The docker containerizer runs only DOCKER containers");
    }
    return ContainerSpec.validate(dockerLaunch(launch));
  }

  @Override
  public Future<Container> launch(ContainerLaunch launch) {
    Optional<String> problem = engineProblem.get();
    if (problem.isPresent()) {
      LOG.warn("Not launching {}: {}", launch.describe(), problem.get());
      return Future.failedFuture(new IllegalStateException(problem.get()));
    }
    DockerLaunch docker = dockerLaunch(launch);
    LOG.info("Launching {} as Docker container {} (image {})", launch.describe(), docker.containerName(),
        launch.container().orElseThrow().getDocker().getImage());
    return engine.run(docker).map(started -> {
      LOG.info("Docker container {} of {} started ({})", started.name(), launch.describe(),
          started.id().substring(0, Math.min(12, started.id().length())));
      return (Container) new DockerContainer(engine, launch.containerId(), started.name(), started.output(),
          launch.resources().scalar("mem"));
    });
  }

  /**
   * Finds the container of {@code containerId} again after an agent restart: a running one is
   * followed (its output appended to {@code sandbox} from now on), an exited one reports how it
   * ended, and a missing one ends with no exit value.
   */
  public Future<Container> recover(String containerId, Path sandbox, double memMb) {
    String name = ContainerSpec.NAME_PREFIX + containerId;
    return engine.inspect(name).<Container>map(state -> {
      Future<Void> output = state.running() ? engine.followOutput(name, sandbox) : Future.succeededFuture();
      LOG.info("Recovered Docker container {} ({})", name, state.status());
      return new DockerContainer(engine, containerId, name, output, memMb);
    }).recover(e -> {
      LOG.warn("Docker container {} is gone: {}", name, e.getMessage());
      return Future.succeededFuture(new EndedContainer(containerId));
    });
  }

  private static DockerLaunch dockerLaunch(ContainerLaunch launch) {
    CommandInfo command = launch.command();
    boolean hasCommand = (command.hasValue() && !command.getValue().isEmpty()) || command.getArgumentsCount() > 0;
    return new DockerLaunch(launch.containerId(), launch.agentId(), launch.frameworkId(), launch.executorId(),
        launch.taskId(), launch.container().orElseThrow(), hasCommand ? Optional.of(command) : Optional.empty(),
        launch.resources(), launch.environment(), launch.sandbox());
  }

}
