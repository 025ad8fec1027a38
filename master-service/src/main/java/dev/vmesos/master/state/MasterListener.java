package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.allocator.Quota;
import java.util.Map;

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

  /** Its stream closed: it is removed after its failover timeout unless it re-subscribes. */
  default void frameworkDisconnected(Framework framework) {
  }

  default void agentAdded(Agent agent) {
  }

  default void agentRemoved(Agent agent) {
  }

  /**
   * The agent is unreachable since {@code unreachableTimeNanos} (nanoseconds since the epoch): it
   * missed its pings ({@link #agentRemoved} follows), or it did not re-register with a new leader
   * in time (it was never in {@link Master#agents()} then, and nothing follows).
   */
  default void agentUnreachable(Agent agent, long unreachableTimeNanos) {
  }

  default void taskAdded(Task task) {
  }

  default void taskUpdated(Task task, TaskStatus status) {
  }

  /** Role weights set at run time (only the roles changed). */
  default void weightsUpdated(Map<String, Double> weights) {
  }

  /** A role's quota set at run time; {@link Quota#NONE} when it was removed. */
  default void quotaUpdated(String role, Quota quota) {
  }
}
