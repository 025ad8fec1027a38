package dev.vmesos.agent.executor;

import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import java.util.Optional;

/**
 * The checks the Mesos agent runs on an executor call before looking at its own state (after
 * {@code src/slave/validation.cpp}): ids present, the call's body present for its type, and for
 * UPDATE a status the agent may forward. Pure; returns why a call is invalid, or empty.
 */
final class ExecutorCallValidation {

  private ExecutorCallValidation() {
  }

  static Optional<String> validate(Call call) {
    if (!call.hasType()) {
      return Optional.of("Expecting 'type' to be present");
    }
    if (call.getExecutorId().getValue().isEmpty()) {
      return Optional.of("Expecting 'executor_id' to be present");
    }
    if (call.getFrameworkId().getValue().isEmpty()) {
      return Optional.of("Expecting 'framework_id' to be present");
    }
    return switch (call.getType()) {
      case SUBSCRIBE -> call.hasSubscribe() ? Optional.empty() : Optional.of("Expecting 'subscribe' to be present");
      case UPDATE -> call.hasUpdate() ? validateUpdate(call) : Optional.of("Expecting 'update' to be present");
      case MESSAGE -> call.hasMessage() ? Optional.empty() : Optional.of("Expecting 'message' to be present");
      case HEARTBEAT -> Optional.empty();
      case UNKNOWN -> Optional.of("Unknown call type UNKNOWN");
    };
  }

  private static Optional<String> validateUpdate(Call call) {
    TaskStatus status = call.getUpdate().getStatus();
    if (status.hasUuid() && status.getUuid().size() != 16) {
      return Optional.of("Expecting 'uuid' to be a 16-byte UUID, got " + status.getUuid().size() + " byte(s)");
    }
    if (status.hasExecutorId() && !status.getExecutorId().equals(call.getExecutorId())) {
      return Optional.of("ExecutorID in Call: " + call.getExecutorId().getValue()
          + " does not match ExecutorID in TaskStatus: " + status.getExecutorId().getValue());
    }
    if (status.hasSource() && status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
      return Optional.of("Received Call from executor " + call.getExecutorId().getValue() + " of framework "
          + call.getFrameworkId().getValue() + " with invalid source, expecting 'SOURCE_EXECUTOR'");
    }
    if (status.getState() == TaskState.TASK_STAGING) {
      return Optional.of("Received TASK_STAGING from executor " + call.getExecutorId().getValue()
          + " of framework " + call.getFrameworkId().getValue() + " which is not allowed");
    }
    return Optional.empty();
  }
}
