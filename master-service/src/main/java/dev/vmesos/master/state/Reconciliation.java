package dev.vmesos.master.state;

import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the master answers a framework about its tasks (explicit and implicit reconciliation, an
 * unknown task named by KILL): statuses to send, computed from the frameworks' tasks and the
 * agents' states; nothing changes here.
 */
final class Reconciliation {

  /** Logs as the master did before this class was split out of it. */
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);

  private final AgentBook agentBook;
  private final Clock clock;

  Reconciliation(AgentBook agentBook, Clock clock) {
    this.agentBook = agentBook;
    this.clock = clock;
  }

  /** RECONCILE: the statuses to send the framework, in order (none for a task that may yet be reported). */
  List<TaskStatus> answer(Framework framework, Call.Reconcile reconcile) {
    List<TaskStatus> statuses = new ArrayList<>();
    if (reconcile.getTasksCount() == 0) {
      for (Task task : framework.tasks().values()) {
        statuses.add(Events.reconciled(task, clock));
      }
      return statuses;
    }
    for (Call.Reconcile.Task requested : reconcile.getTasksList()) {
      Task task = framework.tasks().get(requested.getTaskId().getValue());
      String agentId = requested.hasAgentId() ? requested.getAgentId().getValue() : null;
      if (task != null) {
        statuses.add(Events.reconciled(task, clock));
      } else if (agentBook.mayRunOnRecoveringAgent(agentId)) {
        // As Mesos ("task is unknown, agent is recovered: no-op"): its agent will report it.
        LOG.debug("Framework {}: task {} is unknown but may run on an agent still re-registering",
            framework.id(), requested.getTaskId().getValue());
      } else {
        statuses.add(unknownTask(framework, requested.getTaskId(),
            requested.hasAgentId() ? requested.getAgentId().getValue() : null));
      }
    }
    return statuses;
  }

  /**
   * What explicit reconciliation answers for a task the master does not know, as Mesos's master:
   * on a registered agent it is gone, on an unreachable one unreachable (since when it became so),
   * elsewhere unknown; a framework that is not partition-aware gets TASK_LOST for all three.
   */
  TaskStatus unknownTask(Framework framework, TaskID taskId, String agentId) {
    boolean partitionAware = framework.isPartitionAware();
    if (agentId != null && agentBook.isRegistered(agentId)) {
      return Events.masterStatus(taskId, agentId, partitionAware ? TaskState.TASK_GONE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown to the agent", clock);
    }
    if (agentId != null && agentBook.isUnreachable(agentId)) {
      TaskStatus status = Events.masterStatus(taskId, agentId,
          partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unreachable", clock);
      Long since = agentBook.unreachableSince(agentId);
      return since == null ? status
          : status.toBuilder().setUnreachableTime(dev.vmesos.api.v1.Protos.TimeInfo.newBuilder().setNanoseconds(since)).build();
    }
    return Events.masterStatus(taskId, agentId, partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST,
        TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown", clock);
  }
}
