package dev.vmesos.master.state;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.OfferFilters;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.master.allocator.FrameworkProfile;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The frameworks the master knows, the ones it removed (a bounded history), and their heartbeat
 * and failover timers. Also the task lookups that span frameworks.
 */
final class Frameworks {

  /** Mesos's default of {@code --max_completed_frameworks}. */
  static final int DEFAULT_MAX_COMPLETED = 50;

  private final String masterId;
  private final MasterEffects effects;
  private final OfferBook offerBook;
  private final Map<String, Framework> frameworks = new LinkedHashMap<>();
  /** Frameworks removed, newest last, at most {@link #maxCompleted}. */
  private final ArrayDeque<Framework> completed = new ArrayDeque<>();
  /** {@code --max_completed_frameworks}. */
  private int maxCompleted = DEFAULT_MAX_COMPLETED;
  /** {@code --max_completed_tasks_per_framework}. */
  private int maxCompletedTasks = Framework.DEFAULT_MAX_COMPLETED_TASKS;
  private long nextFrameworkId;

  Frameworks(String masterId, MasterEffects effects, OfferBook offerBook) {
    this.masterId = masterId;
    this.effects = effects;
    this.offerBook = offerBook;
  }

  /** Known frameworks by id (live). */
  Map<String, Framework> active() {
    return frameworks;
  }

  Collection<Framework> values() {
    return frameworks.values();
  }

  Framework get(String frameworkId) {
    return frameworks.get(frameworkId);
  }

  boolean contains(String frameworkId) {
    return frameworks.containsKey(frameworkId);
  }

  /** Removed frameworks, oldest first (bounded). */
  Collection<Framework> completed() {
    return completed;
  }

  /** How many removed frameworks, and completed tasks per framework, are kept (oldest dropped first). */
  void history(int maxCompletedFrameworks, int maxCompletedTasksPerFramework) {
    this.maxCompleted = maxCompletedFrameworks;
    this.maxCompletedTasks = maxCompletedTasksPerFramework;
    for (Framework framework : frameworks.values()) {
      framework.completedCapacity(maxCompletedTasksPerFramework);
    }
    while (completed.size() > maxCompleted) {
      completed.removeFirst();
    }
  }

  /** The id a subscribing framework gets: its own, or a new one. */
  String idFor(FrameworkInfo info) {
    return info.hasId() && !info.getId().getValue().isEmpty()
        ? info.getId().getValue()
        : String.format("%s-%04d", masterId, nextFrameworkId++);
  }

  /** Records a new framework (its offers in the offer book); returns it. */
  Framework add(String frameworkId, FrameworkInfo info) {
    Framework framework = new Framework(frameworkId, info, offerBook);
    framework.completedCapacity(maxCompletedTasks);
    frameworks.put(frameworkId, framework);
    return framework;
  }

  /** The framework subscribed through this stream; null if none is. */
  Framework subscribedThrough(EventSink sink) {
    for (Framework framework : frameworks.values()) {
      if (framework.stream() == sink) {
        return framework;
      }
    }
    return null;
  }

  /** Moves a framework to the completed ones; its offers must have been taken back. */
  void remove(Framework framework) {
    framework.detachOffers();
    frameworks.remove(framework.id());
    if (maxCompleted == 0) {
      return;
    }
    completed.addLast(framework);
    while (completed.size() > maxCompleted) {
      completed.removeFirst();
    }
  }

  /** HEARTBEAT events on {@code sink} every {@code interval}, while it is the framework's open stream. */
  void startHeartbeats(Framework framework, EventSink sink, Duration interval) {
    framework.heartbeatTimer(effects.schedulePeriodic(interval, () -> {
      if (framework.stream() == sink && sink.isOpen()) {
        sink.send(Events.heartbeat());
      }
    }));
  }

  /** Calls {@code onTimeout} after {@code failover} unless the framework re-subscribed or was removed. */
  void startFailoverTimer(Framework framework, Duration failover, Consumer<Framework> onTimeout) {
    framework.failoverTimer(effects.schedule(failover, () -> {
      if (frameworks.get(framework.id()) == framework && !framework.connected()) {
        onTimeout.accept(framework);
      }
    }));
  }

  void stopTimers(Framework framework) {
    if (framework.heartbeatTimer() != null) {
      effects.cancel(framework.heartbeatTimer());
      framework.heartbeatTimer(null);
    }
    if (framework.failoverTimer() != null) {
      effects.cancel(framework.failoverTimer());
      framework.failoverTimer(null);
    }
  }

  /** The tasks on an agent that got there (not STAGING: those may still be on their way) and have not ended. */
  List<Task> launchedTasksOn(String agentId) {
    List<Task> tasks = new ArrayList<>();
    for (Framework framework : frameworks.values()) {
      for (Task task : framework.tasksOn(agentId)) {
        if (task.state() != TaskState.TASK_STAGING
            && !TaskStates.isTerminal(task.state())) {
          tasks.add(task);
        }
      }
    }
    return tasks;
  }

  /** What the allocator needs to know of a framework: roles, suppressed roles, offer filters. */
  static FrameworkProfile profile(FrameworkInfo info, List<String> suppressedRoles) {
    List<String> roles = info.getRolesCount() > 0 ? info.getRolesList()
        : List.of(info.hasRole() ? info.getRole() : "*");
    Map<String, List<Map<String, Double>>> minimums = new HashMap<>();
    for (Map.Entry<String, OfferFilters> filter : info.getOfferFiltersMap().entrySet()) {
      List<Map<String, Double>> alternatives = new ArrayList<>();
      for (OfferFilters.ResourceQuantities quantities
          : filter.getValue().getMinAllocatableResources().getQuantitiesList()) {
        Map<String, Double> alternative = new HashMap<>();
        quantities.getQuantitiesMap().forEach((name, scalar) -> alternative.put(name, scalar.getValue()));
        alternatives.add(alternative);
      }
      minimums.put(filter.getKey(), alternatives);
    }
    return new FrameworkProfile(Set.copyOf(roles), Set.copyOf(suppressedRoles), minimums);
  }
}
