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
import dev.vmesos.agent.container.Container;
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
  private Container container;
  private boolean killRequested;
  /** The last health its checks reported; null before the first report (or without checks). */
  private Boolean healthy;
  /** The latest result of its {@code TaskInfo.check}; null without one. */
  private dev.vmesos.api.v1.Protos.CheckStatusInfo checkStatus;
  /** Killed because its health checks failed too often. */
  private String killedByHealthCheck;

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

  /** The main process's id while it runs or after it ran; empty before it started, or when unknown. */
  public Optional<Long> pid() {
    if (container == null || container.pid().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(container.pid().getAsLong());
  }

  void state(TaskState state) {
    this.state = state;
  }

  /** Its container once started; null before. */
  public Container container() {
    return container;
  }

  void container(Container container) {
    this.container = container;
  }

  dev.vmesos.api.v1.Protos.CheckStatusInfo checkStatus() {
    return checkStatus;
  }

  void checkStatus(dev.vmesos.api.v1.Protos.CheckStatusInfo status) {
    this.checkStatus = status;
  }

  Boolean healthy() {
    return healthy;
  }

  void healthy(boolean healthy) {
    this.healthy = healthy;
  }

  /** Why its health checks killed it, or null. */
  String killedByHealthCheck() {
    return killedByHealthCheck;
  }

  void killedByHealthCheck(String why) {
    this.killedByHealthCheck = why;
  }

  boolean killRequested() {
    return killRequested;
  }

  void killRequested(boolean killRequested) {
    this.killRequested = killRequested;
  }

  @Override
  public String toString() {
    return "task " + info.getTaskId().getValue() + " of framework " + framework.getId().getValue();
  }
}
