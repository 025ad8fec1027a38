package dev.vmesos.master.state;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.allocator.Allocation;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of a re-registering agent, for the {@link Master}: the ones it knew there are forgotten,
 * the ones the agent reports are tracked again (or killed, if reported lost while it was
 * unreachable), and the ones the agent no longer has are reported to their frameworks.
 */
final class AgentReregistration {

  /** Logs as the master did before this class was split out of it. */
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);

  private final Clock clock;
  private final MasterEffects effects;
  private final HierarchicalAllocator allocator;
  private final Frameworks frameworks;
  private final List<MasterListener> listeners;

  AgentReregistration(Clock clock, MasterEffects effects, HierarchicalAllocator allocator, Frameworks frameworks,
                      List<MasterListener> listeners) {
    this.clock = clock;
    this.effects = effects;
    this.allocator = allocator;
    this.frameworks = frameworks;
    this.listeners = listeners;
  }

  /**
   * As Mesos's reconciliation of a re-registering agent: a task the master knew there that the agent
   * no longer reports (an agent restart killed it) ends TASK_LOST, or TASK_GONE for a partition-aware
   * framework, with REASON_AGENT_REREGISTERED.
   */
  void reportTasksTheAgentLost(String agentId, List<Task> known, List<RunningTask> reported) {
    Set<String> reportedKeys = new HashSet<>();
    for (RunningTask running : reported) {
      reportedKeys.add(running.getFrameworkId().getValue() + "/" + running.getTask().getTaskId().getValue());
    }
    for (Task task : known) {
      Framework framework = frameworks.get(task.frameworkId());
      if (framework == null || reportedKeys.contains(task.frameworkId() + "/" + task.id())) {
        continue;
      }
      TaskState state = framework.isPartitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST;
      LOG.warn("Task {} of framework {} is unknown to re-registered agent {}: {}", task.id(), task.frameworkId(),
          agentId, state);
      TaskStatus status = Events.masterStatus(task.info().getTaskId(), agentId, state,
          TaskStatus.Reason.REASON_AGENT_REREGISTERED, "Task is unknown to agent " + agentId
              + " after it re-registered", clock);
      task.update(status);
      for (MasterListener listener : listeners) {
        listener.taskUpdated(task, status);
      }
      framework.send(Events.update(status));
    }
  }

  /**
   * Before an agent is re-added (its offers rescinded): the allocator and the frameworks forget its
   * tasks, which come back with the agent's report.
   */
  void forgetTasksOn(String agentId) {
    for (Framework framework : frameworks.values()) {
      for (Task task : framework.tasksOn(agentId)) {
        if (task.markResourcesRecovered()) {
          allocator.recover(framework.id(), agentId, task.role(), task.resources(), Duration.ZERO);
        }
        framework.removeTask(task.id());
      }
    }
  }

  /**
   * The tasks a re-registering agent reports are tracked again, but those of a returning agent that
   * were reported lost meanwhile; returns what the live ones use, for the allocator.
   */
  List<Allocation> takeBackTasks(String agentId, List<RunningTask> reported, boolean returning) {
    List<Allocation> used = new ArrayList<>();
    for (RunningTask running : reported) {
      if (returning && lostWhileUnreachable(running)) {
        continue;
      }
      Task task = recoverTask(agentId, running);
      if (task != null) {
        used.add(new Allocation(task.frameworkId(), agentId, task.role(), task.resources()));
      }
    }
    return used;
  }

  /** A task reported by a re-registering agent: tracked again; returned when it still holds resources. */
  private Task recoverTask(String agentId, RunningTask running) {
    String frameworkId = running.getFrameworkId().getValue();
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      FrameworkInfo info = running.hasFrameworkInfo() ? running.getFrameworkInfo()
          : FrameworkInfo.newBuilder().setUser("").setName("").setId(running.getFrameworkId()).build();
      framework = frameworks.add(frameworkId, info);
      allocator.addFramework(frameworkId, Frameworks.profile(info, List.of()));
      allocator.deactivateFramework(frameworkId);
    }
    if (TaskStates.isTerminal(running.getState())) {
      return null;
    }
    TaskInfo info = running.getTask();
    Resources resources = OfferResources.fromFramework(info.getResourcesList(), framework.role())
        .plus(newExecutorResources(framework, agentId, info, framework.role()));
    Task task = new Task(frameworkId, agentId, OfferResources.roleOf(resources, framework.role()), info, resources);
    framework.addTask(task);
    task.update(Events.masterStatus(info.getTaskId(), agentId, running.getState(), null, null, clock));
    return task;
  }

  /**
   * A task of a returning agent that the master reported TASK_LOST while the agent was unreachable
   * (its framework is not partition-aware): it is killed, as Mesos does, not taken back.
   */
  private boolean lostWhileUnreachable(RunningTask running) {
    Framework framework = frameworks.get(running.getFrameworkId().getValue());
    if (framework != null && framework.isPartitionAware()) {
      return false;
    }
    if (TaskStates.isTerminal(running.getState())) {
      return false;
    }
    LOG.info("Killing task {} of framework {}: it was reported lost while its agent was unreachable",
        running.getTask().getTaskId().getValue(), running.getFrameworkId().getValue());
    effects.sendToAgent(running.getTask().getAgentId().getValue(), KillTask.newBuilder()
        .setFrameworkId(running.getFrameworkId()).setTaskId(running.getTask().getTaskId()).build());
    return true;
  }

  /**
   * A task's ExecutorInfo resources when its executor does not run on the agent yet, else nothing:
   * as Mesos, an executor's resources are charged once, with the first task that starts it (and
   * counted with that task until it ends, as for task groups).
   */
  private static Resources newExecutorResources(Framework framework, String agentId, TaskInfo task, String role) {
    if (!task.hasExecutor()
        || framework.executorsOn(agentId).containsKey(task.getExecutor().getExecutorId().getValue())) {
      return Resources.empty();
    }
    return OfferResources.fromFramework(task.getExecutor().getResourcesList(), role);
  }
}
