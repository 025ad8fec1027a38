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
import dev.vmesos.api.internal.Internal.ShutdownFramework;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskID;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.HashMap;
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
  private final OfferBook offerBook;
  private final Frameworks frameworks;
  private final AgentBook agentBook;
  private final AcceptHandler acceptHandler;
  /** What each framework last did with its offers (vmesos extension GET_PENDING). */
  private final OfferUse offerUse = new OfferUse();
  private final Reconciliation reconciliation;
  private final AgentReregistration agentReregistration;
  private boolean allocationPending;
  /** The agent id given to each agent process (RegisterAgent.instance), so a repeated registration gets it again. */
  private final Map<String, String> agentsByInstance = new HashMap<>();
  private final List<MasterListener> listeners = new ArrayList<>();
  private dev.vmesos.api.security.Acls acls = dev.vmesos.api.security.Acls.none();
  /** Completes once every change made so far is durable (the registry); done at once by default. */
  private Supplier<CompletionStage<Void>> durability = () -> CompletableFuture.completedFuture(null);

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
    this.agentBook = new AgentBook(masterInfo.getId(), clock, agentPingInterval, maxAgentPingTimeouts);
    this.masterInfo = masterInfo;
    this.heartbeatInterval = heartbeatInterval;
    this.agentPingInterval = agentPingInterval;
    this.clock = clock;
    this.effects = effects;
    this.allocator = new HierarchicalAllocator(allocatorConfig, clock);
    this.offerBook = new OfferBook(masterInfo.getId(), offerTimeout, effects, allocator, this::offerTimedOut);
    this.frameworks = new Frameworks(masterInfo.getId(), effects, offerBook);
    this.acceptHandler = new AcceptHandler(clock, effects, allocator, offerBook, agentBook, listeners,
        this::requestAllocation);
    acceptHandler.offerUse(offerUse);
    this.reconciliation = new Reconciliation(agentBook, clock);
    this.agentReregistration = new AgentReregistration(clock, effects, allocator, frameworks, listeners);
    effects.schedulePeriodic(agentPingInterval, this::checkAgents);
  }

  public MasterInfo masterInfo() {
    return masterInfo;
  }

  public Map<String, Framework> frameworks() {
    return frameworks.active();
  }

  public Map<String, Agent> agents() {
    return agentBook.registered();
  }

  /** Frameworks removed from this master, oldest first (bounded). */
  public java.util.Collection<Framework> completedFrameworks() {
    return frameworks.completed();
  }

  /**
   * How much history this master keeps in memory, as Mesos's {@code --max_completed_frameworks}
   * (default 50) and {@code --max_completed_tasks_per_framework} (default 1000); the oldest goes
   * first. Like Mesos's, the history is not in the registry: a new leader starts without it.
   */
  public void history(int maxCompletedFrameworks, int maxCompletedTasksPerFramework) {
    if (maxCompletedFrameworks < 0 || maxCompletedTasksPerFramework < 0) {
      throw new IllegalArgumentException("history bounds must not be negative");
    }
    frameworks.history(maxCompletedFrameworks, maxCompletedTasksPerFramework);
  }

  public HierarchicalAllocator allocator() {
    return allocator;
  }

  /** What each framework last did with its offers: used, launched, declined (vmesos extensions). */
  public OfferUse offerUse() {
    return offerUse;
  }

  /**
   * The ACLs ({@code --acls}) this master checks subscriptions ({@code register_frameworks}),
   * launches ({@code run_tasks}) and reservations against; none by default.
   */
  public void acls(dev.vmesos.api.security.Acls newAcls) {
    this.acls = newAcls;
    acceptHandler.acls(newAcls);
  }

  public dev.vmesos.api.security.Acls acls() {
    return acls;
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
    String principal = info.hasPrincipal() && !info.getPrincipal().isEmpty() ? info.getPrincipal() : null;
    for (String role : info.getRolesCount() > 0 ? info.getRolesList() : List.of(info.hasRole() ? info.getRole() : "*")) {
      if (error == null && !acls.allows(dev.vmesos.api.security.Acls.Action.REGISTER_FRAMEWORKS, principal, role)) {
        error = dev.vmesos.api.security.Acls.Action.REGISTER_FRAMEWORKS.refusal(role);
      }
    }
    Framework known = info.hasId() ? frameworks.get(info.getId().getValue()) : null;
    if (error == null && known != null && !java.util.Objects.equals(principal,
        known.info().hasPrincipal() && !known.info().getPrincipal().isEmpty() ? known.info().getPrincipal() : null)) {
      // As Mesos: the one subscribing is not told whose framework it named.
      LOG.warn("Framework {} which had principal '{}' tried to (re)subscribe with principal '{}'", known.id(),
          known.info().getPrincipal(), principal);
      error = "Changing framework's principal is not allowed.";
    }
    if (error != null) {
      LOG.warn("Refusing subscription of framework '{}': {}", info.getName(), error);
      sink.send(Events.error(error));
      sink.close();
      return;
    }
    String id = frameworks.idFor(info);
    info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build();

    Framework framework = frameworks.get(id);
    boolean added = false;
    if (framework == null) {
      framework = frameworks.add(id, info);
      LOG.info("Framework {} ({}) subscribed, roles {}, stream {}", id, info.getName(), framework.roles(),
          sink.streamId());
      added = true;
    } else {
      if (framework.connected()) {
        framework.stream().send(Events.error("Framework failed over"));
        framework.stream().close();
      }
      frameworks.stopTimers(framework);
      rescindOffers(framework);
      framework.info(info);
      LOG.info("Framework {} ({}) re-subscribed (failover), stream {}", id, info.getName(), sink.streamId());
    }
    FrameworkProfile profile = Frameworks.profile(info, call.getSubscribe().getSuppressedRolesList());
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
    frameworks.startHeartbeats(framework, sink, heartbeatInterval);
    requestAllocation();
  }

  /** The HTTP connection of a subscription ended. The framework keeps its tasks until failover_timeout. */
  public void streamClosed(EventSink sink) {
    Framework framework = frameworks.subscribedThrough(sink);
    if (framework != null) {
      disconnected(framework);
    }
  }

  private void disconnected(Framework framework) {
    frameworks.stopTimers(framework);
    framework.stream(null);
    allocator.deactivateFramework(framework.id());
    rescindOffers(framework);
    Duration failover = Duration.ofMillis(Math.round(framework.info().getFailoverTimeout() * 1000));
    LOG.info("Framework {} disconnected; removing it in {} unless it re-subscribes", framework.id(), failover);
    frameworks.startFailoverTimer(framework, failover.isZero() ? Duration.ofMillis(1) : failover, expired -> {
      LOG.info("Framework {} did not re-subscribe within its failover timeout", expired.id());
      removeFramework(expired);
    });
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
        return acceptHandler.accept(framework, call.getAccept());
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
      case RECONCILE -> reconciliation.answer(framework, call.getReconcile())
          .forEach(status -> sendUpdate(framework, status));
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

  private void decline(Framework framework, Call.Decline decline) {
    Duration refuse = OfferBook.refuseDuration(decline.hasFilters() ? decline.getFilters().getRefuseSeconds() : 5.0);
    Map<String, Double> declined = Map.of();
    for (OfferID offerId : decline.getOfferIdsList()) {
      OfferBook.OutstandingOffer offer = offerBook.of(framework.id(), offerId.getValue());
      if (offer == null) {
        LOG.debug("Framework {} declined unknown offer {}", framework.id(), offerId.getValue());
        continue;
      }
      declined = OfferUse.largest(declined, offer.resources());
      offerBook.takeBack(offer, refuse);
    }
    offerUse.declined(framework.id(), declined, clock.instant());
    // No event-triggered run here: declined resources wait for the next batch run, as in Mesos, so a
    // framework declining without a filter is not re-offered the same resources in a tight loop.
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
    if (!agentBook.isRegistered(agentId)) {
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
    if (!agentBook.isRegistered(agentId)) {
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
    String principal = info.getPrincipal().isEmpty() ? null : info.getPrincipal();
    for (String role : info.getRolesCount() > 0 ? info.getRolesList() : List.of(info.hasRole() ? info.getRole() : "*")) {
      if (!acls.allows(dev.vmesos.api.security.Acls.Action.REGISTER_FRAMEWORKS, principal, role)) {
        // As Mesos: a role change the register_frameworks ACL refuses is a 403, the framework unchanged.
        String refusal = dev.vmesos.api.security.Acls.Action.REGISTER_FRAMEWORKS.refusal(role);
        LOG.info("Refused UPDATE_FRAMEWORK of framework {}: {}", framework.id(), refusal);
        return CallResult.forbidden(refusal);
      }
    }
    framework.info(info);
    rescindOffers(framework);
    allocator.updateFramework(framework.id(), Frameworks.profile(info, update.getSuppressedRolesList()));
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
    if (task == null && agentBook.mayRunOnRecoveringAgent(kill.hasAgentId() ? kill.getAgentId().getValue() : null)) {
      // As Mesos: the task may still run on an agent that has not re-registered: nothing to say yet.
      LOG.info("Cannot kill task {} of framework {} yet: it is unknown and its agent may still re-register",
          kill.getTaskId().getValue(), framework.id());
      return;
    }
    if (task == null) {
      // As Mesos: killing a task the master does not know reconciles it.
      LOG.warn("Cannot kill task {} of framework {}: it is unknown; reconciling it", kill.getTaskId().getValue(),
          framework.id());
      sendUpdate(framework, reconciliation.unknownTask(framework, kill.getTaskId(),
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
    if (!agentBook.isRegistered(agentId)) {
      LOG.warn("Framework {} acknowledged an update from unknown agent {}", framework.id(), agentId);
      return CallResult.ACCEPTED;
    }
    Task task = framework.tasks().get(ack.getTaskId().getValue());
    if (task != null && TaskStateMachine.forgetOnAcknowledge(task.state()) && task.latestStatus() != null
        && uuid.equals(task.latestStatus().getUuid())) {
      framework.completeTask(task.id());
    }
    effects.sendToAgent(agentId, StatusUpdateAcknowledgement.newBuilder()
        .setAgentId(ack.getAgentId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setTaskId(ack.getTaskId())
        .setUuid(uuid)
        .build());
    return CallResult.ACCEPTED;
  }

  private void removeFramework(Framework framework) {
    frameworks.stopTimers(framework);
    // As Mesos's removeFramework: the offers are taken back without RESCIND events (the stream ends).
    offerBook.takeBackAllOf(framework.id());
    for (Task task : framework.tasks().values()) {
      if (task.markResourcesRecovered()) {
        allocator.recover(framework.id(), task.agentId(), task.role(), task.resources(), Duration.ZERO);
      }
    }
    // As Mesos's removeFramework: its tasks are implicitly killed, marked TASK_KILLED by the master
    // (no update is sent: the stream ends) and moved to its completed tasks.
    int killed = 0;
    int ended = framework.tasks().size();
    for (Task task : List.copyOf(framework.tasks().values())) {
      if (!TaskStates.isTerminal(task.state())) {
        TaskStatus status = Events.masterStatus(task.info().getTaskId(), task.agentId(), TaskState.TASK_KILLED,
            TaskStatus.Reason.REASON_FRAMEWORK_REMOVED, "Framework " + framework.id() + " removed", clock);
        if (task.info().hasExecutor()) {
          status = status.toBuilder().setExecutorId(task.info().getExecutor().getExecutorId()).build();
        }
        task.update(status);
        killed++;
        for (MasterListener listener : listeners) {
          listener.taskUpdated(task, status);
        }
      }
      framework.completeTask(task.id());
    }
    // Every registered agent, as Mesos's removeFramework: an agent may run an executor of the framework
    // with no live task (idle), which the master's task table does not show.
    ShutdownFramework shutdown = ShutdownFramework.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id())).build();
    for (String agentId : List.copyOf(agentBook.registered().keySet())) {
      effects.sendToAgent(agentId, shutdown);
    }
    if (framework.connected()) {
      framework.stream().close();
    }
    framework.stream(null);
    allocator.removeFramework(framework.id());
    offerUse.forget(framework.id());
    frameworks.remove(framework);
    for (MasterListener listener : listeners) {
      listener.frameworkRemoved(framework);
    }
    LOG.info("Removed framework {} ({} tasks shut down, {} of them marked TASK_KILLED)", framework.id(), ended,
        killed);
    requestAllocation();
  }

  /** Takes back every outstanding offer of a framework, telling it with RESCIND if it listens. */
  private void rescindOffers(Framework framework) {
    for (OfferBook.OutstandingOffer offer : offerBook.takeBackAllOf(framework.id())) {
      sendEvent(framework, Events.rescind(offer.id()));
    }
  }

  /** Takes back every outstanding offer on an agent, telling their frameworks with RESCIND. */
  private void rescindOffersOn(String agentId) {
    for (OfferBook.OutstandingOffer offer : offerBook.takeBackAllOn(agentId)) {
      Framework framework = frameworks.get(offer.frameworkId());
      if (framework != null) {
        sendEvent(framework, Events.rescind(offer.id()));
      }
    }
  }

  /** {@code --offer_timeout}: an offer left unanswered that long is rescinded. */
  private void offerTimedOut(String offerId) {
    OfferBook.OutstandingOffer offer = offerBook.expire(offerId);
    if (offer == null) {
      return;
    }
    LOG.info("Offer {} to framework {} timed out; rescinding it", offerId, offer.frameworkId());
    Framework framework = frameworks.get(offer.frameworkId());
    if (framework != null) {
      sendEvent(framework, Events.rescind(offerId));
    }
    requestAllocation();
  }

  private void sendUpdate(Framework framework, TaskStatus status) {
    sendEvent(framework, Events.update(status));
  }

  private void sendEvent(Framework framework, Event event) {
    framework.send(event);
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  public AgentRegistered registerAgent(RegisterAgent register) {
    String instance = register.getInstance();
    String known = instance.isEmpty() ? null : agentsByInstance.get(instance);
    if (known != null && agentBook.isRegistered(known)) {
      // As Mesos for an agent that retries: the same agent process, so the same id, not a second agent.
      LOG.info("Agent {} at {}:{} already registered; answering its repeated registration with its id", known,
          register.getAgentInfo().getHostname(), register.getAgentInfo().getPort());
      return registered(known);
    }
    Agent agent = agentBook.register(register.getAgentInfo());
    String id = agent.id();
    allocator.addAgent(id, agent.total(), List.of());
    LOG.info("Registered agent {} at {}:{} with {}", id, agent.info().getHostname(), agent.info().getPort(),
        agent.total());
    if (!instance.isEmpty()) {
      // Entries of agents since removed are swept only once they outnumber the live ones: a sweep on
      // every registration made 10,000 registrations quadratic.
      if (agentsByInstance.size() >= 2 * agents().size() + 16) {
        agentsByInstance.values().removeIf(agentId -> !agentBook.isRegistered(agentId));
      }
      agentsByInstance.put(instance, id);
    }
    for (MasterListener listener : listeners) {
      listener.agentAdded(agent);
    }
    requestAllocation();
    return registered(id);
  }

  public AgentRegistered reregisterAgent(ReregisterAgent reregister) {
    AgentInfo info = reregister.getAgentInfo();
    String id = info.getId().getValue();
    List<Task> known = new ArrayList<>();
    if (agentBook.isRegistered(id)) {
      known = frameworks.launchedTasksOn(id);
      rescindOffersOn(id);
      agentReregistration.forgetTasksOn(id);
      allocator.removeAgent(id);
    }
    AgentBook.Readmitted readmitted = agentBook.readmit(info);
    boolean returning = readmitted.returning();
    Resources total = readmitted.agent().total();
    List<Allocation> used = agentReregistration.takeBackTasks(id, reregister.getTasksList(), returning);
    allocator.addAgent(id, total, used);
    LOG.info("Re-registered agent {} at {}:{} with {} and {} tasks{}", id, info.getHostname(), info.getPort(),
        total, reregister.getTasksCount(), returning ? " (it had been unreachable)"
            : readmitted.recovered() ? " (from the registry)" : "");
    agentReregistration.reportTasksTheAgentLost(id, known, reregister.getTasksList());
    for (MasterListener listener : listeners) {
      listener.agentAdded(readmitted.agent());
    }
    requestAllocation();
    return registered(id);
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
    boolean registered = agentBook.ping(agentId);
    return Pong.newBuilder().setSequence(ping.getSequence()).setRegistered(registered).build();
  }

  /** Marks agents that missed {@code max_agent_ping_timeouts} pings in a row unreachable. */
  public void checkAgents() {
    for (String agentId : agentBook.missedPings()) {
      markUnreachable(agentId);
    }
  }

  /**
   * An agent stopped answering: its offers are rescinded, its tasks become TASK_UNREACHABLE for
   * partition-aware frameworks (kept, in case it returns) and TASK_LOST for the others (forgotten).
   */
  private void markUnreachable(String agentId) {
    long unreachableNanos = clock.millis() * 1_000_000L;
    Agent agent = agentBook.markUnreachable(agentId, unreachableNanos);
    LOG.warn("Agent {} ({}) missed {} pings: it is unreachable", agentId, agent.info().getHostname(),
        agentBook.maxPingTimeouts());
    rescindOffersOn(agentId);
    for (Framework framework : frameworks.values()) {
      boolean partitionAware = framework.isPartitionAware();
      for (Task task : framework.tasksOn(agentId)) {
        if (TaskStates.isTerminal(task.state())) {
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
    boolean partitionAware = framework.isPartitionAware();
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
      framework.completeTask(task.id());
    }
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
    return agentBook.unreachable();
  }

  /** A status update from an agent: track it, recover resources when terminal, forward it. */
  public void statusUpdate(StatusUpdate update) {
    TaskStatus status = update.getStatus();
    agentBook.heardFrom(update.getAgentId().getValue());
    String frameworkId = update.getFrameworkId().getValue();
    Framework framework = frameworks.get(frameworkId);
    if (framework == null) {
      // The framework was removed: the agent must drop its tasks and their pending updates,
      // or it would resend them forever.
      LOG.warn("Status update {} of task {} for unknown framework {}; asking agent {} to shut it down",
          status.getState(), status.getTaskId().getValue(), frameworkId, update.getAgentId().getValue());
      if (agentBook.isRegistered(update.getAgentId().getValue())) {
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
      Agent agent = agentBook.get(allocation.agentId());
      if (framework == null || agent == null || !framework.connected()) {
        allocator.recover(allocation.frameworkId(), allocation.agentId(), allocation.role(),
            allocation.resources(), Duration.ZERO);
        continue;
      }
      Resources resources = allocation.resources().allocatedTo(allocation.role());
      Offer offer = offerBook.make(framework, agent, allocation.role(), resources);
      byFramework.computeIfAbsent(framework.id(), k -> new ArrayList<>()).add(offer);
    }
    for (Map.Entry<String, List<Offer>> entry : byFramework.entrySet()) {
      Framework framework = frameworks.get(entry.getKey());
      LOG.debug("Sending {} offers to framework {}", entry.getValue().size(), framework.id());
      framework.stream().send(Events.offers(entry.getValue()));
    }
  }

  /** For tests and metrics. */
  public int outstandingOffers() {
    return offerBook.size();
  }

  /** For tests and metrics: what outstanding offers hold on an agent, allocated to their roles. */
  public Resources offeredOn(String agentId) {
    return offerBook.offeredOn(agentId);
  }

  /** For tests: the status the master last saw for a task. */
  public TaskState taskState(String frameworkId, TaskID taskId) {
    Framework framework = frameworks.get(frameworkId);
    Task task = framework == null ? null : framework.tasks().get(taskId.getValue());
    return task == null ? null : task.state();
  }

  /**
   * vmesos's operator kill ({@code /master/kill_task}): kills a live task as its framework's own KILL
   * would, so the agent kills it and the framework gets TASK_KILLED. The caller has checked that the
   * framework and task are known and the task not terminal.
   */
  public void killTaskForOperator(String frameworkId, String taskId) {
    Framework framework = frameworks.get(frameworkId);
    LOG.info("Operator asked to kill task {} of framework {}", taskId, frameworkId);
    kill(framework, Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).build());
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
      if (id.isEmpty() || frameworks.contains(id)) {
        continue;
      }
      Framework framework = frameworks.add(id, info);
      allocator.addFramework(id, Frameworks.profile(info, List.of()));
      disconnected(framework);
    }
    for (dev.vmesos.api.registry.RegistryProtos.Registry.Agent recovered : registry.getAgentsList()) {
      AgentInfo info = recovered.getInfo();
      String id = info.getId().getValue();
      Agent agent = new Agent(id, info, OfferResources.fromAgent(info.getResourcesList()));
      switch (recovered.getState()) {
        case ADMITTED -> agentBook.recovered(agent);
        case UNREACHABLE -> agentBook.recoveredUnreachable(agent, recovered.getUnreachableTimeNs());
        default -> {
          // GONE: never comes back; nothing to answer for it but TASK_UNKNOWN/LOST.
        }
      }
    }
    LOG.info("Recovered {} frameworks, {} agents to re-register within {}, {} unreachable agents, {} weights, "
            + "{} quotas", registry.getFrameworksCount(), agentBook.recovering().size(),
        agentReregisterTimeout, agentBook.unreachable().size(), registry.getWeightsCount(), registry.getQuotasCount());
    if (!agentBook.recovering().isEmpty()) {
      effects.schedule(agentReregisterTimeout, this::reregistrationTimedOut);
    }
  }

  /** Agents of the recovered registry that have not re-registered yet, by id (for /state). */
  public Map<String, Agent> recoveringAgents() {
    return agentBook.recovering();
  }

  /**
   * As Mesos after {@code --agent_reregister_timeout}: the agents that did not come back are
   * unreachable, and every framework hears they are lost (FAILURE).
   */
  private void reregistrationTimedOut() {
    long unreachableNanos = clock.millis() * 1_000_000L;
    for (Agent agent : List.copyOf(agentBook.recovering().values())) {
      agentBook.giveUpOn(agent, unreachableNanos);
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
