package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;

/** A task as the master tracks it, from launch until its terminal update is acknowledged. */
public final class Task {

  private final String frameworkId;
  private final String agentId;
  private final String role;
  private final TaskInfo info;
  private final Resources resources;
  private TaskState state = TaskState.TASK_STAGING;
  private TaskStatus latestStatus;
  /**
   * The statuses it went through, as Mesos's master keeps them in {@code Task.statuses}: one per
   * state in a row (a repeated state replaces the previous one), without their {@code data}. The
   * master's placeholder STAGING status at launch is not one: no agent has reported on it yet.
   */
  private final java.util.List<TaskStatus> statuses = new java.util.ArrayList<>(2);
  private boolean resourcesRecovered;

  public Task(String frameworkId, String agentId, String role, TaskInfo info, Resources resources) {
    this.frameworkId = frameworkId;
    this.agentId = agentId;
    this.role = role;
    this.info = info;
    this.resources = resources;
  }

  public String id() {
    return info.getTaskId().getValue();
  }

  public String frameworkId() {
    return frameworkId;
  }

  public String agentId() {
    return agentId;
  }

  /** The role the task's resources are allocated to. */
  public String role() {
    return role;
  }

  public TaskInfo info() {
    return info;
  }

  /** Task and executor resources, canonical, allocated to {@link #role()}. */
  public Resources resources() {
    return resources;
  }

  public TaskState state() {
    return state;
  }

  public TaskStatus latestStatus() {
    return latestStatus;
  }

  public void update(TaskStatus status) {
    this.state = status.getState();
    this.latestStatus = status;
    if (status.getState() == TaskState.TASK_STAGING && status.getSource() == TaskStatus.Source.SOURCE_MASTER) {
      return;
    }
    if (!statuses.isEmpty() && statuses.get(statuses.size() - 1).getState() == status.getState()) {
      statuses.remove(statuses.size() - 1);
    }
    statuses.add(status.hasData() ? status.toBuilder().clearData().build() : status);
  }

  /** The statuses it went through, oldest first (read-only). */
  public java.util.List<TaskStatus> statuses() {
    return java.util.Collections.unmodifiableList(statuses);
  }

  /**
   * The task as its framework's history keeps it: the same ids, resources, state and statuses, but
   * without the opaque {@code data} of its TaskInfo and ExecutorInfo (which may be large), as Mesos's
   * history keeps a {@code Task}, which has no data.
   */
  Task completedCopy() {
    if (!info.hasData() && !(info.hasExecutor() && info.getExecutor().hasData())) {
      return this;
    }
    TaskInfo.Builder slim = info.toBuilder().clearData();
    if (slim.hasExecutor()) {
      slim.getExecutorBuilder().clearData();
    }
    Task copy = new Task(frameworkId, agentId, role, slim.build(), resources);
    copy.state = state;
    copy.latestStatus = latestStatus;
    copy.statuses.addAll(statuses);
    copy.resourcesRecovered = resourcesRecovered;
    return copy;
  }

  /** Whether the task still holds its resources (they have not gone back to the allocator). */
  public boolean holdsResources() {
    return !resourcesRecovered;
  }

  /** True once, the first time the task is seen terminal: its resources go back then. */
  public boolean markResourcesRecovered() {
    if (resourcesRecovered) {
      return false;
    }
    resourcesRecovered = true;
    return true;
  }
}
