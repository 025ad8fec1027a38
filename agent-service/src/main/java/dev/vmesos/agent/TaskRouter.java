package dev.vmesos.agent;

import java.util.function.BiPredicate;

/**
 * Which executor family owns a task on this agent, so that kills and acknowledgements go only to it:
 * the custom executors (a task handed to an executor of the framework's) or the built-in command
 * executor (command tasks and task groups). A task neither knows is no one's.
 */
final class TaskRouter {

  /** The family that owns a task. */
  enum Owner { CUSTOM_EXECUTOR, COMMAND_EXECUTOR, NONE }

  private final BiPredicate<String, String> customExecutorTask;
  private final BiPredicate<String, String> commandTask;

  /** Each predicate answers, on the agent's event loop, whether (framework id, task id) is its family's. */
  TaskRouter(BiPredicate<String, String> customExecutorTask, BiPredicate<String, String> commandTask) {
    this.customExecutorTask = customExecutorTask;
    this.commandTask = commandTask;
  }

  Owner owner(String frameworkId, String taskId) {
    if (customExecutorTask.test(frameworkId, taskId)) {
      return Owner.CUSTOM_EXECUTOR;
    }
    return commandTask.test(frameworkId, taskId) ? Owner.COMMAND_EXECUTOR : Owner.NONE;
  }
}
