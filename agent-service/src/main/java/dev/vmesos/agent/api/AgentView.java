package dev.vmesos.agent.api;

import dev.vmesos.agent.container.Container;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.agent.Protos.Response;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the agent's operator API reads of the agent. Every method is called on the agent verticle's
 * event loop, which owns the task table and the executors, and answers a copy.
 */
public interface AgentView {

  /** The agent's info, with its id once registered. */
  AgentInfo agentInfo();

  /** The frameworks with a task or an executor here. */
  List<FrameworkInfo> frameworks();

  /** The executors that run here: custom ones, and the command executor of each command task. */
  List<ExecutorInfo> executors();

  /** The tasks here, by stage (queued for an executor, launched, terminated, completed). */
  Response.GetTasks tasks();

  /** The containers that run here, for {@code /containers}, {@code /monitor/statistics}, {@code GET_CONTAINERS}. */
  List<ContainerView> containers();

  /** Why the agent is unhealthy (its Docker engine does not answer), or empty. */
  default java.util.Optional<String> healthProblem() {
    return java.util.Optional.empty();
  }

  /** {@code /metrics/snapshot}'s figures. */
  Map<String, Double> metrics();

  /**
   * One running container: whose it is, the resources it was given (its limits) and the container
   * itself, whose cgroups are read for usage (off the event loop).
   */
  record ContainerView(FrameworkID frameworkId, ExecutorID executorId, String executorName, String containerId,
                       OptionalLong pid, double cpus, double memMb, Container container) {
  }
}
