package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs ACCEPT calls for the {@link Master}: checks the offers, plans with {@link AcceptPlan},
 * then takes the offers and performs the plan (tasks, conversions, operation feedback).
 */
final class AcceptHandler {

  /** Logs as the master did before this class was split out of it. */
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);

  private final Clock clock;
  private final MasterEffects effects;
  private final HierarchicalAllocator allocator;
  private final OfferBook offerBook;
  private final AgentBook agentBook;
  private final List<MasterListener> listeners;
  private final Runnable requestAllocation;
  private dev.vmesos.api.security.Acls acls = dev.vmesos.api.security.Acls.none();
  private OfferUse offerUse = new OfferUse();

  /** @param requestAllocation asks the master for an allocation round soon */
  AcceptHandler(Clock clock, MasterEffects effects, HierarchicalAllocator allocator, OfferBook offerBook,
                AgentBook agentBook, List<MasterListener> listeners, Runnable requestAllocation) {
    this.clock = clock;
    this.effects = effects;
    this.allocator = allocator;
    this.offerBook = offerBook;
    this.agentBook = agentBook;
    this.listeners = listeners;
    this.requestAllocation = requestAllocation;
  }

  /** Where used offers, launch shapes and accepts without operations are noted (vmesos extensions). */
  void offerUse(OfferUse use) {
    this.offerUse = use;
  }

  /** The ACLs launches, reservations and unreservations are checked against ({@code --acls}). */
  void acls(dev.vmesos.api.security.Acls newAcls) {
    this.acls = newAcls;
  }

  /**
   * ACCEPT, all or nothing per operation: the offers are checked, then every operation is planned
   * against a copy of what they hold ({@link AcceptPlan}); only then are the offers taken and the
   * plan performed. Should anything still throw, what the call took goes back to the allocator and
   * the caller gets a 500, never a lost agent.
   */
  CallResult accept(Framework framework, Call.Accept accept) {
    Taken taken = new Taken();
    try {
      applyAccept(framework, accept, taken);
      return CallResult.ACCEPTED;
    } catch (RuntimeException e) {
      giveBackAfterFailure(framework, accept, taken);
      LOG.warn("Framework {}: failed to apply ACCEPT, its offers went back to the allocator: {}", framework.id(),
          e.toString());
      return CallResult.internalError("Failed to apply ACCEPT: " + e.getMessage());
    }
  }

  /** What an ACCEPT has taken out of offers and not yet handed on (to tasks, or back). */
  private static final class Taken {
    String agentId;
    Resources resources = Resources.empty();
  }

  private void applyAccept(Framework framework, Call.Accept accept, Taken taken) {
    String agentId = null;
    String invalid = null;
    Map<String, OfferBook.OutstandingOffer> accepted = new LinkedHashMap<>();
    if (accept.getOfferIdsCount() == 0) {
      invalid = "No offers specified";
    }
    for (OfferID offerId : accept.getOfferIdsList()) {
      OfferBook.OutstandingOffer offer = offerBook.of(framework.id(), offerId.getValue());
      if (offer == null) {
        invalid = "Offer " + offerId.getValue() + " is no longer valid";
        continue;
      }
      if (agentId != null && !agentId.equals(offer.agentId())) {
        invalid = "Aggregated offers must belong to one single agent";
      }
      agentId = offer.agentId();
      accepted.put(offerId.getValue(), offer);
    }
    Agent agent = agentId == null ? null : agentBook.get(agentId);
    if (invalid == null && agent == null) {
      invalid = "Agent " + agentId + " is not registered";
    }
    Resources offered = Resources.empty();
    for (OfferBook.OutstandingOffer offer : accepted.values()) {
      offered = offered.plus(offer.resources());
    }
    // Planned before any offer is taken: nothing below changes state until the plan is whole.
    AcceptPlan plan = invalid == null ? AcceptPlan.of(framework, agent, offered, accept.getOperationsList(), clock,
        acls)
        : null;

    // An accept consumes its valid offers, even when it is refused (as in Mesos).
    if (plan == null) {
      // They may be of several agents: each goes back to its own.
      for (OfferBook.OutstandingOffer offer : accepted.values()) {
        offerBook.takeBack(offer, Duration.ZERO);
      }
      dropAllTasks(framework, accept, invalid);
      requestAllocation.run();
      return;
    }
    for (OfferBook.OutstandingOffer offer : accepted.values()) {
      offerBook.remove(offer);
      taken.agentId = offer.agentId();
      taken.resources = taken.resources.plus(offer.resources());
    }
    boolean used = false;
    for (AcceptPlan.Step step : plan.steps()) {
      perform(framework, agent, step, taken);
      used |= step instanceof AcceptPlan.Launch || step instanceof AcceptPlan.Convert;
    }
    if (used) {
      offerUse.used(framework.id(), clock.instant());
    } else if (accept.getOperationsCount() == 0) {
      // An ACCEPT without operations declines its offers (as Mesos treats it).
      offerUse.declined(framework.id(), taken.resources.scalars(), clock.instant());
    }
    Resources leftover = taken.resources;
    try {
      giveBack(framework.id(), taken,
          OfferBook.refuseDuration(accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : 5.0));
    } catch (RuntimeException e) {
      // The operations are done (tasks sent to the agent): answering 500 now would tell the framework
      // they failed, and it would run them again. The leftover stays out of the allocator instead.
      LOG.error("Framework {}: ACCEPT applied, but its leftover {} on agent {} could not go back to the allocator: {}",
          framework.id(), leftover, agent.id(), e.toString());
    }
    requestAllocation.run();
  }

  /**
   * One planned step: state first, then the agent, then listeners, so that whatever throws, the
   * accounting holds and a tracked task has been sent.
   */
  private void perform(Framework framework, Agent agent, AcceptPlan.Step step, Taken taken) {
    if (step instanceof AcceptPlan.Launch launch) {
      for (Task task : launch.tasks()) {
        framework.addTask(task);
      }
      taken.resources = taken.resources.minus(launch.needed());
      Task last = launch.tasks().get(launch.tasks().size() - 1);
      // One task's shape for LAUNCH (the last of the call), the whole group's for LAUNCH_GROUP.
      offerUse.launched(framework.id(), launch.tasks().size() == 1 || launch.message()
          instanceof dev.vmesos.api.internal.Internal.RunTaskGroup ? launch.needed() : last.resources(),
          clock.instant());
      LOG.info("Launching task{} {} of framework {} on agent {} with {}", launch.tasks().size() == 1 ? "" : "s",
          launch.tasks().stream().map(Task::id).toList(), framework.id(), agent.id(), launch.needed());
      effects.sendToAgent(agent.id(), launch.message());
      for (Task task : launch.tasks()) {
        for (MasterListener listener : listeners) {
          listener.taskAdded(task);
        }
      }
    } else if (step instanceof AcceptPlan.Refused refused) {
      LOG.info("Framework {}: task{} {} invalid: {}", framework.id(), refused.statuses().size() == 1 ? " is" : "s are",
          refused.statuses().stream().map(s -> s.getTaskId().getValue()).toList(), refused.reason());
      for (TaskStatus status : refused.statuses()) {
        framework.send(Events.update(status));
      }
    } else if (step instanceof AcceptPlan.Convert convert) {
      updateAgentTotal(agent.id(), convert.total());
      taken.resources = taken.resources.minus(convert.from()).plus(convert.to());
      LOG.info("Framework {}: {} of {} on agent {}", framework.id(), convert.type(), convert.from(), agent.id());
    } else if (step instanceof AcceptPlan.Dropped dropped) {
      LOG.warn("Framework {}: {} dropped: {}", framework.id(), dropped.operation().getType(), dropped.reason());
      if (dropped.operation().hasId()) {
        framework.send(Events.operationStatus(dropped.operation().getId(), agent.id(),
            dev.vmesos.api.v1.Protos.OperationState.OPERATION_ERROR, dropped.reason()));
      }
    } else if (step instanceof AcceptPlan.Unsupported unsupported) {
      unsupportedOperation(framework, agent, unsupported.operation());
    }
  }

  /** Hands what an accept still holds back to the allocator. */
  private void giveBack(String frameworkId, Taken taken, Duration refuse) {
    Resources resources = taken.resources;
    taken.resources = Resources.empty();
    recover(frameworkId, taken.agentId, resources, refuse);
  }

  /**
   * After a failed ACCEPT: the offers it named that are still outstanding are taken back (RESCIND)
   * and what it had taken goes back to the allocator, so no agent is lost to every framework.
   */
  private void giveBackAfterFailure(Framework framework, Call.Accept accept, Taken taken) {
    try {
      for (OfferID offerId : accept.getOfferIdsList()) {
        OfferBook.OutstandingOffer offer = offerBook.of(framework.id(), offerId.getValue());
        if (offer != null) {
          offerBook.takeBack(offer, Duration.ZERO);
          framework.send(Events.rescind(offerId.getValue()));
        }
      }
      if (!taken.resources.isEmpty()) {
        giveBack(framework.id(), taken, Duration.ZERO);
      }
      requestAllocation.run();
    } catch (RuntimeException e) {
      LOG.error("Framework {}: could not give back what a failed ACCEPT took: {}", framework.id(), e.toString());
    }
  }

  private void updateAgentTotal(String agentId, Resources total) {
    agentBook.updateTotal(agentId, total);
    allocator.updateAgentTotal(agentId, total);
  }

  /** Tasks of an ACCEPT whose offers were not valid: TASK_DROPPED (partition-aware) or TASK_LOST. */
  private void dropAllTasks(Framework framework, Call.Accept accept, String reason) {
    LOG.info("Framework {}: invalid ACCEPT: {}", framework.id(), reason);
    TaskState state = FrameworkValidation.hasCapability(framework.info(),
        FrameworkInfo.Capability.Type.PARTITION_AWARE) ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (Offer.Operation operation : accept.getOperationsList()) {
      List<TaskInfo> tasks = operation.hasLaunch() ? operation.getLaunch().getTaskInfosList()
          : operation.hasLaunchGroup() ? operation.getLaunchGroup().getTaskGroup().getTasksList() : List.of();
      for (TaskInfo task : tasks) {
        TaskStatus status = Events.masterStatus(task.getTaskId(), task.getAgentId().getValue(), state,
            TaskStatus.Reason.REASON_INVALID_OFFERS, reason, clock);
        framework.send(Events.update(status));
      }
    }
  }

  /** Gives resources (allocated to one or more roles) back to the allocator. */
  private void recover(String frameworkId, String agentId, Resources resources, Duration refuse) {
    for (Map.Entry<String, Resources> part : OfferResources.byRole(resources).entrySet()) {
      allocator.recover(frameworkId, agentId, part.getKey(), part.getValue(), refuse);
    }
  }

  /**
   * Operations vmesos does not perform (volumes, disks): the framework is told, through operation
   * feedback when the operation has an id; the offered resources it named go back unused.
   */
  private void unsupportedOperation(Framework framework, Agent agent, Offer.Operation operation) {
    String message = "Operation " + operation.getType() + " is not supported by this vmesos master";
    LOG.warn("Framework {}: {}", framework.id(), message);
    if (operation.hasId()) {
      framework.send(Events.operationStatus(operation.getId(), agent.id(),
          dev.vmesos.api.v1.Protos.OperationState.OPERATION_ERROR, message));
    }
  }

}
