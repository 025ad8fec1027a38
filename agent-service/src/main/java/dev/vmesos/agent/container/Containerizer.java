package dev.vmesos.agent.container;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Starts containers of one kind, with Mesos's names: {@code mesos} (local processes, cgroup
 * limits) or {@code docker}. Called on the agent verticle's context.
 */
public interface Containerizer {

  /** {@code mesos} or {@code docker}, as in {@code --containerizers}. */
  String name();

  /** Why this containerizer cannot run {@code launch} (checked before anything starts), or empty. */
  Optional<String> validate(ContainerLaunch launch);

  /**
   * Starts {@code launch}. Fails with a message for the framework when it cannot be started (a
   * missing program or image, an engine error); nothing is left running then.
   */
  Future<Container> launch(ContainerLaunch launch);
}
