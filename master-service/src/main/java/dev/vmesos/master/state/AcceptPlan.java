package dev.vmesos.master.state;

import com.google.protobuf.Message;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.RunTaskGroup;
import dev.vmesos.api.resources.ResourceValidation;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.task.TaskValidation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an ACCEPT will do, worked out before the master changes anything. Each operation becomes a
 * {@link Step}, checked against a running copy of what is left of the offers and of the agent's
 * total; the master then performs the steps in order. Resources named by an operation are
 * validated ({@link ResourceValidation}) before anything is computed from them, so a bad value is
 * a refused operation, never an exception halfway through an accept.
 *
 * <p>Building a plan reads the framework and agent but changes neither.
 */
final class AcceptPlan {

  /** One operation of the accept, as the master is to perform it. */
  sealed interface Step permits Launch, Refused, Convert, Dropped, Unsupported {
  }

  /**
   * Tasks to track (STAGING) and the message that starts them on the agent.
   *
   * @param needed what they take out of the offers
   */
  record Launch(List<Task> tasks, Message message, Resources needed) implements Step {
  }

  /** A LAUNCH or LAUNCH_GROUP refused: a TASK_ERROR for each of its tasks. */
  record Refused(List<TaskStatus> statuses, String reason) implements Step {
  }

  /**
   * A RESERVE or UNRESERVE: {@code from} in the offers becomes {@code to}, and the agent's total
   * becomes {@code total}.
   */
  record Convert(Offer.Operation.Type type, Resources from, Resources to, Resources total) implements Step {
  }

  /** An invalid RESERVE or UNRESERVE: dropped with a reason, as Mesos drops it. */
  record Dropped(Offer.Operation operation, String reason) implements Step {
  }

  /** An operation vmesos does not perform (volumes, disks). */
  record Unsupported(Offer.Operation operation) implements Step {
  }

  private final Framework framework;
  private final Agent agent;
  private final Clock clock;
  private final dev.vmesos.api.security.Acls acls;
  private final List<Step> steps = new ArrayList<>();
  private final Set<String> launched = new HashSet<>();
  private final Map<String, ExecutorInfo> executors;
  private Resources available;
  private Resources total;

  private AcceptPlan(Framework framework, Agent agent, Resources offered, Clock clock,
                     dev.vmesos.api.security.Acls acls) {
    this.framework = framework;
    this.agent = agent;
    this.clock = clock;
    this.acls = acls;
    this.available = offered;
    this.total = agent.total();
    this.executors = new HashMap<>(framework.executorsOn(agent.id()));
  }

  /**
   * Plans {@code operations} on {@code offered}, the resources of the accepted offers (all on
   * {@code agent}), allocated to their roles.
   */
  static AcceptPlan of(Framework framework, Agent agent, Resources offered, List<Offer.Operation> operations,
                       Clock clock) {
    return of(framework, agent, offered, operations, clock, dev.vmesos.api.security.Acls.none());
  }

  /**
   * As {@link #of(Framework, Agent, Resources, List, Clock)}, with {@code acls} deciding who may
   * launch as which user ({@code run_tasks}) and reserve or unreserve ({@code reserve_resources},
   * {@code unreserve_resources}), the subject being the framework's principal, as in Mesos.
   */
  static AcceptPlan of(Framework framework, Agent agent, Resources offered, List<Offer.Operation> operations,
                       Clock clock, dev.vmesos.api.security.Acls acls) {
    AcceptPlan plan = new AcceptPlan(framework, agent, offered, clock, acls);
    for (Offer.Operation operation : operations) {
      switch (operation.getType()) {
        case LAUNCH -> {
          for (TaskInfo task : operation.getLaunch().getTaskInfosList()) {
            plan.steps.add(plan.launch(task));
          }
        }
        case LAUNCH_GROUP -> plan.steps.add(plan.launchGroup(operation.getLaunchGroup()));
        case RESERVE -> plan.steps.add(plan.reserve(operation));
        case UNRESERVE -> plan.steps.add(plan.unreserve(operation));
        default -> plan.steps.add(new Unsupported(operation));
      }
    }
    return plan;
  }

  List<Step> steps() {
    return steps;
  }

  /** What is left of the offers once every step is performed: it goes back to the allocator. */
  Resources leftover() {
    return available;
  }

  private Step launch(TaskInfo task) {
    Optional<String> unauthorized = unauthorized(task, task.hasExecutor() ? task.getExecutor() : null);
    if (unauthorized.isPresent()) {
      return new Refused(List.of(taskError(task, TaskStatus.Reason.REASON_TASK_UNAUTHORIZED, unauthorized.get())),
          unauthorized.get());
    }
    Optional<String> invalid = invalidResources("Task", task.getResourcesList());
    if (invalid.isEmpty() && task.hasExecutor()) {
      invalid = invalidResources("Executor", task.getExecutor().getResourcesList());
    }
    String defaultRole = OfferResources.roleOf(available, framework.role());
    Resources needed = Resources.empty();
    if (invalid.isEmpty()) {
      needed = OfferResources.fromFramework(task.getResourcesList(), defaultRole);
      if (task.hasExecutor() && !executors.containsKey(task.getExecutor().getExecutorId().getValue())) {
        // As Mesos: an executor's resources are charged once, with the first task that starts it.
        needed = needed.plus(OfferResources.fromFramework(task.getExecutor().getResourcesList(), defaultRole));
      }
      invalid = TaskValidation.validate(task, context(needed));
    }
    if (invalid.isPresent()) {
      return new Refused(List.of(taskError(task, TaskStatus.Reason.REASON_TASK_INVALID, invalid.get())),
          invalid.get());
    }
    launched.add(task.getTaskId().getValue());
    if (task.hasExecutor()) {
      executors.putIfAbsent(task.getExecutor().getExecutorId().getValue(), task.getExecutor());
    }
    available = available.minus(needed);
    Task tracked = staging(OfferResources.roleOf(needed, defaultRole), task, needed);
    return new Launch(List.of(tracked),
        RunTask.newBuilder().setFrameworkInfo(framework.info()).setTask(task).build(), needed);
  }

  /**
   * A task group under its DEFAULT executor, all or nothing. The executor's resources, when it is
   * new on the agent, are accounted to the group's first task.
   */
  private Step launchGroup(Offer.Operation.LaunchGroup group) {
    List<TaskInfo> tasks = group.getTaskGroup().getTasksList();
    ExecutorInfo executor = group.getExecutor().toBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id())).build();
    Optional<String> unauthorized = Optional.empty();
    for (TaskInfo task : tasks) {
      if (unauthorized.isEmpty()) {
        unauthorized = unauthorized(task, executor);
      }
    }
    if (unauthorized.isPresent()) {
      List<TaskStatus> statuses = new ArrayList<>();
      for (TaskInfo task : tasks) {
        statuses.add(taskError(task, TaskStatus.Reason.REASON_TASK_UNAUTHORIZED, unauthorized.get()));
      }
      return new Refused(statuses, unauthorized.get());
    }
    Optional<String> invalid = invalidResources("Executor", executor.getResourcesList());
    for (TaskInfo task : tasks) {
      if (invalid.isEmpty()) {
        invalid = invalidResources("Task '" + task.getTaskId().getValue() + "'", task.getResourcesList());
      }
    }
    String defaultRole = OfferResources.roleOf(available, framework.role());
    Resources executorResources = Resources.empty();
    Resources needed = Resources.empty();
    if (invalid.isEmpty()) {
      if (!executors.containsKey(executor.getExecutorId().getValue())) {
        executorResources = OfferResources.fromFramework(executor.getResourcesList(), defaultRole);
      }
      needed = executorResources;
      for (TaskInfo task : tasks) {
        Resources own = OfferResources.fromFramework(task.getResourcesList(), defaultRole);
        if (invalid.isEmpty() && overlap(needed, own)) {
          invalid = Optional.of("Task '" + task.getTaskId().getValue() + "' uses resources (" + own
              + ") that its executor or another task of the group uses too");
        }
        needed = needed.plus(own);
      }
      if (invalid.isEmpty()) {
        invalid = TaskValidation.validateGroup(executor, tasks, context(needed));
      }
    }
    if (invalid.isPresent()) {
      List<TaskStatus> statuses = new ArrayList<>();
      for (TaskInfo task : tasks) {
        statuses.add(taskError(task, TaskStatus.Reason.REASON_TASK_GROUP_INVALID, invalid.get()));
      }
      return new Refused(statuses, invalid.get());
    }
    String role = OfferResources.roleOf(needed, defaultRole);
    List<Task> tracked = new ArrayList<>();
    for (TaskInfo task : tasks) {
      Resources own = OfferResources.fromFramework(task.getResourcesList(), defaultRole);
      if (tracked.isEmpty()) {
        own = own.plus(executorResources);
      }
      launched.add(task.getTaskId().getValue());
      tracked.add(staging(role, task.toBuilder().setExecutor(executor).build(), own));
    }
    executors.putIfAbsent(executor.getExecutorId().getValue(), executor);
    available = available.minus(needed);
    return new Launch(tracked, RunTaskGroup.newBuilder().setFrameworkInfo(framework.info()).setExecutor(executor)
        .setTaskGroup(group.getTaskGroup()).build(), needed);
  }

  /** RESERVE on offered resources: they become reserved to the role, in the agent's total too. */
  private Step reserve(Offer.Operation operation) {
    List<Resource> resources = operation.getReserve().getResourcesList();
    Optional<String> invalid = ResourceValidation.validate(resources).map(e -> "Invalid resources: " + e);
    Resources reserved = Resources.empty();
    Resources unreserved = Resources.empty();
    if (invalid.isEmpty()) {
      reserved = OfferResources.fromFramework(resources, framework.role());
      invalid = OfferResources.validateReserve(reserved, framework.roles());
    }
    if (invalid.isEmpty()) {
      for (Resource resource : resources) {
        String role = resource.getReservationsCount() > 0
            ? resource.getReservations(resource.getReservationsCount() - 1).getRole() : resource.getRole();
        if (invalid.isEmpty() && !acls.allows(dev.vmesos.api.security.Acls.Action.RESERVE_RESOURCES, principal(), role)) {
          invalid = Optional.of(dev.vmesos.api.security.Acls.Action.RESERVE_RESOURCES.refusal(role));
        }
      }
    }
    if (invalid.isEmpty()) {
      unreserved = OfferResources.popReservation(reserved);
      if (!available.contains(unreserved)) {
        invalid = Optional.of("Reserving " + unreserved + " needs more than is offered: " + available);
      }
    }
    if (invalid.isPresent()) {
      return new Dropped(operation, invalid.get());
    }
    return convert(operation.getType(), unreserved, reserved);
  }

  /** UNRESERVE of offered reserved resources: they become unreserved again. */
  private Step unreserve(Offer.Operation operation) {
    List<Resource> resources = operation.getUnreserve().getResourcesList();
    Optional<String> invalid = ResourceValidation.validate(resources).map(e -> "Invalid resources: " + e);
    Resources reserved = Resources.empty();
    if (invalid.isEmpty()) {
      reserved = OfferResources.fromFramework(resources, framework.role());
      invalid = OfferResources.validateUnreserve(reserved);
    }
    if (invalid.isEmpty()) {
      for (Resource resource : resources) {
        // The newest reservation's principal, in the post-refinement form or the older one.
        String reserver = resource.getReservationsCount() > 0
            ? resource.getReservations(resource.getReservationsCount() - 1).getPrincipal()
            : resource.hasReservation() ? resource.getReservation().getPrincipal() : null;
        if (invalid.isEmpty() && !acls.allows(dev.vmesos.api.security.Acls.Action.UNRESERVE_RESOURCES, principal(),
            reserver == null || reserver.isEmpty() ? null : reserver)) {
          invalid = Optional.of(dev.vmesos.api.security.Acls.Action.UNRESERVE_RESOURCES.refusal(reserver));
        }
      }
    }
    if (invalid.isEmpty() && !available.contains(reserved)) {
      invalid = Optional.of("Unreserving " + reserved + " needs them to be offered: " + available);
    }
    if (invalid.isPresent()) {
      return new Dropped(operation, invalid.get());
    }
    return convert(operation.getType(), reserved, OfferResources.popReservation(reserved));
  }

  private Convert convert(Offer.Operation.Type type, Resources from, Resources to) {
    total = total.minus(from.unallocated()).plus(to.unallocated());
    available = available.minus(from).plus(to);
    return new Convert(type, from, to, total);
  }

  /**
   * Whether {@code b} shares a port (a range value, a set item) with {@code a}. Adding ranges is a
   * union, so two tasks naming one port would need it once and each hold it; taking {@code b} back
   * off {@code a + b} shows it.
   */
  private static boolean overlap(Resources a, Resources b) {
    return !a.plus(b).minus(b).equals(a);
  }

  private static Optional<String> invalidResources(String what, List<Resource> resources) {
    return ResourceValidation.validate(resources).map(e -> what + " uses invalid resources: " + e);
  }

  /** The framework's principal, the subject of its ACL checks; null when it has none (Mesos's ANY). */
  private String principal() {
    return framework.info().hasPrincipal() && !framework.info().getPrincipal().isEmpty()
        ? framework.info().getPrincipal() : null;
  }

  /**
   * {@code run_tasks}: the user a task runs as is its command's, else its executor's command's, else
   * the framework's, as Mesos's authorizer reads it. Refused: Mesos's "Not authorized to run tasks as
   * user 'u'", and a TASK_ERROR with REASON_TASK_UNAUTHORIZED.
   */
  private Optional<String> unauthorized(TaskInfo task, ExecutorInfo executor) {
    String user = null;
    if (task.hasCommand() && task.getCommand().hasUser()) {
      user = task.getCommand().getUser();
    } else if (executor != null && executor.hasCommand() && executor.getCommand().hasUser()) {
      user = executor.getCommand().getUser();
    } else if (framework.info().hasUser()) {
      user = framework.info().getUser();
    }
    if (acls.allows(dev.vmesos.api.security.Acls.Action.RUN_TASKS, principal(), user)) {
      return Optional.empty();
    }
    return Optional.of(dev.vmesos.api.security.Acls.Action.RUN_TASKS.refusal(user));
  }

  private TaskValidation.Context context(Resources needed) {
    return new TaskValidation.Context(agent.id(), framework.tasks().keySet(), launched, executors, available,
        needed, OfferResources.byRole(needed).size());
  }

  private TaskStatus taskError(TaskInfo task, TaskStatus.Reason reason, String message) {
    return Events.masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_ERROR, reason, message, clock);
  }

  private Task staging(String role, TaskInfo task, Resources resources) {
    Task tracked = new Task(framework.id(), agent.id(), role, task, resources);
    tracked.update(Events.masterStatus(task.getTaskId(), agent.id(), TaskState.TASK_STAGING, null, null, clock));
    return tracked;
  }
}
