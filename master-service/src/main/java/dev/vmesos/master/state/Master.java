package dev.vmesos.master.state;

import com.google.protobuf.ByteString;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage;
import dev.vmesos.api.internal.Internal.ShutdownExecutor;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.internal.Internal.ShutdownFramework;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferFilters;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.Allocation;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.FrameworkProfile;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.task.TaskStateMachine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's state and the logic of the scheduler API and of agent messages. Plain Java owned by
 * one event loop: the shell hands it decoded calls and bus messages and performs what it asks
 * through {@link MasterEffects} and the frameworks' {@link EventSink}s.
 */
public final class Master {

  private static final Logger LOG = LoggerFactory.getLogger(Master.class);
  private static final Duration ALLOCATION_DELAY = Duration.ofMillis(1);

  private final MasterInfo masterInfo;
  private final Duration heartbeatInterval;
  private final Duration agentPingInterval;
  private final Clock clock;
  private final MasterEffects effects;
  private final HierarchicalAllocator allocator;
  private final Duration offerTimeout;
  private final Map<String, Framework> frameworks = new LinkedHashMap<>();
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final Map<String, OutstandingOffer> offers = new LinkedHashMap<>();
  private long nextFrameworkId;
  private long nextAgentId;
  private long nextOfferId;
  private boolean allocationPending;
  private final int maxAgentPingTimeouts;
  /** When each registered agent was last heard from (registration, ping or update). */
  private final Map<String, Instant> lastSeen = new HashMap<>();
  /** Agents that stopped answering, until they re-register. */
  private final Map<String, Agent> unreachableAgents = new LinkedHashMap<>();
  /** The agent id given to each agent process (RegisterAgent.instance), so a repeated registration gets it again. */
  private final Map<String, String> agentsByInstance = new HashMap<>();
  /** When each unreachable agent was marked so, in nanoseconds since the epoch (Mesos's unreachable_time). */
  private final Map<String, Long> unreachableSince = new HashMap<>();
  private final List<MasterListener> listeners = new ArrayList<>();
  /** Frameworks removed, newest last, at most {@link #COMPLETED_KEPT}. */
  private final java.util.ArrayDeque<Framework> completedFrameworks = new java.util.ArrayDeque<>();
  private static final int COMPLETED_KEPT = 50;
  /**
   * Agents of a recovered registry that have not re-registered with this leader yet: no offers, not
   * in {@link #agents()}; their tasks may still run, so they are never reported lost or gone.
   */
  private final Map<String, Agent> recoveringAgents = new LinkedHashMap<>();
  /** Completes once every change made so far is durable (the registry); done at once by default. */
  private Supplier<CompletionStage<Void>> durability = () -> CompletableFuture.completedFuture(null);

  /**
   * An offer made and not yet answered: its role and resources in canonical form, allocated to the
   * role; the timer that rescinds it when {@code --offer_timeout} is set.
   */
  private record OutstandingOffer(String frameworkId, String agentId, String role, Resources resources,
                                  Long timer) {
  }

  public Master(MasterInfo masterInfo, Duration heartbeatInterval, Duration agentPingInterval, Clock clock,
                MasterEffects effects) {
    this(masterInfo, heartbeatInterval, agentPingInterval, 5, null, AllocatorConfig.defaults(), clock, effects);
  }

  /**
   * @param agentPingInterval    how often agents ping; an agent silent for {@code maxAgentPingTimeouts}
   *                             intervals is unreachable
   * @param offerTimeout         unanswered offers are rescinded after this; null: never
   */
  public Master(MasterInfo masterInfo, Duration heartbeatInterval, Duration agentPingInterval,
                int maxAgentPingTimeouts, Duration offerTimeout, AllocatorConfig allocatorConfig, Clock clock,
                MasterEffects effects) {
    this.maxAgentPingTimeouts = maxAgentPingTimeouts;
    this.masterInfo = masterInfo;
    this.heartbeatInterval = heartbeatInterval;
    this.agentPingInterval = agentPingInterval;
    this.clock = clock;
    this.effects = effects;
    this.offerTimeout = offerTimeout;
    this.allocator = new HierarchicalAllocator(allocatorConfig, clock);
    effects.schedulePeriodic(agentPingInterval, this::checkAgents);
  }

  public MasterInfo masterInfo() {
    return masterInfo;
  }

  public Map<String, Framework> frameworks() {
    return frameworks;
  }

  public Map<String, Agent> agents() {
    return agents;
  }

  /** Frameworks removed from this master, oldest first (bounded). */
  public java.util.Collection<Framework> completedFrameworks() {
    return completedFrameworks;
  }

  public HierarchicalAllocator allocator() {
    return allocator;
  }

  public void addListener(MasterListener listener) {
    listeners.add(listener);
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduler API

  /** SUBSCRIBE: validated against the framework's info here; failures end the stream with ERROR. */
  public void subscribe(Call call, EventSink sink) {
    FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
    String error = FrameworkValidation.validate(info);
    if (error != null) {
      LOG.warn("Refusing subscription of framework '{}': {}", info.getName(), error);
      sink.send(Events.error(error));
      sink.close();
      return;
    }
    String id = info.hasId() && !info.getId().getValue().isEmpty()
        ? info.getId().getValue()
        : String.format("%s-%04d", masterInfo.getId(), nextFrameworkId++);
    info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build();

    Framework framework = frameworks.get(id);
    boolean added = false;
    if (framework == null) {
      framework = new Framework(id, info);
      frameworks.put(id, framework);
      LOG.info("Framework {} ({}) subscribed, roles {}, stream {}", id, info.getName(), framework.roles(),
          sink.streamId());
      added = true;
    } else {
      if (framework.connected()) {
        framework.stream().send(Events.error("Framework failed over"));
        framework.stream().close();
      }
      stopTimers(framework);
      rescindOffers(framework);
      framework.info(info);
      LOG.info("Framework {} ({}) re-subscribed (failover), stream {}", id, info.getName(), sink.streamId());
    }
    FrameworkProfile profile = profile(info, call.getSubscribe().getSuppressedRolesList());
    if (allocator.hasFramework(id)) {
      allocator.updateFramework(id, profile);
      allocator.activateFramework(id);
    } else {
      allocator.addFramework(id, profile);
    }
    framework.stream(sink);
    // Listeners hear of the framework once it is connected (the operator API reports it so).
    for (MasterListener listener : listeners) {
      if (added) {
        listener.frameworkAdded(framework);
      } else {
        listener.frameworkUpdated(framework);
      }
    }
    sink.send(Events.subscribed(id, heartbeatInterval, masterInfo));
    sink.send(Events.heartbeat());
    Framework subscribed = framework;
    framework.heartbeatTimer(effects.schedulePeriodic(heartbeatInterval, () -> {
      if (subscribed.stream() == sink && sink.isOpen()) {
        sink.send(Events.heartbeat());
      }
    }));
    requestAllocation();
  }

  /** The HTTP connection of a subscription ended. The framework keeps its tasks until failover_timeout. */
  public void streamClosed(EventSink sink) {
    for (Framework framework : frameworks.values()) {
      if (framework.stream() == sink) {
        disconnected(framework);
        return;
      }
    }
  }

  private void disconnected(Framework framework) {
    stopTimers(framework);
    framework.stream(null);
    allocator.deactivateFramework(framework.id());
    rescindOffers(framework);
    Duration failover = Duration.ofMillis(Math.round(framework.info().getFailoverTimeout() * 1000));
    LOG.info("Framework {} disconnected; removing it in {} unless it re-subscribes", framework.id(), failover);
    framework.failoverTimer(effects.schedule(failover.isZero() ? Duration.ofMillis(1) : failover, () -> {
      if (frameworks.get(framework.id()) == framework && !framework.connected()) {
        LOG.info("Framework {} did not re-subscribe within its failover timeout", framework.id());
        removeFramework(framework);
      }
    }));
    for (MasterListener listener : listeners) {
      listener.frameworkDisconnected(framework);
    }
  }

  /** Any call but SUBSCRIBE: checks the framework and stream, then dispatches. */
  public CallResult call(Call call, String streamId) {
    String frameworkId = call.getFrameworkId().getValue();
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      return CallResult.badRequest("Framework cannot be found");
    }
    if (!framework.connected()) {
      return CallResult.forbidden("Framework is not subscribed");
    }
    if (streamId == null) {
      return CallResult.badRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (!streamId.equals(framework.stream().streamId())) {
      return CallResult.badRequest("The stream ID '" + streamId + "' included in this request didn't match "
          + "the stream ID currently associated with framework ID " + frameworkId);
    }
    switch (call.getType()) {
      case TEARDOWN -> {
        LOG.info("Framework {} asked to be torn down", frameworkId);
        removeFramework(framework);
      }
      case ACCEPT -> {
        return accept(framework, call.getAccept());
      }
      case DECLINE -> decline(framework, call.getDecline());
      case REVIVE -> {
        allocator.revive(frameworkId, Set.copyOf(call.getRevive().getRolesList()));
        requestAllocation();
      }
      case SUPPRESS -> allocator.suppress(frameworkId, Set.copyOf(call.getSuppress().getRolesList()));
      case KILL -> kill(framework, call.getKill());
      case ACKNOWLEDGE -> {
        return acknowledge(framework, call.getAcknowledge());
      }
      case RECONCILE -> reconcile(framework, call.getReconcile());
      case SHUTDOWN -> shutdownExecutor(framework, call.getShutdown());
      case MESSAGE -> frameworkMessage(framework, call.getMessage());
      case REQUEST -> LOG.info("Framework {} sent REQUEST for {} agent(s); offers follow DRF, as in Mesos",
          frameworkId, call.getRequest().getRequestsCount());
      case UPDATE_FRAMEWORK -> {
        return updateFramework(framework, call.getUpdateFramework());
      }
      case ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, ACKNOWLEDGE_OPERATION_STATUS ->
          LOG.debug("Framework {}: {} has nothing to act on (no inverse offers or operations are tracked)",
              frameworkId, call.getType());
      case RECONCILE_OPERATIONS -> reconcileOperations(framework, call.getReconcileOperations());
      default -> {
        return CallResult.notImplemented("'" + call.getType() + "' calls are not supported by this master yet");
      }
    }
    return CallResult.ACCEPTED;
  }

  /**
   * ACCEPT, all or nothing per operation: the offers are checked, then every operation is planned
   * against a copy of what they hold ({@link AcceptPlan}); only then are the offers taken and the
   * plan performed. Should anything still throw, what the call took goes back to the allocator and
   * the caller gets a 500, never a lost agent.
   */
  private CallResult accept(Framework framework, Call.Accept accept) {
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
    Map<String, OutstandingOffer> accepted = new LinkedHashMap<>();
    if (accept.getOfferIdsCount() == 0) {
      invalid = "No offers specified";
    }
    for (OfferID offerId : accept.getOfferIdsList()) {
      OutstandingOffer offer = offers.get(offerId.getValue());
      if (offer == null || !offer.frameworkId().equals(framework.id())) {
        invalid = "Offer " + offerId.getValue() + " is no longer valid";
        continue;
      }
      if (agentId != null && !agentId.equals(offer.agentId())) {
        invalid = "Aggregated offers must belong to one single agent";
      }
      agentId = offer.agentId();
      accepted.put(offerId.getValue(), offer);
    }
    Agent agent = agentId == null ? null : agents.get(agentId);
    if (invalid == null && agent == null) {
      invalid = "Agent " + agentId + " is not registered";
    }
    Resources offered = Resources.empty();
    for (OutstandingOffer offer : accepted.values()) {
      offered = offered.plus(offer.resources());
    }
    // Planned before any offer is taken: nothing below changes state until the plan is whole.
    AcceptPlan plan = invalid == null ? AcceptPlan.of(framework, agent, offered, accept.getOperationsList(), clock)
        : null;

    // An accept consumes its valid offers, even when it is refused (as in Mesos).
    if (plan == null) {
      // They may be of several agents: each goes back to its own.
      for (Map.Entry<String, OutstandingOffer> offer : accepted.entrySet()) {
        removeOffer(framework, offer.getKey());
        allocator.recover(framework.id(), offer.getValue().agentId(), offer.getValue().role(),
            offer.getValue().resources(), Duration.ZERO);
      }
      dropAllTasks(framework, accept, invalid);
      requestAllocation();
      return;
    }
    for (Map.Entry<String, OutstandingOffer> offer : accepted.entrySet()) {
      removeOffer(framework, offer.getKey());
      taken.agentId = offer.getValue().agentId();
      taken.resources = taken.resources.plus(offer.getValue().resources());
    }
    for (AcceptPlan.Step step : plan.steps()) {
      perform(framework, agent, step, taken);
    }
    giveBack(framework.id(), taken,
        refuseDuration(accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : 5.0));
    requestAllocation();
  }

  /**
   * One planned step: state first, then the agent, then listeners, so that whatever throws, the
   * accounting holds and a tracked task has been sent.
   */
  private void perform(Framework framework, Agent agent, AcceptPlan.Step step, Taken taken) {
    if (step instanceof AcceptPlan.Launch launch) {
      for (Task task : launch.tasks()) {
        framework.tasks().put(task.id(), task);
      }
      taken.resources = taken.resources.minus(launch.needed());
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
        sendUpdate(framework, status);
      }
    } else if (step instanceof AcceptPlan.Convert convert) {
      updateAgentTotal(agents.get(agent.id()), convert.total());
      taken.resources = taken.resources.minus(convert.from()).plus(convert.to());
      LOG.info("Framework {}: {} of {} on agent {}", framework.id(), convert.type(), convert.from(), agent.id());
    } else if (step instanceof AcceptPlan.Dropped dropped) {
      LOG.warn("Framework {}: {} dropped: {}", framework.id(), dropped.operation().getType(), dropped.reason());
      if (dropped.operation().hasId()) {
        sendEvent(framework, Events.operationStatus(dropped.operation().getId(), agent.id(),
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
        OutstandingOffer offer = offers.get(offerId.getValue());
        if (offer != null && offer.frameworkId().equals(framework.id())) {
          removeOffer(framework, offerId.getValue());
          allocator.recover(framework.id(), offer.agentId(), offer.role(), offer.resources(), Duration.ZERO);
          sendEvent(framework, Events.rescind(offerId.getValue()));
        }
      }
      if (!taken.resources.isEmpty()) {
        giveBack(framework.id(), taken, Duration.ZERO);
      }
      requestAllocation();
    } catch (RuntimeException e) {
      LOG.error("Framework {}: could not give back what a failed ACCEPT took: {}", framework.id(), e.toString());
    }
  }

  /**
   * A task's ExecutorInfo resources when its executor does not run on the agent yet, else nothing:
   * as Mesos, an executor's resources are charged once, with the first task that starts it (and
   * counted with that task until it ends, as for task groups).
   */
  private static Resources newExecutorResources(Framework framework, String agentId, TaskInfo task, String role) {
    if (!task.hasExecutor()
        || executorsOn(framework, agentId).containsKey(task.getExecutor().getExecutorId().getValue())) {
      return Resources.empty();
    }
    return OfferResources.fromFramework(task.getExecutor().getResourcesList(), role);
  }

  /** The executors a framework has on an agent, by id (from its live tasks). */
  static Map<String, ExecutorInfo> executorsOn(Framework framework, String agentId) {
    Map<String, ExecutorInfo> executors = new HashMap<>();
    for (Task other : framework.tasks().values()) {
      if (other.agentId().equals(agentId) && other.info().hasExecutor() && !TaskStates.isTerminal(other.state())) {
        executors.put(other.info().getExecutor().getExecutorId().getValue(), other.info().getExecutor());
      }
    }
    return executors;
  }

  private void updateAgentTotal(Agent agent, Resources total) {
    agents.put(agent.id(), new Agent(agent.id(), agent.info(), total));
    allocator.updateAgentTotal(agent.id(), total);
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
        sendUpdate(framework, Events.masterStatus(task.getTaskId(), task.getAgentId().getValue(), state,
            TaskStatus.Reason.REASON_INVALID_OFFERS, reason, clock));
      }
    }
  }

  private void decline(Framework framework, Call.Decline decline) {
    Duration refuse = refuseDuration(decline.hasFilters() ? decline.getFilters().getRefuseSeconds() : 5.0);
    for (OfferID offerId : decline.getOfferIdsList()) {
      OutstandingOffer offer = offers.get(offerId.getValue());
      if (offer == null || !offer.frameworkId().equals(framework.id())) {
        LOG.debug("Framework {} declined unknown offer {}", framework.id(), offerId.getValue());
        continue;
      }
      removeOffer(framework, offerId.getValue());
      allocator.recover(framework.id(), offer.agentId(), offer.role(), offer.resources(), refuse);
    }
    // No event-triggered run here: declined resources wait for the next batch run, as in Mesos, so a
    // framework declining without a filter is not re-offered the same resources in a tight loop.
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
      sendEvent(framework, Events.operationStatus(operation.getId(), agent.id(),
          dev.vmesos.api.v1.Protos.OperationState.OPERATION_ERROR, message));
    }
  }

  private void reconcileOperations(Framework framework, Call.ReconcileOperations reconcile) {
    for (Call.ReconcileOperations.Operation operation : reconcile.getOperationsList()) {
      String agentId = operation.hasAgentId() ? operation.getAgentId().getValue() : null;
      sendEvent(framework, Events.operationStatus(operation.getOperationId(), agentId,
          dev.vmesos.api.v1.Protos.OperationState.OPERATION_UNKNOWN, "The master tracks no such operation"));
    }
  }

  private void shutdownExecutor(Framework framework, Call.Shutdown shutdown) {
    String agentId = shutdown.getAgentId().getValue();
    if (!agents.containsKey(agentId)) {
      LOG.warn("Framework {} asked to shut down executor {} on unknown agent {}", framework.id(),
          shutdown.getExecutorId().getValue(), agentId);
      return;
    }
    LOG.info("Shutting down executor {} of framework {} on agent {}", shutdown.getExecutorId().getValue(),
        framework.id(), agentId);
    effects.sendToAgent(agentId, ShutdownExecutor.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setExecutorId(shutdown.getExecutorId()).build());
  }

  private void frameworkMessage(Framework framework, Call.Message message) {
    String agentId = message.getAgentId().getValue();
    if (!agents.containsKey(agentId)) {
      LOG.warn("Framework {} sent a message to executor {} on unknown agent {}; dropped", framework.id(),
          message.getExecutorId().getValue(), agentId);
      return;
    }
    effects.sendToAgent(agentId, FrameworkToExecutorMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setExecutorId(message.getExecutorId())
        .setData(message.getData()).build());
  }

  /** An executor's message for its scheduler: a MESSAGE event. */
  public void executorMessage(ExecutorToFrameworkMessage message) {
    Framework framework = frameworks.get(message.getFrameworkId().getValue());
    if (framework == null) {
      LOG.warn("Message from executor {} for unknown framework {}; dropped", message.getExecutorId().getValue(),
          message.getFrameworkId().getValue());
      return;
    }
    sendEvent(framework, Events.message(message.getAgentId(), message.getExecutorId(), message.getData()));
  }

  /** UPDATE_FRAMEWORK: new info and suppressed roles; 200 on success, 400 with a reason otherwise. */
  private CallResult updateFramework(Framework framework, Call.UpdateFramework update) {
    FrameworkInfo info = update.getFrameworkInfo();
    if (!info.hasId() || !info.getId().getValue().equals(framework.id())) {
      return CallResult.badRequest("'UpdateFramework.framework_info.id' is not equal to the framework's ID "
          + framework.id());
    }
    String error = FrameworkValidation.validate(info);
    if (error == null && !info.getPrincipal().equals(framework.info().getPrincipal())) {
      error = "Updating 'FrameworkInfo.principal' is unsupported";
    }
    if (error == null && info.getCheckpoint() != framework.info().getCheckpoint()) {
      error = "Updating 'FrameworkInfo.checkpoint' is unsupported";
    }
    if (error == null && !info.getUser().equals(framework.info().getUser())) {
      error = "Updating 'FrameworkInfo.user' is unsupported";
    }
    if (error != null) {
      return CallResult.badRequest(error);
    }
    framework.info(info);
    rescindOffers(framework);
    allocator.updateFramework(framework.id(), profile(info, update.getSuppressedRolesList()));
    LOG.info("Framework {} updated: roles {}, suppressed {}", framework.id(), framework.roles(),
        update.getSuppressedRolesList());
    for (MasterListener listener : listeners) {
      listener.frameworkUpdated(framework);
    }
    requestAllocation();
    return CallResult.OK;
  }

  private void kill(Framework framework, Call.Kill kill) {
    Task task = framework.tasks().get(kill.getTaskId().getValue());
    if (task == null && mayRunOnRecoveringAgent(kill.hasAgentId() ? kill.getAgentId().getValue() : null)) {
      // As Mesos: the task may still run on an agent that has not re-registered: nothing to say yet.
      LOG.info("Cannot kill task {} of framework {} yet: it is unknown and its agent may still re-register",
          kill.getTaskId().getValue(), framework.id());
      return;
    }
    if (task == null) {
      // As Mesos: killing a task the master does not know reconciles it.
      LOG.warn("Cannot kill task {} of framework {}: it is unknown; reconciling it", kill.getTaskId().getValue(),
          framework.id());
      sendUpdate(framework, unknownTask(framework, kill.getTaskId(),
          kill.hasAgentId() ? kill.getAgentId().getValue() : null));
      return;
    }
    if (TaskStates.isTerminal(task.state())) {
      return;
    }
    KillTask.Builder message = KillTask.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setTaskId(kill.getTaskId());
    if (kill.hasKillPolicy()) {
      message.setKillPolicy(kill.getKillPolicy());
    } else if (task.info().hasKillPolicy()) {
      message.setKillPolicy(task.info().getKillPolicy());
    }
    LOG.info("Killing task {} of framework {} on agent {}", task.id(), framework.id(), task.agentId());
    effects.sendToAgent(task.agentId(), message.build());
  }

  private CallResult acknowledge(Framework framework, Call.Acknowledge ack) {
    ByteString uuid = ack.getUuid();
    if (uuid.size() != 16) {
      return CallResult.badRequest("Failed to parse UUID: expected 16 bytes, got " + uuid.size());
    }
    String agentId = ack.getAgentId().getValue();
    if (!agents.containsKey(agentId)) {
      LOG.warn("Framework {} acknowledged an update from unknown agent {}", framework.id(), agentId);
      return CallResult.ACCEPTED;
    }
    Task task = framework.tasks().get(ack.getTaskId().getValue());
    if (task != null && TaskStateMachine.forgetOnAcknowledge(task.state()) && task.latestStatus() != null
        && uuid.equals(task.latestStatus().getUuid())) {
      framework.tasks().remove(task.id());
    }
    effects.sendToAgent(agentId, StatusUpdateAcknowledgement.newBuilder()
        .setAgentId(ack.getAgentId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setTaskId(ack.getTaskId())
        .setUuid(uuid)
        .build());
    return CallResult.ACCEPTED;
  }

  private void reconcile(Framework framework, Call.Reconcile reconcile) {
    if (reconcile.getTasksCount() == 0) {
      for (Task task : framework.tasks().values()) {
        sendUpdate(framework, Events.reconciled(task, clock));
      }
      return;
    }
    for (Call.Reconcile.Task requested : reconcile.getTasksList()) {
      Task task = framework.tasks().get(requested.getTaskId().getValue());
      String agentId = requested.hasAgentId() ? requested.getAgentId().getValue() : null;
      if (task != null) {
        sendUpdate(framework, Events.reconciled(task, clock));
      } else if (mayRunOnRecoveringAgent(agentId)) {
        // As Mesos ("task is unknown, agent is recovered: no-op"): its agent will report it.
        LOG.debug("Framework {}: task {} is unknown but may run on an agent still re-registering",
            framework.id(), requested.getTaskId().getValue());
      } else {
        sendUpdate(framework, unknownTask(framework, requested.getTaskId(),
            requested.hasAgentId() ? requested.getAgentId().getValue() : null));
      }
    }
  }

  /**
   * Whether a task the master does not know may still run on an agent of the recovered registry
   * that has not re-registered: the agent named is one, or none is named and one is left.
   */
  private boolean mayRunOnRecoveringAgent(String agentId) {
    return agentId == null || agentId.isEmpty() ? !recoveringAgents.isEmpty()
        : recoveringAgents.containsKey(agentId);
  }

  /**
   * What explicit reconciliation answers for a task the master does not know, as Mesos's master:
   * on a registered agent it is gone, on an unreachable one unreachable (since when it became so),
   * elsewhere unknown; a framework that is not partition-aware gets TASK_LOST for all three.
   */
  private TaskStatus unknownTask(Framework framework, TaskID taskId, String agentId) {
    boolean partitionAware = isPartitionAware(framework);
    if (agentId != null && agents.containsKey(agentId)) {
      return Events.masterStatus(taskId, agentId, partitionAware ? TaskState.TASK_GONE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown to the agent", clock);
    }
    if (agentId != null && unreachableAgents.containsKey(agentId)) {
      TaskStatus status = Events.masterStatus(taskId, agentId,
          partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
          TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unreachable", clock);
      Long since = unreachableSince.get(agentId);
      return since == null ? status
          : status.toBuilder().setUnreachableTime(dev.vmesos.api.v1.Protos.TimeInfo.newBuilder().setNanoseconds(since)).build();
    }
    return Events.masterStatus(taskId, agentId, partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST,
        TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown", clock);
  }

  private void removeFramework(Framework framework) {
    stopTimers(framework);
    // As Mesos's removeFramework: the offers are taken back without RESCIND events (the stream ends).
    takeBackOffers(framework, false);
    Set<String> agentsWithTasks = new HashSet<>();
    for (Task task : framework.tasks().values()) {
      if (!TaskStates.isTerminal(task.state())) {
        agentsWithTasks.add(task.agentId());
      }
      if (task.markResourcesRecovered()) {
        allocator.recover(framework.id(), task.agentId(), task.role(), task.resources(), Duration.ZERO);
      }
    }
    for (String agentId : agentsWithTasks) {
      if (agents.containsKey(agentId)) {
        effects.sendToAgent(agentId, ShutdownFramework.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id())).build());
      }
    }
    if (framework.connected()) {
      framework.stream().close();
    }
    framework.stream(null);
    allocator.removeFramework(framework.id());
    frameworks.remove(framework.id());
    completedFrameworks.addLast(framework);
    if (completedFrameworks.size() > COMPLETED_KEPT) {
      completedFrameworks.removeFirst();
    }
    for (MasterListener listener : listeners) {
      listener.frameworkRemoved(framework);
    }
    LOG.info("Removed framework {} ({} tasks shut down)", framework.id(), framework.tasks().size());
    requestAllocation();
  }

  private void stopTimers(Framework framework) {
    if (framework.heartbeatTimer() != null) {
      effects.cancel(framework.heartbeatTimer());
      framework.heartbeatTimer(null);
    }
    if (framework.failoverTimer() != null) {
      effects.cancel(framework.failoverTimer());
      framework.failoverTimer(null);
    }
  }

  /** Takes back every outstanding offer of a framework, telling it with RESCIND if it listens. */
  private void rescindOffers(Framework framework) {
    takeBackOffers(framework, true);
  }

  private void takeBackOffers(Framework framework, boolean rescind) {
    for (String offerId : List.copyOf(framework.offers().keySet())) {
      OutstandingOffer offer = offers.get(offerId);
      removeOffer(framework, offerId);
      allocator.recover(framework.id(), offer.agentId(), offer.role(), offer.resources(), Duration.ZERO);
      if (rescind && framework.connected()) {
        framework.stream().send(Events.rescind(offerId));
      }
    }
  }

  private void removeOffer(Framework framework, String offerId) {
    OutstandingOffer offer = offers.remove(offerId);
    if (offer != null && offer.timer() != null) {
      effects.cancel(offer.timer());
    }
    framework.offers().remove(offerId);
  }

  /** {@code --offer_timeout}: an offer left unanswered that long is rescinded. */
  private void offerTimedOut(String offerId) {
    OutstandingOffer offer = offers.get(offerId);
    if (offer == null) {
      return;
    }
    Framework framework = frameworks.get(offer.frameworkId());
    LOG.info("Offer {} to framework {} timed out; rescinding it", offerId, offer.frameworkId());
    offers.remove(offerId);
    if (framework != null) {
      framework.offers().remove(offerId);
      if (framework.connected()) {
        framework.stream().send(Events.rescind(offerId));
      }
    }
    allocator.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), Duration.ZERO);
    requestAllocation();
  }

  private void sendUpdate(Framework framework, TaskStatus status) {
    sendEvent(framework, Events.update(status));
  }

  private void sendEvent(Framework framework, Event event) {
    if (framework.connected()) {
      framework.stream().send(event);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  public AgentRegistered registerAgent(RegisterAgent register) {
    String instance = register.getInstance();
    String known = instance.isEmpty() ? null : agentsByInstance.get(instance);
    if (known != null && agents.containsKey(known)) {
      // As Mesos for an agent that retries: the same agent process, so the same id, not a second agent.
      LOG.info("Agent {} at {}:{} already registered; answering its repeated registration with its id", known,
          register.getAgentInfo().getHostname(), register.getAgentInfo().getPort());
      return registered(known);
    }
    String id = String.format("%s-S%d", masterInfo.getId(), nextAgentId++);
    if (!instance.isEmpty()) {
      agentsByInstance.values().removeIf(agentId -> !agents.containsKey(agentId));
      agentsByInstance.put(instance, id);
    }
    AgentInfo info = register.getAgentInfo().toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
    Resources total = OfferResources.fromAgent(info.getResourcesList());
    agents.put(id, new Agent(id, info, total));
    lastSeen.put(id, clock.instant());
    allocator.addAgent(id, total, List.of());
    LOG.info("Registered agent {} at {}:{} with {}", id, info.getHostname(), info.getPort(), total);
    for (MasterListener listener : listeners) {
      listener.agentAdded(agents.get(id));
    }
    requestAllocation();
    return registered(id);
  }

  public AgentRegistered reregisterAgent(ReregisterAgent reregister) {
    AgentInfo info = reregister.getAgentInfo();
    String id = info.getId().getValue();
    Resources total = OfferResources.fromAgent(info.getResourcesList());
    List<Task> known = new ArrayList<>();
    if (agents.containsKey(id)) {
      known = launchedTasksOn(id);
      forgetAllocationsOn(id);
      allocator.removeAgent(id);
    }
    boolean recovered = recoveringAgents.remove(id) != null;
    boolean returning = unreachableAgents.remove(id) != null;
    unreachableSince.remove(id);
    agents.put(id, new Agent(id, info, total));
    lastSeen.put(id, clock.instant());
    List<Allocation> used = new ArrayList<>();
    for (RunningTask running : reregister.getTasksList()) {
      if (returning && lostWhileUnreachable(running)) {
        continue;
      }
      Task task = recoverTask(id, running);
      if (task != null) {
        used.add(new Allocation(task.frameworkId(), id, task.role(), task.resources()));
      }
    }
    allocator.addAgent(id, total, used);
    LOG.info("Re-registered agent {} at {}:{} with {} and {} tasks{}", id, info.getHostname(), info.getPort(),
        total, reregister.getTasksCount(), returning ? " (it had been unreachable)"
            : recovered ? " (from the registry)" : "");
    reportTasksTheAgentLost(id, known, reregister.getTasksList());
    for (MasterListener listener : listeners) {
      listener.agentAdded(agents.get(id));
    }
    requestAllocation();
    return registered(id);
  }

  /** The tasks on an agent that got there (not STAGING: those may still be on their way) and have not ended. */
  private List<Task> launchedTasksOn(String agentId) {
    List<Task> tasks = new ArrayList<>();
    for (Framework framework : frameworks.values()) {
      for (Task task : framework.tasks().values()) {
        if (task.agentId().equals(agentId) && task.state() != TaskState.TASK_STAGING
            && !TaskStates.isTerminal(task.state())) {
          tasks.add(task);
        }
      }
    }
    return tasks;
  }

  /**
   * As Mesos's reconciliation of a re-registering agent: a task the master knew there that the agent
   * no longer reports (an agent restart killed it) ends TASK_LOST, or TASK_GONE for a partition-aware
   * framework, with REASON_AGENT_REREGISTERED.
   */
  private void reportTasksTheAgentLost(String agentId, List<Task> known, List<RunningTask> reported) {
    Set<String> reportedKeys = new HashSet<>();
    for (RunningTask running : reported) {
      reportedKeys.add(running.getFrameworkId().getValue() + "/" + running.getTask().getTaskId().getValue());
    }
    for (Task task : known) {
      Framework framework = frameworks.get(task.frameworkId());
      if (framework == null || reportedKeys.contains(task.frameworkId() + "/" + task.id())) {
        continue;
      }
      TaskState state = isPartitionAware(framework) ? TaskState.TASK_GONE : TaskState.TASK_LOST;
      LOG.warn("Task {} of framework {} is unknown to re-registered agent {}: {}", task.id(), task.frameworkId(),
          agentId, state);
      TaskStatus status = Events.masterStatus(task.info().getTaskId(), agentId, state,
          TaskStatus.Reason.REASON_AGENT_REREGISTERED, "Task is unknown to agent " + agentId
              + " after it re-registered", clock);
      task.update(status);
      for (MasterListener listener : listeners) {
        listener.taskUpdated(task, status);
      }
      sendUpdate(framework, status);
    }
  }

  /**
   * Before an agent is re-added: its offers are rescinded and the allocator forgets its tasks, which
   * come back with the agent's report.
   */
  private void forgetAllocationsOn(String agentId) {
    for (Framework framework : frameworks.values()) {
      for (Map.Entry<String, Offer> offer : List.copyOf(framework.offers().entrySet())) {
        if (offer.getValue().getAgentId().getValue().equals(agentId)) {
          OutstandingOffer outstanding = offers.get(offer.getKey());
          removeOffer(framework, offer.getKey());
          allocator.recover(framework.id(), agentId, outstanding.role(), outstanding.resources(), Duration.ZERO);
          if (framework.connected()) {
            framework.stream().send(Events.rescind(offer.getKey()));
          }
        }
      }
      for (Task task : framework.tasks().values()) {
        if (task.agentId().equals(agentId) && task.markResourcesRecovered()) {
          allocator.recover(framework.id(), agentId, task.role(), task.resources(), Duration.ZERO);
        }
      }
      framework.tasks().values().removeIf(task -> task.agentId().equals(agentId));
    }
  }

  /** A task reported by a re-registering agent: tracked again; returned when it still holds resources. */
  private Task recoverTask(String agentId, RunningTask running) {
    String frameworkId = running.getFrameworkId().getValue();
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      FrameworkInfo info = running.hasFrameworkInfo() ? running.getFrameworkInfo()
          : FrameworkInfo.newBuilder().setUser("").setName("").setId(running.getFrameworkId()).build();
      framework = new Framework(frameworkId, info);
      frameworks.put(frameworkId, framework);
      allocator.addFramework(frameworkId, profile(info, List.of()));
      allocator.deactivateFramework(frameworkId);
    }
    if (TaskStates.isTerminal(running.getState())) {
      return null;
    }
    TaskInfo info = running.getTask();
    Resources resources = OfferResources.fromFramework(info.getResourcesList(), framework.role())
        .plus(newExecutorResources(framework, agentId, info, framework.role()));
    Task task = new Task(frameworkId, agentId, OfferResources.roleOf(resources, framework.role()), info, resources);
    framework.tasks().put(task.id(), task);
    task.update(Events.masterStatus(info.getTaskId(), agentId, running.getState(), null, null, clock));
    return task;
  }

  private AgentRegistered registered(String agentId) {
    return AgentRegistered.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setMasterInfo(masterInfo)
        .setPingIntervalSeconds(agentPingInterval.toMillis() / 1000.0)
        .build();
  }

  public Pong ping(Ping ping) {
    String agentId = ping.getAgentId().getValue();
    boolean registered = agents.containsKey(agentId);
    if (registered) {
      lastSeen.put(agentId, clock.instant());
    }
    return Pong.newBuilder().setSequence(ping.getSequence()).setRegistered(registered).build();
  }

  /**
   * A task of a returning agent that the master reported TASK_LOST while the agent was unreachable
   * (its framework is not partition-aware): it is killed, as Mesos does, not taken back.
   */
  private boolean lostWhileUnreachable(RunningTask running) {
    Framework framework = frameworks.get(running.getFrameworkId().getValue());
    if (framework != null && FrameworkValidation.hasCapability(framework.info(),
        FrameworkInfo.Capability.Type.PARTITION_AWARE)) {
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

  /** Marks agents that missed {@code max_agent_ping_timeouts} pings in a row unreachable. */
  public void checkAgents() {
    Instant deadline = clock.instant().minus(agentPingInterval.multipliedBy(maxAgentPingTimeouts));
    for (String agentId : List.copyOf(agents.keySet())) {
      Instant seen = lastSeen.get(agentId);
      if (seen != null && seen.isBefore(deadline)) {
        markUnreachable(agentId);
      }
    }
  }

  /**
   * An agent stopped answering: its offers are rescinded, its tasks become TASK_UNREACHABLE for
   * partition-aware frameworks (kept, in case it returns) and TASK_LOST for the others (forgotten).
   */
  private void markUnreachable(String agentId) {
    Agent agent = agents.remove(agentId);
    lastSeen.remove(agentId);
    unreachableAgents.put(agentId, agent);
    LOG.warn("Agent {} ({}) missed {} pings: it is unreachable", agentId, agent.info().getHostname(),
        maxAgentPingTimeouts);
    long unreachableNanos = clock.millis() * 1_000_000L;
    unreachableSince.put(agentId, unreachableNanos);
    for (Framework framework : frameworks.values()) {
      for (Map.Entry<String, Offer> offer : List.copyOf(framework.offers().entrySet())) {
        if (offer.getValue().getAgentId().getValue().equals(agentId)) {
          OutstandingOffer outstanding = offers.get(offer.getKey());
          removeOffer(framework, offer.getKey());
          allocator.recover(framework.id(), agentId, outstanding.role(), outstanding.resources(), Duration.ZERO);
          sendEvent(framework, Events.rescind(offer.getKey()));
        }
      }
      boolean partitionAware = isPartitionAware(framework);
      for (Task task : List.copyOf(framework.tasks().values())) {
        if (!task.agentId().equals(agentId) || TaskStates.isTerminal(task.state())) {
          continue;
        }
        TaskStatus status = Events.masterStatus(task.info().getTaskId(), agentId,
            partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
            TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent " + agentId + " is unreachable", clock);
        if (partitionAware) {
          status = status.toBuilder().setUnreachableTime(
              dev.vmesos.api.v1.Protos.TimeInfo.newBuilder().setNanoseconds(unreachableNanos)).build();
        }
        endTask(framework, task, status, !partitionAware);
      }
    }
    allocator.removeAgent(agentId);
    // As Mesos's LostSlaveMessage: every framework hears that the agent is gone.
    for (Framework framework : frameworks.values()) {
      sendEvent(framework, Events.failure(agentId, null, null));
    }
    for (MasterListener listener : listeners) {
      listener.agentUnreachable(agent, unreachableNanos);
      listener.agentRemoved(agent);
    }
  }

  /**
   * A launch that never reached its agent (no consumer of its address, even after retries): its
   * tasks, still STAGING, end TASK_DROPPED (partition-aware) or TASK_LOST with
   * REASON_AGENT_DISCONNECTED, and their resources go back to the allocator.
   */
  public void launchNotDelivered(String agentId, String frameworkId, List<TaskID> taskIds) {
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      return;
    }
    boolean partitionAware = isPartitionAware(framework);
    for (TaskID taskId : taskIds) {
      Task task = framework.tasks().get(taskId.getValue());
      if (task == null || task.state() != TaskState.TASK_STAGING) {
        continue;
      }
      LOG.warn("Task {} of framework {} never reached agent {}: {}", taskId.getValue(), frameworkId, agentId,
          partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST);
      endTask(framework, task, Events.masterStatus(taskId, agentId,
          partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Reason.REASON_AGENT_DISCONNECTED,
          "The task could not be delivered to agent " + agentId, clock), true);
    }
  }

  /** A task ended by the master's own word: recorded, its resources recovered, its framework told. */
  private void endTask(Framework framework, Task task, TaskStatus status, boolean forget) {
    task.update(status);
    if (task.markResourcesRecovered()) {
      allocator.recover(framework.id(), task.agentId(), task.role(), task.resources(), Duration.ZERO);
    }
    for (MasterListener listener : listeners) {
      listener.taskUpdated(task, status);
    }
    sendUpdate(framework, status);
    if (forget) {
      framework.tasks().remove(task.id());
    }
  }

  private static boolean isPartitionAware(Framework framework) {
    return FrameworkValidation.hasCapability(framework.info(), FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  /** An executor ended on an agent: its framework gets a FAILURE with the executor id and status. */
  public void executorExited(dev.vmesos.api.internal.Internal.ExitedExecutor exited) {
    Framework framework = frameworks.get(exited.getFrameworkId().getValue());
    LOG.info("Executor {} of framework {} on agent {} exited with status {}", exited.getExecutorId().getValue(),
        exited.getFrameworkId().getValue(), exited.getAgentId().getValue(),
        exited.hasStatus() ? exited.getStatus() : "unknown");
    if (framework != null) {
      sendEvent(framework, Events.failure(exited.getAgentId().getValue(), exited.getExecutorId(),
          exited.hasStatus() ? exited.getStatus() : null));
    }
  }

  /** Agents that stopped answering and have not come back. */
  public Map<String, Agent> unreachableAgents() {
    return unreachableAgents;
  }

  /** A status update from an agent: track it, recover resources when terminal, forward it. */
  public void statusUpdate(StatusUpdate update) {
    TaskStatus status = update.getStatus();
    if (lastSeen.containsKey(update.getAgentId().getValue())) {
      lastSeen.put(update.getAgentId().getValue(), clock.instant());
    }
    String frameworkId = update.getFrameworkId().getValue();
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      // The framework was removed: the agent must drop its tasks and their pending updates,
      // or it would resend them forever.
      LOG.warn("Status update {} of task {} for unknown framework {}; asking agent {} to shut it down",
          status.getState(), status.getTaskId().getValue(), frameworkId, update.getAgentId().getValue());
      if (agents.containsKey(update.getAgentId().getValue())) {
        effects.sendToAgent(update.getAgentId().getValue(),
            ShutdownFramework.newBuilder().setFrameworkId(update.getFrameworkId()).build());
      }
      return;
    }
    Task task = framework.tasks().get(status.getTaskId().getValue());
    if (task != null) {
      TaskStateMachine.Transition transition = TaskStateMachine.onUpdate(task.state(), status.getState());
      if (transition.applied()) {
        task.update(status);
        for (MasterListener listener : listeners) {
          listener.taskUpdated(task, status);
        }
      } else {
        LOG.debug("Task {}: {} not applied: {}", task.id(), status.getState(), transition.note());
      }
      if (transition.effects().contains(TaskStateMachine.Effect.RECOVER_RESOURCES) && task.markResourcesRecovered()) {
        allocator.recover(frameworkId, task.agentId(), task.role(), task.resources(), Duration.ZERO);
        requestAllocation();
      }
    }
    LOG.info("Status update {} ({}) for task {} of framework {} from agent {}", status.getState(),
        Events.uuidString(status.getUuid()), status.getTaskId().getValue(), frameworkId,
        update.getAgentId().getValue());
    if (framework.connected()) {
      framework.stream().send(Events.update(status));
    } else {
      LOG.debug("Framework {} is not connected; the agent will resend the update", frameworkId);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Allocation

  /** Asks for an allocation round soon; requests made while one is pending merge into it. */
  public void requestAllocation() {
    if (!allocationPending) {
      allocationPending = true;
      effects.schedule(ALLOCATION_DELAY, this::allocate);
    }
  }

  /** One allocation round: turns allocations into offers and sends them, one OFFERS event per framework. */
  public void allocate() {
    allocationPending = false;
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    for (Allocation allocation : allocator.allocate()) {
      Framework framework = frameworks.get(allocation.frameworkId());
      Agent agent = agents.get(allocation.agentId());
      if (framework == null || agent == null || !framework.connected()) {
        allocator.recover(allocation.frameworkId(), allocation.agentId(), allocation.role(),
            allocation.resources(), Duration.ZERO);
        continue;
      }
      String offerId = String.format("%s-O%d", masterInfo.getId(), nextOfferId++);
      Resources resources = allocation.resources().allocatedTo(allocation.role());
      Long timer = offerTimeout == null ? null : effects.schedule(offerTimeout, () -> offerTimedOut(offerId));
      offers.put(offerId, new OutstandingOffer(framework.id(), agent.id(), allocation.role(), resources, timer));
      Offer offer = Events.offer(offerId, framework, agent, allocation.role(), resources);
      framework.offers().put(offerId, offer);
      byFramework.computeIfAbsent(framework.id(), k -> new ArrayList<>()).add(offer);
    }
    for (Map.Entry<String, List<Offer>> entry : byFramework.entrySet()) {
      Framework framework = frameworks.get(entry.getKey());
      LOG.debug("Sending {} offers to framework {}", entry.getValue().size(), framework.id());
      framework.stream().send(Events.offers(entry.getValue()));
    }
  }

  /** What the allocator needs to know of a framework: roles, suppressed roles, offer filters. */
  private static FrameworkProfile profile(FrameworkInfo info, List<String> suppressedRoles) {
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

  private static Duration refuseDuration(double seconds) {
    if (Double.isNaN(seconds) || seconds <= 0) {
      return Duration.ZERO;
    }
    // Frameworks use huge values to mean "forever"; cap at a year so Instant arithmetic stays in range.
    double capped = Math.min(seconds, 365 * 24 * 3600.0);
    return Duration.ofMillis(Math.round(capped * 1000));
  }

  /** For tests and metrics. */
  public int outstandingOffers() {
    return offers.size();
  }

  /** For tests and metrics: what outstanding offers hold on an agent, allocated to their roles. */
  public Resources offeredOn(String agentId) {
    Resources offered = Resources.empty();
    for (OutstandingOffer offer : offers.values()) {
      if (offer.agentId().equals(agentId)) {
        offered = offered.plus(offer.resources());
      }
    }
    return offered;
  }

  /** For tests: the status the master last saw for a task. */
  public TaskState taskState(String frameworkId, TaskID taskId) {
    Framework framework = frameworks.get(frameworkId);
    Task task = framework == null ? null : framework.tasks().get(taskId.getValue());
    return task == null ? null : task.state();
  }

  /** Operator TEARDOWN: removes a framework as its own TEARDOWN would; false if it is unknown. */
  public boolean teardown(String frameworkId) {
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      return false;
    }
    LOG.info("Operator asked to tear down framework {}", frameworkId);
    removeFramework(framework);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Runtime weights and quotas, durability

  /** UPDATE_WEIGHTS: the allocator's weights (already validated), then listeners (the registry). */
  public void updateWeights(Map<String, Double> weights) {
    weights.forEach(allocator::updateWeight);
    Map<String, Double> changed = Map.copyOf(weights);
    for (MasterListener listener : listeners) {
      listener.weightsUpdated(changed);
    }
    requestAllocation();
  }

  /** UPDATE_QUOTA, SET_QUOTA, REMOVE_QUOTA ({@link Quota#NONE}): the allocator, then listeners. */
  public void updateQuota(String role, Quota quota) {
    allocator.updateQuota(role, quota);
    for (MasterListener listener : listeners) {
      listener.quotaUpdated(role, quota);
    }
    requestAllocation();
  }

  /**
   * Sets what says when the changes made so far are durable (with HA, the registry recorder's
   * flush): the operator API answers an update only after it, so an acknowledged change is never lost.
   */
  public void setDurability(Supplier<CompletionStage<Void>> durability) {
    this.durability = durability;
  }

  /** Completes once every change made so far is durable; fails if it cannot be made so. */
  public CompletionStage<Void> durable() {
    return durability.get();
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery after a failover

  /**
   * A new leader takes over what its predecessor recorded, on a fresh master, before serving.
   * Frameworks come back disconnected (a re-SUBSCRIBE with their id is a failover), each removed
   * unless it re-subscribes within its failover_timeout from now. Admitted agents come back
   * recovering: no offers, and their unknown tasks are never reported lost or gone, until they
   * re-register (with their tasks) or {@code agentReregisterTimeout} passes and they become
   * unreachable. Unreachable agents stay so. Runtime weights and quotas go back into the allocator.
   * Listeners hear only that the recovered frameworks are disconnected (their new failover deadlines).
   */
  public void recover(dev.vmesos.api.registry.RegistryProtos.Registry registry, Duration agentReregisterTimeout) {
    registry.getWeightsMap().forEach(allocator::updateWeight);
    for (dev.vmesos.api.registry.RegistryProtos.Registry.Quota quota : registry.getQuotasList()) {
      allocator.updateQuota(quota.getRole(), new Quota(quota.getGuaranteesMap(), quota.getLimitsMap()));
    }
    for (dev.vmesos.api.registry.RegistryProtos.Registry.Framework recovered : registry.getFrameworksList()) {
      FrameworkInfo info = recovered.getInfo();
      String id = info.getId().getValue();
      if (id.isEmpty() || frameworks.containsKey(id)) {
        continue;
      }
      Framework framework = new Framework(id, info);
      frameworks.put(id, framework);
      allocator.addFramework(id, profile(info, List.of()));
      disconnected(framework);
    }
    for (dev.vmesos.api.registry.RegistryProtos.Registry.Agent recovered : registry.getAgentsList()) {
      AgentInfo info = recovered.getInfo();
      String id = info.getId().getValue();
      Agent agent = new Agent(id, info, OfferResources.fromAgent(info.getResourcesList()));
      switch (recovered.getState()) {
        case ADMITTED -> recoveringAgents.put(id, agent);
        case UNREACHABLE -> {
          unreachableAgents.put(id, agent);
          unreachableSince.put(id, recovered.getUnreachableTimeNs());
        }
        default -> {
          // GONE: never comes back; nothing to answer for it but TASK_UNKNOWN/LOST.
        }
      }
    }
    LOG.info("Recovered {} frameworks, {} agents to re-register within {}, {} unreachable agents, {} weights, "
            + "{} quotas", registry.getFrameworksCount(), recoveringAgents.size(), agentReregisterTimeout,
        unreachableAgents.size(), registry.getWeightsCount(), registry.getQuotasCount());
    if (!recoveringAgents.isEmpty()) {
      effects.schedule(agentReregisterTimeout, this::reregistrationTimedOut);
    }
  }

  /** Agents of the recovered registry that have not re-registered yet, by id (for /state). */
  public Map<String, Agent> recoveringAgents() {
    return java.util.Collections.unmodifiableMap(recoveringAgents);
  }

  /**
   * As Mesos after {@code --agent_reregister_timeout}: the agents that did not come back are
   * unreachable, and every framework hears they are lost (FAILURE).
   */
  private void reregistrationTimedOut() {
    long unreachableNanos = clock.millis() * 1_000_000L;
    for (Agent agent : List.copyOf(recoveringAgents.values())) {
      recoveringAgents.remove(agent.id());
      unreachableAgents.put(agent.id(), agent);
      unreachableSince.put(agent.id(), unreachableNanos);
      LOG.warn("Agent {} ({}) of the registry did not re-register in time: it is unreachable", agent.id(),
          agent.info().getHostname());
      for (Framework framework : frameworks.values()) {
        sendEvent(framework, Events.failure(agent.id(), null, null));
      }
      for (MasterListener listener : listeners) {
        listener.agentUnreachable(agent, unreachableNanos);
      }
    }
  }
}
