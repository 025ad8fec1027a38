package dev.vmesos.agent.task;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks of this agent by framework. A task stays here from launch until the framework has
 * acknowledged its terminal update; then it moves to a short list of completed tasks kept for
 * {@code /state}. Owned by the agent verticle's event loop.
 */
public final class TaskTable {

  private static final int COMPLETED_KEPT = 100;

  private final Map<String, Map<String, AgentTask>> byFramework = new LinkedHashMap<>();
  private final Deque<AgentTask> completed = new ArrayDeque<>();

  public Optional<AgentTask> find(String frameworkId, String taskId) {
    return Optional.ofNullable(byFramework.getOrDefault(frameworkId, Map.of()).get(taskId));
  }

  void add(AgentTask task) {
    byFramework.computeIfAbsent(task.frameworkId().getValue(), k -> new LinkedHashMap<>())
        .put(task.taskId().getValue(), task);
  }

  /** Moves a task to the completed list (its terminal update was acknowledged). */
  Optional<AgentTask> complete(String frameworkId, String taskId) {
    Map<String, AgentTask> tasks = byFramework.get(frameworkId);
    AgentTask task = tasks == null ? null : tasks.remove(taskId);
    if (task == null) {
      return Optional.empty();
    }
    if (tasks.isEmpty()) {
      byFramework.remove(frameworkId);
    }
    completed.addFirst(task);
    while (completed.size() > COMPLETED_KEPT) {
      completed.removeLast();
    }
    return Optional.of(task);
  }

  /** Forgets every task of a framework (it was shut down). */
  void removeFramework(String frameworkId) {
    Map<String, AgentTask> tasks = byFramework.remove(frameworkId);
    if (tasks != null) {
      tasks.values().forEach(completed::addFirst);
      while (completed.size() > COMPLETED_KEPT) {
        completed.removeLast();
      }
    }
  }

  /** Tasks of one framework, in launch order. */
  public Collection<AgentTask> ofFramework(String frameworkId) {
    return List.copyOf(byFramework.getOrDefault(frameworkId, Map.of()).values());
  }

  /** Every task not yet completed, in launch order per framework. */
  public List<AgentTask> all() {
    List<AgentTask> all = new ArrayList<>();
    byFramework.values().forEach(tasks -> all.addAll(tasks.values()));
    return all;
  }

  /** Recently completed tasks, newest first. */
  public List<AgentTask> completed() {
    return List.copyOf(completed);
  }

  public List<String> frameworkIds() {
    return List.copyOf(byFramework.keySet());
  }
}
