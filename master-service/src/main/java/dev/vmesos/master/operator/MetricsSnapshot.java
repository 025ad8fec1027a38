package dev.vmesos.master.operator;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /metrics/snapshot} and {@code GET_METRICS}: a flat map under Mesos's key names. Gauges
 * (agents, frameworks, live task states, resources) are computed from the master's state; terminal
 * task states and status updates are counters since start-up, as in Mesos. The allocator's own
 * metrics ({@code allocator/mesos/...}) are included as it reports them. Every value is a double.
 *
 * <p>{@code master/event_stream_drops} is vmesos's own (Mesos has no bound on an event stream's
 * queue, so no such counter): scheduler and operator event streams dropped since this master began
 * leading because their subscriber let more than {@code --max_event_stream_queue} bytes pile up.
 */
final class MetricsSnapshot {

  /** Task states Mesos reports as gauges: how many tasks are in that state now. */
  private static final List<TaskState> GAUGE_STATES = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
      TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_UNREACHABLE);
  /** Task states Mesos reports as counters: how many tasks reached that state since start-up. */
  private static final List<TaskState> COUNTER_STATES = List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED,
      TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);
  private static final List<String> RESOURCES = List.of("cpus", "gpus", "mem", "disk");

  private MetricsSnapshot() {
  }

  static Map<String, Double> of(Master master, TaskCounters counters, long eventStreamDrops, double uptimeSeconds) {
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("master/uptime_secs", uptimeSeconds);
    metrics.put("master/elected", 1.0);

    int agents = master.agents().size();
    metrics.put("master/slaves_active", (double) agents);
    metrics.put("master/slaves_connected", (double) agents);
    metrics.put("master/slaves_disconnected", 0.0);
    metrics.put("master/slaves_inactive", 0.0);
    metrics.put("master/slaves_unreachable", (double) master.unreachableAgents().size());

    int connected = 0;
    Map<TaskState, Integer> live = new EnumMap<>(TaskState.class);
    for (Framework framework : master.frameworks().values()) {
      if (framework.connected()) {
        connected++;
      }
      for (Task task : framework.tasks().values()) {
        live.merge(task.state(), 1, Integer::sum);
      }
    }
    int frameworks = master.frameworks().size();
    metrics.put("master/frameworks_active", (double) connected);
    metrics.put("master/frameworks_inactive", (double) (frameworks - connected));
    metrics.put("master/frameworks_connected", (double) connected);
    metrics.put("master/frameworks_disconnected", (double) (frameworks - connected));

    for (TaskState state : GAUGE_STATES) {
      metrics.put(taskKey(state), (double) live.getOrDefault(state, 0));
    }
    for (TaskState state : COUNTER_STATES) {
      metrics.put(taskKey(state), (double) counters.terminal(state));
    }
    metrics.put("master/messages_status_update", (double) counters.statusUpdates());
    metrics.put("master/valid_status_updates", (double) counters.statusUpdates());
    metrics.put("master/outstanding_offers", (double) master.outstandingOffers());
    metrics.put("master/event_stream_drops", (double) eventStreamDrops);

    Resources total = Resources.empty();
    for (Agent agent : master.agents().values()) {
      total = total.plus(agent.total());
    }
    Resources used = new Usage(master).totalUsed();
    for (String name : RESOURCES) {
      double totalAmount = total.scalar(name);
      double usedAmount = used.scalar(name);
      metrics.put("master/" + name + "_total", totalAmount);
      metrics.put("master/" + name + "_used", usedAmount);
      metrics.put("master/" + name + "_percent", totalAmount == 0 ? 0.0 : usedAmount / totalAmount);
    }

    metrics.put("system/cpus_total", (double) Runtime.getRuntime().availableProcessors());
    metrics.putAll(master.allocator().metrics());
    return metrics;
  }

  /** {@code master/tasks_staging} for TASK_STAGING. */
  private static String taskKey(TaskState state) {
    return "master/tasks_" + state.name().substring("TASK_".length()).toLowerCase(java.util.Locale.ROOT);
  }
}
