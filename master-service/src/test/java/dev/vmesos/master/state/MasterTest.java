package dev.vmesos.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.ShutdownFramework;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The master core without Vert.x: calls in, events and agent messages out. */
class MasterTest {

  private MutableClock clock;
  private FakeEffects effects;
  private Master master;
  private int nextStream;

  /** Records what the master sends and keeps timers to fire by hand. */
  static final class FakeEffects implements MasterEffects {
    final List<Message> toAgents = new ArrayList<>();
    final List<String> recipients = new ArrayList<>();
    final TreeMap<Long, Runnable> timers = new TreeMap<>();
    long nextTimer;

    @Override
    public void sendToAgent(String agentId, Message message) {
      toAgents.add(message);
      recipients.add(agentId);
    }

    @Override
    public long schedule(Duration delay, Runnable action) {
      timers.put(nextTimer, action);
      return nextTimer++;
    }

    @Override
    public long schedulePeriodic(Duration period, Runnable action) {
      return nextTimer++;
    }

    @Override
    public void cancel(long timerId) {
      timers.remove(timerId);
    }

    void runTimers() {
      while (!timers.isEmpty()) {
        timers.pollFirstEntry().getValue().run();
      }
    }

    <T extends Message> List<T> sent(Class<T> type) {
      return toAgents.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The agents that were sent a message of {@code type}, in order. */
    List<String> recipientsOf(Class<? extends Message> type) {
      List<String> agents = new ArrayList<>();
      for (int i = 0; i < toAgents.size(); i++) {
        if (type.isInstance(toAgents.get(i))) {
          agents.add(recipients.get(i));
        }
      }
      return agents;
    }
  }

  static final class RecordingSink implements EventSink {
    final String id;
    final List<Event> events = new ArrayList<>();
    boolean open = true;

    RecordingSink(String id) {
      this.id = id;
    }

    @Override
    public String streamId() {
      return id;
    }

    @Override
    public void send(Event event) {
      if (open) {
        events.add(event);
      }
    }

    @Override
    public void close() {
      open = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    List<Event> ofType(Event.Type type) {
      return events.stream().filter(e -> e.getType() == type).toList();
    }

    List<TaskStatus> updates() {
      return ofType(Event.Type.UPDATE).stream().map(e -> e.getUpdate().getStatus()).toList();
    }

    Offer lastOffer() {
      List<Event> offers = ofType(Event.Type.OFFERS);
      assertThat(offers).as("offers received").isNotEmpty();
      return offers.get(offers.size() - 1).getOffers().getOffers(0);
    }
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock();
    effects = new FakeEffects();
    MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build();
    master = new Master(info, Duration.ofSeconds(15), Duration.ofSeconds(15), clock, effects);
  }

  private String agent(String resources) {
    AgentInfo info = AgentInfo.newBuilder().setHostname("host").setPort(5051)
        .addAllResources(ResourcesParser.parse(resources).toList()).build();
    AgentRegistered registered = master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(info).build());
    return registered.getAgentId().getValue();
  }

  @Test
  void aRepeatedRegistrationOfTheSameAgentProcessGetsItsIdAgainNotASecondAgent() {
    AgentInfo info = AgentInfo.newBuilder().setHostname("host").setPort(5051)
        .addAllResources(ResourcesParser.parse("cpus:2;mem:1024").toList()).build();
    RegisterAgent first = RegisterAgent.newBuilder().setAgentInfo(info).setInstance("process-1").build();

    String id = master.registerAgent(first).getAgentId().getValue();
    String again = master.registerAgent(first).getAgentId().getValue();
    String restarted = master.registerAgent(first.toBuilder().setInstance("process-2").build())
        .getAgentId().getValue();

    assertThat(again).isEqualTo(id);
    assertThat(restarted).as("a new agent process is a new agent").isNotEqualTo(id);
    assertThat(master.agents()).containsOnlyKeys(id, restarted);
  }

  private RecordingSink subscribe(String name) {
    RecordingSink sink = new RecordingSink("stream-" + nextStream++);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("u").setName(name).build();
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build(), sink);
    return sink;
  }

  private RecordingSink subscribe(FrameworkInfo info) {
    RecordingSink sink = new RecordingSink("stream-" + nextStream++);
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build(), sink);
    return sink;
  }

  private static String frameworkId(RecordingSink sink) {
    return sink.ofType(Event.Type.SUBSCRIBED).get(0).getSubscribed().getFrameworkId().getValue();
  }

  private CallResult call(RecordingSink sink, Call.Builder call) {
    return master.call(call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId(sink))).build(),
        sink.streamId());
  }

  private static TaskInfo task(String id, Offer offer, String resources) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(ResourcesParser.parse(resources).toList())
        .build();
  }

  private static Call.Builder launch(Offer offer, double refuseSeconds, TaskInfo... tasks) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)));
  }

  private StatusUpdate agentUpdate(String frameworkId, String agentId, String taskId, TaskState state) {
    return StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setAgentId(AgentID.newBuilder().setValue(agentId))
            .setUuid(ByteString.copyFrom(new byte[16])))
        .build();
  }

  @Test
  void subscribeSendsSubscribedAndHeartbeatThenOffersTheAgent() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    assertThat(sink.events).extracting(Event::getType).containsExactly(Event.Type.SUBSCRIBED, Event.Type.HEARTBEAT);

    effects.runTimers();

    Offer offer = sink.lastOffer();
    assertThat(Resources.of(offer.getResourcesList())).isEqualTo(ResourcesParser.parse("cpus:4;mem:1024"));
    assertThat(offer.getResourcesList()).allSatisfy(r -> {
      assertThat(r.getRole()).as("pre-refinement role for a legacy framework").isEqualTo("*");
      assertThat(r.hasAllocationInfo()).as("no allocation_info without MULTI_ROLE").isFalse();
    });
  }

  @Test
  void launchSendsRunTaskAndGivesTheRestBack() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();

    CallResult result = call(sink, launch(offer, 0, task("t1", offer, "cpus:1;mem:256")));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(effects.sent(RunTask.class)).singleElement()
        .satisfies(run -> assertThat(run.getTask().getTaskId().getValue()).isEqualTo("t1"));
    assertThat(master.taskState(frameworkId(sink), TaskID.newBuilder().setValue("t1").build()))
        .isEqualTo(TaskState.TASK_STAGING);
    effects.runTimers();
    master.allocate();
    assertThat(Resources.of(sink.lastOffer().getResourcesList())).isEqualTo(ResourcesParser.parse("cpus:3;mem:768"));
  }

  @Test
  void anExecutorsResourcesAreChargedOnceWithTheFirstTaskThatStartsIt() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();
    dev.vmesos.api.v1.Protos.ExecutorInfo executor = dev.vmesos.api.v1.Protos.ExecutorInfo.newBuilder()
        .setType(dev.vmesos.api.v1.Protos.ExecutorInfo.Type.CUSTOM)
        .setExecutorId(dev.vmesos.api.v1.Protos.ExecutorID.newBuilder().setValue("shared"))
        .setCommand(CommandInfo.newBuilder().setValue("run-executor"))
        .addAllResources(ResourcesParser.parse("cpus:0.5;mem:64").toList())
        .build();
    TaskInfo first = task("e1", offer, "cpus:1;mem:128").toBuilder().clearCommand().setExecutor(executor).build();
    TaskInfo second = task("e2", offer, "cpus:1;mem:128").toBuilder().clearCommand().setExecutor(executor).build();

    assertThat(call(sink, launch(offer, 0, first, second))).isEqualTo(CallResult.ACCEPTED);

    assertThat(effects.sent(RunTask.class)).hasSize(2);
    effects.runTimers();
    master.allocate();
    // 4 - 1 - 1 - 0.5 cpus and 1024 - 128 - 128 - 64 MB: the executor counted once.
    assertThat(Resources.of(sink.lastOffer().getResourcesList())).isEqualTo(ResourcesParser.parse("cpus:1.5;mem:704"));
  }

  @Test
  void invalidTasksGetTaskErrorAndLaunchNothing() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();

    call(sink, launch(offer, 0,
        task("too-big", offer, "cpus:8;mem:256"),
        task("ok", offer, "cpus:1;mem:128"),
        task("ok", offer, "cpus:1;mem:128")));

    assertThat(effects.sent(RunTask.class)).extracting(r -> r.getTask().getTaskId().getValue()).containsExactly("ok");
    assertThat(sink.updates()).extracting(s -> s.getTaskId().getValue() + " " + s.getState() + " " + s.getReason())
        .containsExactly("too-big TASK_ERROR REASON_TASK_INVALID", "ok TASK_ERROR REASON_TASK_INVALID");
    assertThat(sink.updates()).allSatisfy(s -> assertThat(s.hasUuid()).as("master updates need no ack").isFalse());
    assertThat(sink.updates().get(1).getMessage()).contains("duplicate");
  }

  @Test
  void acceptingAnUnknownOfferLosesTheTasks() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer().toBuilder().setId(dev.vmesos.api.v1.Protos.OfferID.newBuilder().setValue("bogus"))
        .build();

    call(sink, launch(offer, 0, task("t1", offer, "cpus:1;mem:128")));

    assertThat(effects.sent(RunTask.class)).isEmpty();
    assertThat(sink.updates()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
    });
  }

  @Test
  void aDeclinedAgentGoesToTheOtherFrameworkUntilTheFilterExpires() {
    agent("cpus:4;mem:1024");
    RecordingSink a = subscribe("a");
    RecordingSink b = subscribe("b");
    effects.runTimers();
    Offer offer = a.lastOffer();
    assertThat(b.ofType(Event.Type.OFFERS)).isEmpty();

    call(a, Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
        .addOfferIds(offer.getId()).setFilters(Filters.newBuilder().setRefuseSeconds(10))));
    master.allocate();

    assertThat(b.ofType(Event.Type.OFFERS)).hasSize(1);
  }

  @Test
  void updatesAreForwardedAndTerminalOnesFreeTheResources() {
    String agentId = agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();
    call(sink, launch(offer, 3600, task("t1", offer, "cpus:1;mem:128")));
    String fw = frameworkId(sink);

    master.statusUpdate(agentUpdate(fw, agentId, "t1", TaskState.TASK_RUNNING));
    master.statusUpdate(agentUpdate(fw, agentId, "t1", TaskState.TASK_FINISHED));

    assertThat(sink.updates()).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    CallResult ack = call(sink, Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(
        Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
            .setTaskId(TaskID.newBuilder().setValue("t1")).setUuid(ByteString.copyFrom(new byte[16]))));
    assertThat(ack).isEqualTo(CallResult.ACCEPTED);
    assertThat(effects.sent(StatusUpdateAcknowledgement.class)).hasSize(1);
    assertThat(master.taskState(fw, TaskID.newBuilder().setValue("t1").build()))
        .as("forgotten once its terminal update is acknowledged").isNull();
  }

  @Test
  void acknowledgeWithABadUuidIs400() {
    String agentId = agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");

    CallResult result = call(sink, Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(
        Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
            .setTaskId(TaskID.newBuilder().setValue("t1")).setUuid(ByteString.copyFromUtf8("short"))));

    assertThat(result.status()).isEqualTo(400);
    assertThat(effects.sent(StatusUpdateAcknowledgement.class)).isEmpty();
  }

  @Test
  void teardownShutsTheFrameworkDownOnItsAgentsAndClosesTheStream() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();
    call(sink, launch(offer, 0, task("t1", offer, "cpus:1;mem:128")));

    assertThat(call(sink, Call.newBuilder().setType(Call.Type.TEARDOWN))).isEqualTo(CallResult.ACCEPTED);

    assertThat(effects.sent(ShutdownFramework.class)).hasSize(1);
    assertThat(sink.isOpen()).isFalse();
    assertThat(master.frameworks()).isEmpty();
  }

  @Test
  void teardownShutsTheFrameworkDownOnEveryAgentEvenWhereItHasNoLiveTask() {
    String busy = agent("cpus:4;mem:1024");
    String idle = agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.events.stream().filter(e -> e.getType() == Event.Type.OFFERS)
        .flatMap(e -> e.getOffers().getOffersList().stream())
        .filter(o -> o.getAgentId().getValue().equals(busy)).findFirst().orElseThrow();
    call(sink, launch(offer, 0, task("t1", offer, "cpus:1;mem:128")));

    assertThat(call(sink, Call.newBuilder().setType(Call.Type.TEARDOWN))).isEqualTo(CallResult.ACCEPTED);

    // The idle agent may still run an executor of the framework with no task left (Mesos tells every agent).
    assertThat(effects.recipientsOf(ShutdownFramework.class)).containsExactlyInAnyOrder(busy, idle);
    assertThat(effects.sent(ShutdownFramework.class))
        .allSatisfy(s -> assertThat(s.getFrameworkId().getValue()).isEqualTo(frameworkId(sink)));
  }

  @Test
  void anUpdateForARemovedFrameworkShutsItDownOnTheAgent() {
    String agentId = agent("cpus:4;mem:1024");

    master.statusUpdate(agentUpdate("gone", agentId, "t1", TaskState.TASK_RUNNING));

    assertThat(effects.sent(ShutdownFramework.class)).singleElement()
        .satisfies(s -> assertThat(s.getFrameworkId().getValue()).isEqualTo("gone"));
  }

  @Test
  void aDisconnectedFrameworkWithoutFailoverTimeoutIsRemoved() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    sink.close();

    master.streamClosed(sink);
    effects.runTimers();

    assertThat(master.frameworks()).isEmpty();
  }

  @Test
  void multiRoleFrameworksGetOffersPerRoleWithAllocationInfo() {
    agent("cpus:4;mem:1024");
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe(FrameworkInfo.newBuilder().setUser("u").setName("multi")
        .addRoles("a").addRoles("b")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
        .addCapabilities(FrameworkInfo.Capability.newBuilder()
            .setType(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))
        .build());
    effects.runTimers();

    List<Offer> offers = sink.ofType(Event.Type.OFFERS).get(0).getOffers().getOffersList();

    assertThat(offers).extracting(o -> o.getAllocationInfo().getRole()).containsExactlyInAnyOrder("a", "b");
    assertThat(offers).allSatisfy(o -> assertThat(o.getResourcesList()).allSatisfy(r -> {
      assertThat(r.getAllocationInfo().getRole()).isEqualTo(o.getAllocationInfo().getRole());
      assertThat(r.hasRole()).as("no legacy role for a refinement-aware framework").isFalse();
    }));
  }

  @Test
  void reservedResourcesComeBackOnlyToTheirRole() {
    String agentId = agent("cpus:4;mem:1024");
    RecordingSink web = subscribe(FrameworkInfo.newBuilder().setUser("u").setName("web").setRole("web").build());
    effects.runTimers();
    Offer offer = web.lastOffer();
    dev.vmesos.api.v1.Protos.Resource reserved = dev.vmesos.api.v1.Protos.Resource.newBuilder()
        .setName("cpus").setType(dev.vmesos.api.v1.Protos.Value.Type.SCALAR)
        .setScalar(dev.vmesos.api.v1.Protos.Value.Scalar.newBuilder().setValue(2))
        .addReservations(dev.vmesos.api.v1.Protos.Resource.ReservationInfo.newBuilder()
            .setType(dev.vmesos.api.v1.Protos.Resource.ReservationInfo.Type.DYNAMIC).setRole("web"))
        .build();
    call(web, Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
            .setReserve(Offer.Operation.Reserve.newBuilder().addResources(reserved)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))));
    Resources total = master.agents().get(agentId).total();
    assertThat(total.reservedTo("web").scalar("cpus")).as("2 cpus now reserved to web").isEqualTo(2.0);
    assertThat(total.unreserved()).isEqualTo(ResourcesParser.parse("cpus:2;mem:1024"));

    RecordingSink batch = subscribe(FrameworkInfo.newBuilder().setUser("u").setName("batch").setRole("batch").build());
    call(web, Call.newBuilder().setType(Call.Type.SUPPRESS));
    effects.runTimers();
    master.allocate();

    assertThat(Resources.of(batch.lastOffer().getResourcesList()).scalar("cpus"))
        .as("batch sees only the unreserved cpus").isEqualTo(2.0);
  }

  @Test
  void anUnansweredOfferIsRescindedAfterTheOfferTimeout() {
    master = new Master(MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build(),
        Duration.ofSeconds(15), Duration.ofSeconds(15), 5, Duration.ofSeconds(30),
        dev.vmesos.master.allocator.AllocatorConfig.defaults(), clock, effects);
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.timers.pollFirstEntry().getValue().run(); // the allocation
    Offer offer = sink.lastOffer();

    effects.timers.pollFirstEntry().getValue().run(); // the offer timeout fires

    assertThat(sink.ofType(Event.Type.RESCIND)).singleElement()
        .satisfies(e -> assertThat(e.getRescind().getOfferId()).isEqualTo(offer.getId()));
    assertThat(master.outstandingOffers()).isZero();
    effects.timers.pollFirstEntry().getValue().run(); // the allocation it asked for
    assertThat(master.outstandingOffers()).as("offered again").isEqualTo(1);
    assertThat(sink.lastOffer().getId()).isNotEqualTo(offer.getId());
  }

  private static FrameworkInfo partitionAware(String name) {
    return FrameworkInfo.newBuilder().setUser("u").setName(name)
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .build();
  }

  private String launchOne(RecordingSink sink, String taskId) {
    effects.runTimers();
    Offer offer = sink.lastOffer();
    call(sink, launch(offer, 0, task(taskId, offer, "cpus:1;mem:128")));
    return offer.getAgentId().getValue();
  }

  @Test
  void aLaunchThatNeverReachesItsAgentLosesOrDropsItsTasksAndFreesTheirResources() {
    agent("cpus:4;mem:1024");
    RecordingSink plain = subscribe("plain");
    String agentId = launchOne(plain, "p1");
    RecordingSink aware = subscribe(partitionAware("aware"));
    launchOne(aware, "a1");

    master.launchNotDelivered(agentId, frameworkId(plain), List.of(TaskID.newBuilder().setValue("p1").build()));
    master.launchNotDelivered(agentId, frameworkId(aware), List.of(TaskID.newBuilder().setValue("a1").build()));

    assertThat(plain.updates()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_DISCONNECTED);
      assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(s.getMessage()).isEqualTo("The task could not be delivered to agent " + agentId);
    });
    assertThat(aware.updates()).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(TaskState.TASK_DROPPED));
    assertThat(master.taskState(frameworkId(plain), TaskID.newBuilder().setValue("p1").build()))
        .as("forgotten").isNull();
    effects.runTimers();
    master.allocate();
    assertThat(List.of(plain.lastOffer(), aware.lastOffer())).as("both tasks' resources are offered again")
        .anySatisfy(o -> assertThat(Resources.of(o.getResourcesList()))
            .isEqualTo(ResourcesParser.parse("cpus:4;mem:1024")));
  }

  @Test
  void anAgentThatStopsPingingIsUnreachableItsTasksLostOrUnreachable() {
    agent("cpus:4;mem:1024");
    RecordingSink plain = subscribe("plain");
    RecordingSink aware = subscribe(partitionAware("aware"));
    String agentId = launchOne(plain, "p1");
    launchOne(aware, "a1");
    clock.advance(Duration.ofSeconds(15 * 5 - 1));
    master.checkAgents();
    assertThat(master.agents()).as("not yet: 5 pings may be missed").containsKey(agentId);

    clock.advance(Duration.ofSeconds(2));
    master.checkAgents();

    assertThat(master.agents()).doesNotContainKey(agentId);
    assertThat(master.unreachableAgents()).containsKey(agentId);
    assertThat(plain.updates()).last().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
    });
    assertThat(aware.updates()).last().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
      assertThat(s.hasUnreachableTime()).isTrue();
    });
    assertThat(master.ping(dev.vmesos.api.internal.Internal.Ping.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId)).build()).getRegistered())
        .as("its next ping tells it to re-register").isFalse();
  }

  @Test
  void reconcilingOrKillingAnUnknownTaskAnswersAsMesosByWhereItsAgentIs() {
    String registered = agent("cpus:4;mem:1024");
    String lost = agent("cpus:4;mem:1024");
    RecordingSink plain = subscribe("plain");
    RecordingSink aware = subscribe(partitionAware("aware"));
    // The second agent stops pinging: unreachable.
    clock.advance(Duration.ofSeconds(15 * 5 + 1));
    master.ping(dev.vmesos.api.internal.Internal.Ping.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(registered)).build());
    master.checkAgents();
    assertThat(master.unreachableAgents()).containsOnlyKeys(lost);

    for (RecordingSink sink : List.of(plain, aware)) {
      Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
      for (String agentId : new String[] {registered, lost, "nowhere", null}) {
        Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue("ghost-" + agentId));
        if (agentId != null) {
          task.setAgentId(AgentID.newBuilder().setValue(agentId));
        }
        reconcile.addTasks(task);
      }
      assertThat(call(sink, Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(reconcile)))
          .isEqualTo(CallResult.ACCEPTED);
      assertThat(call(sink, Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue("ghost-kill"))))).isEqualTo(CallResult.ACCEPTED);
    }

    List<TaskStatus> plainUpdates = plain.updates().subList(plain.updates().size() - 5, plain.updates().size());
    assertThat(plainUpdates).extracting(TaskStatus::getState).containsOnly(TaskState.TASK_LOST);
    List<TaskStatus> awareUpdates = aware.updates().subList(aware.updates().size() - 5, aware.updates().size());
    assertThat(awareUpdates).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_GONE,
        TaskState.TASK_UNREACHABLE, TaskState.TASK_UNKNOWN, TaskState.TASK_UNKNOWN, TaskState.TASK_UNKNOWN);
    assertThat(awareUpdates).extracting(TaskStatus::getMessage).containsExactly(
        "Reconciliation: Task is unknown to the agent", "Reconciliation: Task is unreachable",
        "Reconciliation: Task is unknown", "Reconciliation: Task is unknown", "Reconciliation: Task is unknown");
    assertThat(awareUpdates).allSatisfy(status -> {
      assertThat(status.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
      assertThat(status.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(status.hasUuid()).as("reconciliation updates are not acknowledged").isFalse();
    });
    assertThat(awareUpdates.get(1).hasUnreachableTime()).isTrue();
    assertThat(awareUpdates.get(0).getAgentId().getValue()).isEqualTo(registered);
  }

  @Test
  void tasksARestartedAgentNoLongerReportsAreLostOrGoneAndTheOthersKept() {
    agent("cpus:4;mem:1024");
    RecordingSink plain = subscribe("plain");
    String agentId = launchOne(plain, "p1");
    launchOne(plain, "p2");
    RecordingSink aware = subscribe(partitionAware("aware"));
    launchOne(aware, "a1");
    List<RunTask> runs = effects.sent(RunTask.class);
    for (RunTask run : runs) {
      master.statusUpdate(agentUpdate(run.getFrameworkInfo().getId().getValue(), agentId,
          run.getTask().getTaskId().getValue(), TaskState.TASK_RUNNING));
    }
    int plainUpdates = plain.updates().size();
    int awareUpdates = aware.updates().size();

    // The agent restarted: only p2 survived.
    RunTask survivor = runs.stream().filter(r -> r.getTask().getTaskId().getValue().equals("p2")).findFirst()
        .orElseThrow();
    master.reregisterAgent(dev.vmesos.api.internal.Internal.ReregisterAgent.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("host").setPort(5051)
            .setId(AgentID.newBuilder().setValue(agentId))
            .addAllResources(ResourcesParser.parse("cpus:4;mem:1024").toList()))
        .addTasks(dev.vmesos.api.internal.Internal.RunningTask.newBuilder()
            .setFrameworkId(survivor.getFrameworkInfo().getId()).setFrameworkInfo(survivor.getFrameworkInfo())
            .setTask(survivor.getTask()).setState(TaskState.TASK_RUNNING))
        .build());

    assertThat(plain.updates().subList(plainUpdates, plain.updates().size())).singleElement().satisfies(s -> {
      assertThat(s.getTaskId().getValue()).isEqualTo("p1");
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REREGISTERED);
    });
    assertThat(aware.updates().subList(awareUpdates, aware.updates().size())).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(TaskState.TASK_GONE));
    assertThat(master.taskState(frameworkId(plain), TaskID.newBuilder().setValue("p2").build()))
        .isEqualTo(TaskState.TASK_RUNNING);
    assertThat(master.taskState(frameworkId(plain), TaskID.newBuilder().setValue("p1").build())).isNull();
  }

  @Test
  void aReturningAgentKeepsPartitionAwareTasksAndKillsTheLostOnes() {
    agent("cpus:4;mem:1024");
    RecordingSink plain = subscribe("plain");
    RecordingSink aware = subscribe(partitionAware("aware"));
    String agentId = launchOne(plain, "p1");
    launchOne(aware, "a1");
    List<RunTask> runs = effects.sent(RunTask.class);
    clock.advance(Duration.ofSeconds(100));
    master.checkAgents();

    dev.vmesos.api.internal.Internal.ReregisterAgent.Builder back = dev.vmesos.api.internal.Internal.ReregisterAgent
        .newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("host").setPort(5051)
            .setId(AgentID.newBuilder().setValue(agentId))
            .addAllResources(ResourcesParser.parse("cpus:4;mem:1024").toList()));
    for (RunTask run : runs) {
      back.addTasks(dev.vmesos.api.internal.Internal.RunningTask.newBuilder()
          .setFrameworkId(run.getFrameworkInfo().getId()).setFrameworkInfo(run.getFrameworkInfo())
          .setTask(run.getTask()).setState(TaskState.TASK_RUNNING));
    }
    master.reregisterAgent(back.build());

    assertThat(master.agents()).containsKey(agentId);
    assertThat(master.taskState(frameworkId(aware), TaskID.newBuilder().setValue("a1").build()))
        .isEqualTo(TaskState.TASK_RUNNING);
    assertThat(master.taskState(frameworkId(plain), TaskID.newBuilder().setValue("p1").build())).isNull();
    assertThat(effects.sent(dev.vmesos.api.internal.Internal.KillTask.class))
        .extracting(k -> k.getTaskId().getValue()).containsExactly("p1");
  }

  @Test
  void updateFrameworkChangesTheInfoAndAnswers200() {
    RecordingSink sink = subscribe("before");
    FrameworkInfo updated = FrameworkInfo.newBuilder().setUser("u").setName("after")
        .setId(FrameworkID.newBuilder().setValue(frameworkId(sink))).setFailoverTimeout(60).build();

    CallResult ok = call(sink, Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK)
        .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(updated)));

    assertThat(ok.status()).isEqualTo(200);
    assertThat(master.frameworks().get(frameworkId(sink)).info().getName()).isEqualTo("after");
    CallResult wrongId = call(sink, Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK)
        .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(
            updated.toBuilder().setId(FrameworkID.newBuilder().setValue("other")))));
    assertThat(wrongId.status()).isEqualTo(400);
    CallResult newUser = call(sink, Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK)
        .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(updated.toBuilder().setUser("x"))));
    assertThat(newUser.status()).isEqualTo(400);
    assertThat(master.frameworks().get(frameworkId(sink)).info().getUser()).as("unchanged").isEqualTo("u");
  }

  @Test
  void shutdownAndMessageGoToTheAgent() {
    String agentId = agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    AgentID agent = AgentID.newBuilder().setValue(agentId).build();
    dev.vmesos.api.v1.Protos.ExecutorID executor = dev.vmesos.api.v1.Protos.ExecutorID.newBuilder()
        .setValue("e1").build();

    assertThat(call(sink, Call.newBuilder().setType(Call.Type.SHUTDOWN)
        .setShutdown(Call.Shutdown.newBuilder().setAgentId(agent).setExecutorId(executor))))
        .isEqualTo(CallResult.ACCEPTED);
    assertThat(call(sink, Call.newBuilder().setType(Call.Type.MESSAGE)
        .setMessage(Call.Message.newBuilder().setAgentId(agent).setExecutorId(executor)
            .setData(ByteString.copyFromUtf8("hi"))))).isEqualTo(CallResult.ACCEPTED);

    assertThat(effects.sent(dev.vmesos.api.internal.Internal.ShutdownExecutor.class)).singleElement()
        .satisfies(m -> assertThat(m.getExecutorId()).isEqualTo(executor));
    assertThat(effects.sent(dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage.class)).singleElement()
        .satisfies(m -> assertThat(m.getData().toStringUtf8()).isEqualTo("hi"));

    master.executorMessage(dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId(sink))).setExecutorId(executor)
        .setAgentId(agent).setData(ByteString.copyFromUtf8("back")).build());
    assertThat(sink.ofType(Event.Type.MESSAGE)).singleElement()
        .satisfies(e -> assertThat(e.getMessage().getData().toStringUtf8()).isEqualTo("back"));
  }

  @Test
  void unsupportedOperationsAreAnsweredNotIgnored() {
    agent("cpus:4;mem:1024");
    RecordingSink sink = subscribe("fw");
    effects.runTimers();
    Offer offer = sink.lastOffer();

    call(sink, Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.CREATE)
            .setId(dev.vmesos.api.v1.Protos.OperationID.newBuilder().setValue("op-1")))
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
            .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder()
                .setExecutor(dev.vmesos.api.v1.Protos.ExecutorInfo.newBuilder()
                    .setExecutorId(dev.vmesos.api.v1.Protos.ExecutorID.newBuilder().setValue("e")))
                .setTaskGroup(dev.vmesos.api.v1.Protos.TaskGroupInfo.newBuilder()
                    .addTasks(task("g1", offer, "cpus:1;mem:32")))))));

    assertThat(sink.ofType(Event.Type.UPDATE_OPERATION_STATUS)).singleElement().satisfies(e -> {
      assertThat(e.getUpdateOperationStatus().getStatus().getOperationId().getValue()).isEqualTo("op-1");
      assertThat(e.getUpdateOperationStatus().getStatus().getState())
          .isEqualTo(dev.vmesos.api.v1.Protos.OperationState.OPERATION_ERROR);
    });
    assertThat(sink.updates()).singleElement().satisfies(s -> {
      assertThat(s.getTaskId().getValue()).isEqualTo("g1");
      assertThat(s.getState()).isEqualTo(TaskState.TASK_ERROR);
    });
    assertThat(effects.sent(RunTask.class)).isEmpty();
  }
}
