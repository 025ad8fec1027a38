package dev.vmesos.agent.api;

import dev.vmesos.agent.executor.ExecutorsReport.ExecutorSnapshot;
import dev.vmesos.agent.executor.ExecutorsReport.TaskSnapshot;
import dev.vmesos.agent.task.AgentTask;
import dev.vmesos.agent.task.TaskTable;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Task;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.agent.Protos.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The agent's operator view over its live parts: the command executor's task table and the custom
 * executors. Built fresh on every call, on the agent verticle's event loop.
 */
public final class LiveAgentView implements AgentView {

  private final Supplier<AgentInfo> agentInfo;
  private final Supplier<TaskTable> commandTasks;
  private final Supplier<List<ExecutorSnapshot>> customExecutors;
  private final Supplier<Map<String, Double>> metrics;
  private final Supplier<java.util.Optional<String>> healthProblem;

  public LiveAgentView(Supplier<AgentInfo> agentInfo, Supplier<TaskTable> commandTasks,
                       Supplier<List<ExecutorSnapshot>> customExecutors, Supplier<Map<String, Double>> metrics,
                       Supplier<java.util.Optional<String>> healthProblem) {
    this.healthProblem = healthProblem;
    this.agentInfo = agentInfo;
    this.commandTasks = commandTasks;
    this.customExecutors = customExecutors;
    this.metrics = metrics;
  }

  @Override
  public AgentInfo agentInfo() {
    return agentInfo.get();
  }

  @Override
  public List<FrameworkInfo> frameworks() {
    Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
    for (AgentTask task : commandTasks.get().all()) {
      frameworks.putIfAbsent(task.frameworkId().getValue(), task.framework());
    }
    for (ExecutorSnapshot executor : customExecutors.get()) {
      frameworks.putIfAbsent(executor.framework().getId().getValue(), executor.framework());
    }
    return List.copyOf(frameworks.values());
  }

  @Override
  public List<ExecutorInfo> executors() {
    Map<String, ExecutorInfo> executors = new LinkedHashMap<>();
    for (AgentTask task : commandTasks.get().all()) {
      if (!task.isTerminal()) {
        executors.putIfAbsent(task.frameworkId().getValue() + "/" + task.executorId().getValue(), commandExecutor(task));
      }
    }
    for (ExecutorSnapshot executor : customExecutors.get()) {
      ExecutorInfo info = executor.info().hasFrameworkId() ? executor.info()
          : executor.info().toBuilder().setFrameworkId(executor.framework().getId()).build();
      executors.putIfAbsent(executor.framework().getId().getValue() + "/" + info.getExecutorId().getValue(), info);
    }
    return List.copyOf(executors.values());
  }

  /**
   * The executor a command task runs under: the task group's DEFAULT executor, or the built-in command
   * executor, named as Mesos names it.
   */
  private static ExecutorInfo commandExecutor(AgentTask task) {
    if (task.info().hasExecutor()) {
      return task.info().getExecutor().toBuilder().setFrameworkId(task.frameworkId()).build();
    }
    String command = task.info().getCommand().getValue();
    return ExecutorInfo.newBuilder()
        .setExecutorId(task.executorId())
        .setFrameworkId(task.frameworkId())
        .setName("Command Executor (Task: " + task.taskId().getValue() + ") (Command: sh -c '" + command + "')")
        .setCommand(task.info().getCommand())
        .build();
  }

  @Override
  public Response.GetTasks tasks() {
    Response.GetTasks.Builder tasks = Response.GetTasks.newBuilder();
    TaskTable table = commandTasks.get();
    for (AgentTask task : table.all()) {
      Task proto = task(task.info(), task.frameworkId(), task.state(), null);
      if (task.isTerminal()) {
        tasks.addTerminatedTasks(proto);
      } else {
        tasks.addLaunchedTasks(proto);
      }
    }
    for (AgentTask task : table.completed()) {
      tasks.addCompletedTasks(task(task.info(), task.frameworkId(), task.state(), null));
    }
    for (ExecutorSnapshot executor : customExecutors.get()) {
      for (TaskSnapshot task : executor.tasks()) {
        Task proto = task(task.info(), executor.framework().getId(), task.state(), executor.info().getExecutorId());
        if (!task.launched()) {
          tasks.addQueuedTasks(proto);
        } else if (TaskStates.isTerminal(task.state())) {
          tasks.addTerminatedTasks(proto);
        } else {
          tasks.addLaunchedTasks(proto);
        }
      }
    }
    return tasks.build();
  }

  /** Mesos's {@code Task} for a task of this agent ({@code executor_id} only under a custom executor). */
  static Task task(TaskInfo info, FrameworkID frameworkId, TaskState state, ExecutorID executorId) {
    Task.Builder task = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(frameworkId)
        .setAgentId(info.getAgentId())
        .setState(state)
        .addAllResources(info.getResourcesList());
    if (executorId != null) {
      task.setExecutorId(executorId);
    }
    if (info.hasContainer()) {
      task.setContainer(info.getContainer());
    }
    if (info.hasLabels()) {
      task.setLabels(info.getLabels());
    }
    if (info.hasHealthCheck()) {
      task.setHealthCheck(info.getHealthCheck());
    }
    if (info.hasKillPolicy()) {
      task.setKillPolicy(info.getKillPolicy());
    }
    if (info.hasDiscovery()) {
      task.setDiscovery(info.getDiscovery());
    }
    return task.build();
  }

  @Override
  public List<ContainerView> containers() {
    List<ContainerView> containers = new ArrayList<>();
    for (AgentTask task : commandTasks.get().all()) {
      if (task.isTerminal() || task.container() == null) {
        continue;
      }
      Resources resources = Resources.of(task.info().getResourcesList());
      containers.add(new ContainerView(task.frameworkId(), task.executorId(), commandExecutor(task).getName(),
          task.containerId(), pid(task.container()), resources.scalar("cpus"), resources.scalar("mem"),
          task.container()));
    }
    for (ExecutorSnapshot executor : customExecutors.get()) {
      if (executor.container() == null || !executor.container().isRunning()) {
        continue;
      }
      List<Resource> all = new ArrayList<>(executor.info().getResourcesList());
      executor.tasks().stream().filter(t -> t.launched() && !TaskStates.isTerminal(t.state()))
          .forEach(t -> all.addAll(t.info().getResourcesList()));
      Resources resources = Resources.of(all);
      containers.add(new ContainerView(executor.framework().getId(), executor.info().getExecutorId(),
          executor.info().getName(), executor.containerId(), pid(executor.container()), resources.scalar("cpus"),
          resources.scalar("mem"), executor.container()));
    }
    return containers;
  }

  private static OptionalLong pid(dev.vmesos.agent.container.Container container) {
    return container.pid();
  }

  @Override
  public java.util.Optional<String> healthProblem() {
    return healthProblem.get();
  }

  @Override
  public Map<String, Double> metrics() {
    return metrics.get();
  }
}
