package dev.vmesos.agent.http;

import dev.vmesos.agent.task.AgentTask;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.TaskState;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's {@code /metrics/snapshot}: one flat map under Mesos's {@code slave/...} key names,
 * every value a double. Live task states, executors and used resources are gauges computed from
 * the tasks the agent holds; terminal task states and status updates are counters since start-up,
 * as in Mesos. Resources used are those of tasks not yet terminal. {@code slave/ports_total} and
 * {@code slave/ports_used} (numbers of ports) and {@code agent/stale_leader_messages} are additions of
 * vmesos; Mesos has no such keys.
 */
public final class AgentMetrics {

  /** Task states reported as gauges: how many tasks are in that state now. */
  private static final List<TaskState> GAUGE_STATES = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
      TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
  /** Task states reported as counters: how many tasks reached that state since start-up. */
  private static final List<TaskState> COUNTER_STATES = List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED,
      TaskState.TASK_GONE);
  private static final List<String> SCALARS = List.of("cpus", "gpus", "mem", "disk");

  private AgentMetrics() {
  }

  /**
   * Counts status updates as the agent produces them. Owned by the agent verticle's event loop.
   * A task reaches a terminal state once (its stream refuses anything after), so counting terminal
   * updates counts terminal transitions.
   */
  public static final class Counters {

    private final Map<TaskState, Long> terminal = new EnumMap<>(TaskState.class);
    private long validStatusUpdates;

    /** One status update the agent generated for a task (reliable or sent once). */
    public void statusUpdate(TaskState state) {
      validStatusUpdates++;
      if (TaskStates.isTerminal(state)) {
        terminal.merge(state, 1L, Long::sum);
      }
    }

    public long terminal(TaskState state) {
      return terminal.getOrDefault(state, 0L);
    }

    public long validStatusUpdates() {
      return validStatusUpdates;
    }
  }

  /** Everything the snapshot is computed from. */
  public record Inputs(boolean registered, double uptimeSeconds, Resources total, List<AgentTask> tasks,
      Counters counters, int statusUpdatesPending, long staleLeaderMessages) {
  }

  public static Map<String, Double> of(Inputs in) {
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("slave/registered", in.registered() ? 1.0 : 0.0);
    metrics.put("slave/uptime_secs", in.uptimeSeconds());

    Map<TaskState, Integer> live = new EnumMap<>(TaskState.class);
    Set<String> executors = new HashSet<>();
    Resources used = Resources.empty();
    for (AgentTask task : in.tasks()) {
      live.merge(task.state(), 1, Integer::sum);
      if (!task.isTerminal()) {
        executors.add(task.frameworkId().getValue() + "/" + task.executorId().getValue());
        used = used.plus(Resources.of(task.info().getResourcesList()));
      }
    }
    for (TaskState state : GAUGE_STATES) {
      metrics.put(taskKey(state), (double) live.getOrDefault(state, 0));
    }
    for (TaskState state : COUNTER_STATES) {
      metrics.put(taskKey(state), (double) in.counters().terminal(state));
    }
    metrics.put("slave/executors_running", (double) executors.size());
    metrics.put("slave/valid_status_updates", (double) in.counters().validStatusUpdates());
    metrics.put("slave/status_updates_pending", (double) in.statusUpdatesPending());
    // vmesos's own: messages of a deposed leader (a stale leader epoch) the agent refused.
    metrics.put("agent/stale_leader_messages", (double) in.staleLeaderMessages());

    for (String name : SCALARS) {
      double total = in.total().scalar(name);
      double usedAmount = used.scalar(name);
      metrics.put("slave/" + name + "_total", total);
      metrics.put("slave/" + name + "_used", usedAmount);
      metrics.put("slave/" + name + "_percent", total == 0 ? 0.0 : usedAmount / total);
    }
    metrics.put("slave/ports_total", (double) ports(in.total()));
    metrics.put("slave/ports_used", (double) ports(used));
    metrics.put("system/cpus_total", (double) Runtime.getRuntime().availableProcessors());
    return metrics;
  }

  private static long ports(Resources resources) {
    return resources.ranges("ports").stream().mapToLong(r -> r.end() - r.begin() + 1).sum();
  }

  /** {@code slave/tasks_staging} for TASK_STAGING. */
  private static String taskKey(TaskState state) {
    return "slave/tasks_" + state.name().substring("TASK_".length()).toLowerCase(Locale.ROOT);
  }
}
