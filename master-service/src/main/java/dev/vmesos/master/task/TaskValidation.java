package dev.vmesos.master.task;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a task of a LAUNCH against what the master knows, as Mesos's validation does; answers the
 * reason it is invalid (a TASK_ERROR with {@link TaskStatus.Reason#REASON_TASK_INVALID}) or empty.
 */
public final class TaskValidation {

  /**
   * What a task is checked against.
   *
   * @param agentId         the agent of the offers
   * @param knownTaskIds    ids of the framework's tasks the master tracks
   * @param launchedTaskIds ids launched earlier in the same ACCEPT
   * @param executors       executors the framework has on this agent, by id
   * @param available       what is left of the offers
   * @param needed          the task's (and its executor's) resources, canonical
   * @param roles           how many allocation roles {@code needed} spans
   */
  public record Context(String agentId, Set<String> knownTaskIds, Set<String> launchedTaskIds,
                        Map<String, ExecutorInfo> executors, Resources available, Resources needed, int roles) {
  }

  /** Mesos's limit, the longest file name (ids name sandbox directories). */
  static final int MAX_ID_LENGTH = 255;

  private TaskValidation() {
  }

  public static Optional<String> validate(TaskInfo task, Context context) {
    String taskId = task.getTaskId().getValue();
    Optional<String> invalidId = validateId("Task", taskId);
    if (invalidId.isPresent()) {
      return invalidId;
    }
    if (context.launchedTaskIds().contains(taskId) || context.knownTaskIds().contains(taskId)) {
      return Optional.of("Task has duplicate ID: " + taskId);
    }
    if (!task.getAgentId().getValue().equals(context.agentId())) {
      return Optional.of("Task uses invalid agent: " + task.getAgentId().getValue());
    }
    if (task.hasCommand() == task.hasExecutor()) {
      return Optional.of("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present");
    }
    Optional<String> container = validateContainer(task.hasContainer() ? task.getContainer() : null, "Task");
    if (container.isPresent()) {
      return container;
    }
    if (task.hasExecutor()) {
      Optional<String> executor = validateExecutor(task.getExecutor(), context.executors());
      if (executor.isPresent()) {
        return executor;
      }
    }
    if (context.roles() > 1) {
      return Optional.of("Task uses resources allocated to more than one role");
    }
    if (!context.available().contains(context.needed())) {
      return Optional.of("Task uses more resources " + context.needed() + " than available " + context.available());
    }
    return Optional.empty();
  }

  /**
   * Checks a LAUNCH_GROUP: the group's executor (of type DEFAULT, without a command: the agent
   * provides it) and every task of the group, which has a command and no executor of its own. A
   * group is launched whole or not at all, so the first problem fails every task of it (a TASK_ERROR
   * with {@link TaskStatus.Reason#REASON_TASK_GROUP_INVALID}). {@code context.needed} is the whole
   * group's resources with the executor's when it is new on the agent.
   */
  public static Optional<String> validateGroup(ExecutorInfo executor, List<TaskInfo> tasks, Context context) {
    if (tasks.isEmpty()) {
      return Optional.of("Task group is empty");
    }
    if (executor.getType() != ExecutorInfo.Type.DEFAULT) {
      return Optional.of("'ExecutorInfo.type' must be 'DEFAULT' for a task group, not '" + executor.getType() + "'");
    }
    if (executor.hasCommand()) {
      return Optional.of("'ExecutorInfo.command' must not be set for 'DEFAULT' executor");
    }
    Optional<String> invalidExecutor = validateExecutor(executor, context.executors());
    if (invalidExecutor.isPresent()) {
      return invalidExecutor;
    }
    Set<String> inGroup = new HashSet<>();
    for (TaskInfo task : tasks) {
      String taskId = task.getTaskId().getValue();
      Optional<String> invalidId = validateId("Task", taskId);
      if (invalidId.isPresent()) {
        return invalidId;
      }
      if (!inGroup.add(taskId) || context.launchedTaskIds().contains(taskId)
          || context.knownTaskIds().contains(taskId)) {
        return Optional.of("Task has duplicate ID: " + taskId);
      }
      if (!task.getAgentId().getValue().equals(context.agentId())) {
        return Optional.of("Task '" + taskId + "' uses invalid agent: " + task.getAgentId().getValue());
      }
      if (task.hasExecutor()) {
        return Optional.of("Task '" + taskId + "' of a task group must not set 'TaskInfo.executor'");
      }
      if (!task.hasCommand()) {
        return Optional.of("Task '" + taskId + "' of a task group needs a CommandInfo");
      }
      if (task.hasContainer() && task.getContainer().getType() == ContainerInfo.Type.DOCKER) {
        return Optional.of("Docker ContainerInfo is not supported on task '" + taskId + "' of a task group");
      }
      Optional<String> container = validateContainer(task.hasContainer() ? task.getContainer() : null, "Task");
      if (container.isPresent()) {
        return container;
      }
    }
    if (context.roles() > 1) {
      return Optional.of("Task group uses resources allocated to more than one role");
    }
    if (!context.available().contains(context.needed())) {
      return Optional.of("Task group uses more resources " + context.needed() + " than available "
          + context.available());
    }
    return Optional.empty();
  }

  /**
   * Mesos's rules for task and executor ids, which name directories on the agent: not empty, at most
   * 255 characters, not {@code .} or {@code ..}, no slash, backslash or control character.
   */
  static Optional<String> validateId(String what, String id) {
    if (id.isEmpty()) {
      return Optional.of(what + " ID must not be empty");
    }
    String problem = null;
    if (id.length() > MAX_ID_LENGTH) {
      problem = "ID must not be greater than " + MAX_ID_LENGTH + " characters";
    } else if (id.equals(".") || id.equals("..")) {
      problem = "'" + id + "' is disallowed";
    } else if (id.chars().anyMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c))) {
      problem = "'" + id + "' contains invalid characters";
    }
    return problem == null ? Optional.empty() : Optional.of(what + " ID is invalid: " + problem);
  }

  /** An executor must have an id, and match exactly an executor of the same id already on the agent. */
  static Optional<String> validateExecutor(ExecutorInfo executor, Map<String, ExecutorInfo> existing) {
    String id = executor.getExecutorId().getValue();
    Optional<String> invalidId = validateId("Executor", id);
    if (invalidId.isPresent()) {
      return invalidId;
    }
    if (executor.getType() != ExecutorInfo.Type.DEFAULT && !executor.hasCommand()) {
      return Optional.of("Executor " + id + " needs a CommandInfo (only DEFAULT executors may omit it)");
    }
    ExecutorInfo running = existing.get(id);
    if (running != null && !running.toBuilder().clearFrameworkId().build()
        .equals(executor.toBuilder().clearFrameworkId().build())) {
      return Optional.of("ExecutorInfo for executor " + id + " differs from the one already running on the agent");
    }
    return validateContainer(executor.hasContainer() ? executor.getContainer() : null, "Executor");
  }

  /** A container must be of a type an agent can run (DOCKER or MESOS), with what that type needs. */
  static Optional<String> validateContainer(ContainerInfo container, String what) {
    if (container == null) {
      return Optional.empty();
    }
    if (!container.hasType()) {
      return Optional.of(what + "'s ContainerInfo has no type");
    }
    if (container.getType() == ContainerInfo.Type.DOCKER
        && (!container.hasDocker() || container.getDocker().getImage().isEmpty())) {
      return Optional.of(what + "'s DOCKER container needs 'docker.image'");
    }
    return Optional.empty();
  }
}
