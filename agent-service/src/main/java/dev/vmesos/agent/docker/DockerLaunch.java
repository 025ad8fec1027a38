package dev.vmesos.agent.docker;

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
 * What the agent asks {@link DockerEngine#run} to start: a task's (or an executor's) container.
 *
 * @param containerId the agent's container id; the Docker container is named {@code mesos-<containerId>}
 * @param agentId     labels the container, so a restarted agent can list its containers
 * @param frameworkId labels the container
 * @param executorId  labels the container (a command task's executor id is its task id)
 * @param taskId      labels the container; empty for an executor's container
 * @param container   its {@code type} is DOCKER and its {@code docker} is set
 * @param command     the command to run, with Mesos semantics; empty to run the image's own
 *                    entrypoint and command
 * @param resources   cpus and mem become the container's limits
 * @param environment the variables the agent gives every task ({@code MESOS_*}); the command's own
 *                    variables win over them, and {@code MESOS_SANDBOX} is set to the mount point
 * @param sandbox     the host directory mounted at {@value ContainerSpec#SANDBOX_MOUNT}, which gets
 *                    the {@code stdout} and {@code stderr} files
 */
public record DockerLaunch(
    String containerId,
    String agentId,
    String frameworkId,
    String executorId,
    Optional<String> taskId,
    ContainerInfo container,
    Optional<CommandInfo> command,
    Resources resources,
    Map<String, String> environment,
    Path sandbox) {

  public DockerLaunch {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(resources, "resources");
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    Objects.requireNonNull(sandbox, "sandbox");
  }

  /** The Docker container's name, as Mesos's docker containerizer names it. */
  public String containerName() {
    return ContainerSpec.NAME_PREFIX + containerId;
  }
}
