package dev.vmesos.api;

import dev.vmesos.api.v1.Protos.TaskState;

/** Task state predicates shared by masters, agents and frameworks. */
public final class TaskStates {

  private TaskStates() {
  }

  /**
   * Terminal as Mesos's {@code protobuf::isTerminalState} counts it: after one of these no further
   * update is sent for the task, and acknowledging it closes the task's status-update stream.
   */
  public static boolean isTerminal(TaskState state) {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_DROPPED, TASK_GONE,
          TASK_GONE_BY_OPERATOR -> true;
      default -> false;
    };
  }
}
