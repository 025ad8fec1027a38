package dev.vmesos.agent.executor;

import com.google.protobuf.ByteString;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import java.util.HashSet;
import java.util.Set;

/**
 * A task run by a custom executor, as the agent sees it: its last reported state, whether the
 * executor has been handed it, and the uuids of its updates the framework has yet to acknowledge.
 * Mutable; owned by the agent verticle's event loop through {@link CustomExecutors}.
 */
final class ExecutorTask {

  final FrameworkInfo framework;
  final TaskInfo info;
  final ExecutorID executorId;
  TaskState state = TaskState.TASK_STAGING;
  /** Sent to the executor in a LAUNCH event (or known to it from a re-subscription). */
  boolean launched;
  /** Uuids of this task's executor updates forwarded to the master and not acknowledged yet. */
  final Set<ByteString> pendingAcks = new HashSet<>();

  ExecutorTask(FrameworkInfo framework, TaskInfo info, ExecutorID executorId) {
    this.framework = framework;
    this.info = info;
    this.executorId = executorId;
  }

  String frameworkId() {
    return framework.getId().getValue();
  }

  String taskId() {
    return info.getTaskId().getValue();
  }

  boolean isTerminal() {
    return TaskStates.isTerminal(state);
  }
}
