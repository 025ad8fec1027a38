package dev.vmesos.agent.task;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One task this agent runs or ran, with its process. Mutable, and owned by the agent verticle's
 * event loop: only {@link CommandExecutor} changes it.
 */
public final class AgentTask {

  private final AgentID agentId;
  private final FrameworkInfo framework;
  private final TaskInfo info;
  private final ExecutorID executorId;
  private final String containerId;
  private final Path sandbox;
  private TaskState state = TaskState.TASK_STAGING;
  private Process process;
  private boolean killRequested;
  private long killTimerId = -1;
  private dev.vmesos.agent.cgroups.ContainerCgroup cgroup;

  AgentTask(AgentID agentId, FrameworkInfo framework, TaskInfo info, ExecutorID executorId, String containerId,
      Path sandbox) {
    this.agentId = agentId;
    this.framework = framework;
    this.info = info;
    this.executorId = executorId;
    this.containerId = containerId;
    this.sandbox = sandbox;
  }

  public AgentID agentId() {
    return agentId;
  }

  public FrameworkInfo framework() {
    return framework;
  }

  public FrameworkID frameworkId() {
    return framework.getId();
  }

  public TaskInfo info() {
    return info;
  }

  public TaskID taskId() {
    return info.getTaskId();
  }

  public ExecutorID executorId() {
    return executorId;
  }

  public String containerId() {
    return containerId;
  }

  public Path sandbox() {
    return sandbox;
  }

  public TaskState state() {
    return state;
  }

  public boolean isTerminal() {
    return TaskStates.isTerminal(state);
  }

  /** The process's id while it runs or after it ran; empty before it started. */
  public Optional<Long> pid() {
    return Optional.ofNullable(process).map(Process::pid);
  }

  void state(TaskState state) {
    this.state = state;
  }

  Process process() {
    return process;
  }

  void process(Process process) {
    this.process = process;
  }

  boolean killRequested() {
    return killRequested;
  }

  void killRequested(boolean killRequested) {
    this.killRequested = killRequested;
  }

  long killTimerId() {
    return killTimerId;
  }

  void killTimerId(long killTimerId) {
    this.killTimerId = killTimerId;
  }

  @Override
  public String toString() {
    return "task " + info.getTaskId().getValue() + " of framework " + framework.getId().getValue();
  }

  /** The task's cgroup when it runs isolated, else null. */
  public dev.vmesos.agent.cgroups.ContainerCgroup cgroup() {
    return cgroup;
  }

  void cgroup(dev.vmesos.agent.cgroups.ContainerCgroup cgroup) {
    this.cgroup = cgroup;
  }
}
