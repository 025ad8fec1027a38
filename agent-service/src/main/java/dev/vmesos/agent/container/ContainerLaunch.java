package dev.vmesos.agent.container;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Containerizer} is asked to start: a task's command (the built-in command executor)
 * or a custom executor's.
 *
 * @param containerId the agent's container id, fresh for each run
 * @param agentId     the agent's id (labels Docker containers)
 * @param frameworkId whose container it is
 * @param executorId  the executor id (a command task's is its task id)
 * @param taskId      the task, for a command task; empty for an executor
 * @param container   the task's or executor's ContainerInfo, if it has one
 * @param command     what to run
 * @param resources   cpus and mem become the container's limits
 * @param environment the {@code MESOS_*} variables the agent gives it; the command's own win
 * @param sandbox     its sandbox directory on this host
 * @param user        the user a process container's command runs as ({@code --switch_user}); empty:
 *                    the agent's. A Docker container runs as its image's user whatever this is, as
 *                    under Mesos's docker containerizer.
 */
public record ContainerLaunch(
    String containerId,
    String agentId,
    String frameworkId,
    String executorId,
    Optional<String> taskId,
    Optional<ContainerInfo> container,
    CommandInfo command,
    Resources resources,
    Map<String, String> environment,
    Path sandbox,
    Optional<TaskUsers.Account> user) {

  public ContainerLaunch(String containerId, String agentId, String frameworkId, String executorId,
      Optional<String> taskId, Optional<ContainerInfo> container, CommandInfo command, Resources resources,
      Map<String, String> environment, Path sandbox) {
    this(containerId, agentId, frameworkId, executorId, taskId, container, command, resources, environment, sandbox,
        Optional.empty());
  }

  /** This launch, run as {@code account}. */
  public ContainerLaunch withUser(TaskUsers.Account account) {
    return new ContainerLaunch(containerId, agentId, frameworkId, executorId, taskId, container, command, resources,
        environment, sandbox, Optional.of(account));
  }

  public ContainerLaunch {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(command, "command");
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** Whether it asks for a Docker container. */
  public boolean isDocker() {
    return container.map(c -> c.getType() == ContainerInfo.Type.DOCKER).orElse(false);
  }

  /** {@code Task} or {@code Executor} and its id, for messages. */
  public String describe() {
    return taskId.map(id -> "task " + id).orElse("executor " + executorId) + " of framework " + frameworkId;
  }
}
