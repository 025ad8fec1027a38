package dev.vmesos.master.state;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A framework known to the master: its info, its current stream (if connected), offers and tasks.
 * Its offers live in the master's {@link OfferBook}; {@link #offers()} is a read-only view of them.
 */
public final class Framework {

  private final String id;
  private FrameworkInfo info;
  private EventSink stream;
  private Long heartbeatTimer;
  private Long failoverTimer;
  /** Where its offers are recorded; null once it is removed (or when it was never offered any). */
  private OfferBook offerBook;
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  /**
   * Its tasks that ended (terminal update acknowledged, or ended by the master), oldest first, at
   * most {@link #completedCapacity} (Mesos's {@code --max_completed_tasks_per_framework}): the
   * oldest is dropped first.
   */
  private final java.util.ArrayDeque<Task> completedTasks = new java.util.ArrayDeque<>();
  private int completedCapacity = DEFAULT_MAX_COMPLETED_TASKS;
  /** Mesos's default of {@code --max_completed_tasks_per_framework}. */
  public static final int DEFAULT_MAX_COMPLETED_TASKS = 1000;
  /** Its tasks by agent, so that what it runs on one agent is found without going through all. */
  private final Map<String, Map<String, Task>> tasksByAgent = new HashMap<>();

  public Framework(String id, FrameworkInfo info) {
    this(id, info, null);
  }

  Framework(String id, FrameworkInfo info, OfferBook offerBook) {
    this.id = id;
    this.info = info;
    this.offerBook = offerBook;
  }

  public String id() {
    return id;
  }

  public FrameworkInfo info() {
    return info;
  }

  public void info(FrameworkInfo newInfo) {
    this.info = newInfo;
  }

  public EventSink stream() {
    return stream;
  }

  public void stream(EventSink sink) {
    this.stream = sink;
  }

  public boolean connected() {
    return stream != null && stream.isOpen();
  }

  /** Whether it has the PARTITION_AWARE capability (it hears TASK_UNREACHABLE, TASK_GONE, ... not TASK_LOST). */
  boolean isPartitionAware() {
    return FrameworkValidation.hasCapability(info, FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  /** Sends an event on its stream if it is connected; a disconnected framework misses it. */
  void send(Event event) {
    if (connected()) {
      stream.send(event);
    }
  }

  public Long heartbeatTimer() {
    return heartbeatTimer;
  }

  public void heartbeatTimer(Long timer) {
    this.heartbeatTimer = timer;
  }

  public Long failoverTimer() {
    return failoverTimer;
  }

  public void failoverTimer(Long timer) {
    this.failoverTimer = timer;
  }

  /** Its outstanding offers by id, read-only. */
  public Map<String, Offer> offers() {
    return offerBook == null ? Map.of() : offerBook.offersOf(id);
  }

  /** Once removed, it has no offers (its id may come back as another framework, with its own). */
  void detachOffers() {
    offerBook = null;
  }

  /** Its tasks by id, read-only: {@link #addTask} and {@link #removeTask} change them. */
  public Map<String, Task> tasks() {
    return java.util.Collections.unmodifiableMap(tasks);
  }

  /** Records a task of this framework. */
  void addTask(Task task) {
    Task previous = tasks.put(task.id(), task);
    if (previous != null) {
      forgetOnAgent(previous);
    }
    tasksByAgent.computeIfAbsent(task.agentId(), a -> new LinkedHashMap<>()).put(task.id(), task);
  }

  /** Forgets a task of this framework. */
  void removeTask(String taskId) {
    Task removed = tasks.remove(taskId);
    if (removed != null) {
      forgetOnAgent(removed);
    }
  }

  /** Moves a task of this framework to its completed tasks, dropping the oldest beyond the bound. */
  void completeTask(String taskId) {
    Task removed = tasks.remove(taskId);
    if (removed == null) {
      return;
    }
    forgetOnAgent(removed);
    if (completedCapacity == 0) {
      return;
    }
    completedTasks.addLast(removed.completedCopy());
    while (completedTasks.size() > completedCapacity) {
      completedTasks.removeFirst();
    }
  }

  /** Its completed tasks, oldest first (bounded, read-only). */
  public java.util.Collection<Task> completedTasks() {
    return java.util.Collections.unmodifiableCollection(completedTasks);
  }

  /** How many completed tasks it keeps ({@code --max_completed_tasks_per_framework}). */
  void completedCapacity(int capacity) {
    this.completedCapacity = capacity;
  }

  private void forgetOnAgent(Task task) {
    Map<String, Task> onAgent = tasksByAgent.get(task.agentId());
    if (onAgent != null && onAgent.remove(task.id()) != null && onAgent.isEmpty()) {
      tasksByAgent.remove(task.agentId());
    }
  }

  /** Its tasks on one agent (a copy). */
  java.util.List<Task> tasksOn(String agentId) {
    return java.util.List.copyOf(tasksByAgent.getOrDefault(agentId, Map.of()).values());
  }

  /** The executors it has on an agent, by id (from its live tasks). */
  Map<String, ExecutorInfo> executorsOn(String agentId) {
    Map<String, ExecutorInfo> executors = new HashMap<>();
    for (Task task : tasksByAgent.getOrDefault(agentId, Map.of()).values()) {
      if (task.info().hasExecutor() && !TaskStates.isTerminal(task.state())) {
        executors.put(task.info().getExecutor().getExecutorId().getValue(), task.info().getExecutor());
      }
    }
    return executors;
  }

  /**
   * The executors it runs, by agent then executor id, oldest task first: those its live tasks name
   * (a command task's executor is the agent's own, which the master never sees, as in Mesos).
   */
  public Map<String, Map<String, ExecutorInfo>> executors() {
    Map<String, Map<String, ExecutorInfo>> executors = new LinkedHashMap<>();
    for (Task task : tasks.values()) {
      if (task.info().hasExecutor() && !TaskStates.isTerminal(task.state())) {
        executors.computeIfAbsent(task.agentId(), a -> new LinkedHashMap<>())
            .putIfAbsent(task.info().getExecutor().getExecutorId().getValue(), task.info().getExecutor());
      }
    }
    return executors;
  }

  /** The roles offers are made for: {@code roles} (MULTI_ROLE) or the legacy single {@code role}. */
  public java.util.List<String> roles() {
    if (info.getRolesCount() > 0) {
      return info.getRolesList();
    }
    return java.util.List.of(info.hasRole() ? info.getRole() : "*");
  }

  /** The first of its roles: the one a task's resources belong to when they do not say. */
  public String role() {
    return roles().get(0);
  }
}
