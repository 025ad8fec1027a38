package dev.vmesos.master.operator;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import dev.vmesos.master.state.Task;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The master's cumulative task counters: Mesos's {@code master/tasks_finished} and the other
 * terminal-state metrics count transitions since start-up (they are counters, not gauges), and
 * {@code master/messages_status_update} counts the status updates received for known tasks.
 */
final class TaskCounters implements MasterListener {

  /** Tasks seen and not yet terminal, as "frameworkId/taskId"; a task is counted terminal once. */
  private final Set<String> live = new HashSet<>();
  private final Map<TaskState, Long> terminal = new EnumMap<>(TaskState.class);
  private long statusUpdates;

  @Override
  public void taskAdded(Task task) {
    live.add(key(task));
  }

  @Override
  public void taskUpdated(Task task, TaskStatus status) {
    statusUpdates++;
    if (TaskStates.isTerminal(status.getState()) && live.remove(key(task))) {
      terminal.merge(status.getState(), 1L, Long::sum);
    }
  }

  @Override
  public void frameworkRemoved(Framework framework) {
    for (Task task : framework.tasks().values()) {
      live.remove(key(task));
    }
  }

  long terminal(TaskState state) {
    return terminal.getOrDefault(state, 0L);
  }

  long statusUpdates() {
    return statusUpdates;
  }

  private static String key(Task task) {
    return task.frameworkId() + "/" + task.id();
  }
}
