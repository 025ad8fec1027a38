package dev.vmesos.agent.container;

import java.nio.file.Path;

/**
 * Where the agent keeps what it knows of each container across restarts, outside the sandboxes
 * the frameworks can read: {@code <work_dir>/meta/containers/<container id>/}.
 */
public record ContainerPaths(Path workDir) {

  public Path root() {
    return workDir.resolve("meta").resolve("containers");
  }

  public Path directory(String containerId) {
    return root().resolve(containerId);
  }

  /** Written by the process supervisor when the command ends. */
  public Path exitStatus(String containerId) {
    return directory(containerId).resolve("exit_status");
  }

  /** {@code <pid> <start time in epoch ms>} of a process container's supervisor. */
  public Path pid(String containerId) {
    return directory(containerId).resolve("pid");
  }

  /** The agent's id, once registered: a restarted agent re-registers with it. */
  public Path agentId() {
    return workDir.resolve("meta").resolve("agent_id");
  }

  /** The agent's checkpoint of what runs in the container. */
  public Path checkpoint(String containerId) {
    return directory(containerId).resolve("container.pb");
  }
}
