package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.TaskStatus;

/**
 * Told about every change of the master's state, on the master's event loop, after the change:
 * what the operator API's event stream and metrics are built from. Implementations must not block
 * and must not call back into the master.
 */
public interface MasterListener {

  default void frameworkAdded(Framework framework) {
  }

  default void frameworkUpdated(Framework framework) {
  }

  default void frameworkRemoved(Framework framework) {
  }

  default void agentAdded(Agent agent) {
  }

  default void agentRemoved(Agent agent) {
  }

  default void taskAdded(Task task) {
  }

  default void taskUpdated(Task task, TaskStatus status) {
  }
}
