package dev.vmesos.agent.task;

import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskStatus;

/** Where {@link CommandExecutor} reports task statuses. */
public interface StatusSink {

  /** A reliable update: queued on the task's stream and resent until acknowledged. */
  void update(FrameworkID frameworkId, TaskStatus status);

  /**
   * A best-effort update outside every stream, for a launch that never became a task of this
   * agent (a duplicate task id), so that the live task's stream is not closed by it.
   */
  void sendOnce(FrameworkID frameworkId, TaskStatus status);

  /** A shut-down framework has no task left here: its streams can go. */
  void frameworkRemoved(String frameworkId);

  /**
   * An executor ended (for a task group: its last task ended) with a wait status; the master turns
   * this into a FAILURE event for the framework.
   */
  default void executorExited(FrameworkID frameworkId, dev.vmesos.api.v1.Protos.ExecutorID executorId, int status) {
  }
}
