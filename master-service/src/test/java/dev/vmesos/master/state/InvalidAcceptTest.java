package dev.vmesos.master.state;

import static dev.vmesos.master.state.TestResources.ports;
import static dev.vmesos.master.state.TestResources.scalar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.RunTaskGroup;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OperationID;
import dev.vmesos.api.v1.Protos.OperationState;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskGroupInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.state.MasterTest.FakeEffects;
import dev.vmesos.master.state.MasterTest.RecordingSink;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An ACCEPT whose operations name invalid resources: the operation is refused (TASK_ERROR for a
 * launch, dropped for a reservation), the call answers 202, and the whole agent is offered again.
 * Before, such an accept threw halfway: a 500, and the agent's resources never came back.
 */
class InvalidAcceptTest {

  private static final String AGENT = "cpus:4;mem:1024;ports:[31000-32000]";

  private final FakeEffects effects = new FakeEffects();
  private Master master;
  private String agentId;
  private RecordingSink sink;

  @BeforeEach
  void setUp() {
    MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build();
    master = new Master(info, Duration.ofSeconds(15), Duration.ofSeconds(15), new MutableClock(), effects);
    agentId = master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("host").setPort(5051).addAllResources(ResourcesParser.parse(AGENT).toList())).build())
        .getAgentId().getValue();
    sink = subscribe("fw", "web");
    effects.runTimers();
  }

  static Stream<Arguments> invalidResources() {
    return Stream.of(
        Arguments.of("negative cpus", scalar("cpus", -1), "is invalid: Invalid scalar resource: value < 0"),
        Arguments.of("NaN mem", scalar("mem", Double.NaN), "Invalid scalar resource: value NaN is not a finite number"),
        Arguments.of("infinite cpus", scalar("cpus", Double.POSITIVE_INFINITY),
            "Invalid scalar resource: value Infinity is not a finite number"),
        Arguments.of("reversed range", ports(31010, 31005), "Invalid ranges resource: begin > end (31010-31005)"),
        Arguments.of("ports past 65535", ports(65000, 70000),
            "Invalid ranges resource: 65000-70000 is outside 0-65535"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResources")
  void anInvalidLaunchGetsTaskErrorAndTheAgentIsOfferedWhole(String name, Resource bad, String message) {
    Offer offer = sink.lastOffer();
    TaskInfo task = task("t1", offer, List.of(scalar("cpus", 1), bad));

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build()));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(effects.sent(RunTask.class)).isEmpty();
    assertThat(sink.updates()).singleElement().satisfies(status -> {
      assertThat(status.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(status.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
      assertThat(status.getMessage()).startsWith("Task uses invalid resources: Resource '").contains(message);
    });
    assertNextOfferIsTheWholeAgent(offer);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResources")
  void anInvalidLaunchGroupFailsEveryTaskAndTheAgentIsOfferedWhole(String name, Resource bad, String message) {
    Offer offer = sink.lastOffer();
    ExecutorInfo executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue("default")).addResources(scalar("cpus", 0.1)).build();
    TaskGroupInfo group = TaskGroupInfo.newBuilder()
        .addTasks(task("g1", offer, List.of(scalar("cpus", 1))))
        .addTasks(task("g2", offer, List.of(bad))).build();

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder()
        .setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor).setTaskGroup(group)).build()));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(effects.sent(RunTaskGroup.class)).isEmpty();
    assertThat(sink.updates()).extracting(s -> s.getTaskId().getValue() + " " + s.getState() + " " + s.getReason())
        .containsExactly("g1 TASK_ERROR REASON_TASK_GROUP_INVALID", "g2 TASK_ERROR REASON_TASK_GROUP_INVALID");
    assertThat(sink.updates()).allSatisfy(s -> assertThat(s.getMessage()).contains(message));
    assertNextOfferIsTheWholeAgent(offer);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResources")
  void anInvalidReserveIsDroppedWithOperationErrorAndTheAgentIsOfferedWhole(String name, Resource bad,
                                                                           String message) {
    Offer offer = sink.lastOffer();
    Resource reserved = bad.toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole("web")).build();

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setId(OperationID.newBuilder().setValue("op-1"))
        .setReserve(Offer.Operation.Reserve.newBuilder().addResources(reserved)).build()));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(master.agents().get(agentId).total()).isEqualTo(ResourcesParser.parse(AGENT));
    assertThat(sink.ofType(Event.Type.UPDATE_OPERATION_STATUS)).singleElement().satisfies(e -> {
      assertThat(e.getUpdateOperationStatus().getStatus().getState()).isEqualTo(OperationState.OPERATION_ERROR);
      assertThat(e.getUpdateOperationStatus().getStatus().getMessage()).contains(message);
    });
    assertNextOfferIsTheWholeAgent(offer);
  }

  @Test
  void anInvalidUnreserveIsDroppedAndTheAgentIsOfferedWhole() {
    Offer offer = sink.lastOffer();
    Resource reserved = ports(31010, 31005).toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole("web")).build();

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addResources(reserved)).build()));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(master.agents().get(agentId).total()).isEqualTo(ResourcesParser.parse(AGENT));
    assertNextOfferIsTheWholeAgent(offer);
  }

  @Test
  void aReserveOfUnreservedResourcesIsDroppedNotThrown() {
    // It used to fail taking the (absent) newest reservation off, before the check that says so.
    Offer offer = sink.lastOffer();

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addResources(scalar("cpus", 1))).build()));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertNextOfferIsTheWholeAgent(offer);
  }

  @Test
  void anAcceptOfOffersOfTwoAgentsGivesEachAgentItsOwnBack() {
    String second = master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("host2").setPort(5051).addAllResources(ResourcesParser.parse("cpus:2;mem:512").toList()))
        .build()).getAgentId().getValue();
    effects.runTimers();
    List<Offer> offers = sink.ofType(Event.Type.OFFERS).stream().flatMap(e -> e.getOffers().getOffersList().stream())
        .toList();
    assertThat(offers).extracting(o -> o.getAgentId().getValue()).containsExactly(agentId, second);

    CallResult result = call(sink, Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offers.get(0).getId()).addOfferIds(offers.get(1).getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(task("t1", offers.get(0), List.of(scalar("cpus", 1))))))));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(sink.updates()).singleElement().satisfies(s -> assertThat(s.getMessage())
        .isEqualTo("Aggregated offers must belong to one single agent"));
    assertThat(master.allocator().agentFree(agentId)).isEqualTo(ResourcesParser.parse(AGENT));
    assertThat(master.allocator().agentFree(second)).isEqualTo(ResourcesParser.parse("cpus:2;mem:512"));
  }

  @Test
  void twoTasksOfAGroupCannotHoldOnePort() {
    Offer offer = sink.lastOffer();
    ExecutorInfo executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue("default")).build();
    TaskGroupInfo group = TaskGroupInfo.newBuilder()
        .addTasks(task("g1", offer, List.of(scalar("cpus", 1), ports(31000, 31000))))
        .addTasks(task("g2", offer, List.of(scalar("cpus", 1), ports(31000, 31000)))).build();

    call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor).setTaskGroup(group)).build()));

    assertThat(effects.sent(RunTaskGroup.class)).isEmpty();
    assertThat(sink.updates()).hasSize(2).allSatisfy(s -> {
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
      assertThat(s.getMessage()).contains("Task 'g2' uses resources").contains("another task of the group");
    });
    assertNextOfferIsTheWholeAgent(offer);
  }

  @Test
  void whenApplyingStillThrowsTheCallIs500AndNothingIsLost() {
    master.addListener(new MasterListener() {
      @Override
      public void taskAdded(Task task) {
        throw new IllegalStateException("listener failed");
      }
    });
    Offer offer = sink.lastOffer();

    CallResult result = call(sink, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder()
            .addTaskInfos(task("t1", offer, List.of(scalar("cpus", 1), scalar("mem", 128))))).build()));

    assertThat(result).isEqualTo(CallResult.internalError("Failed to apply ACCEPT: listener failed"));
    assertThat(effects.sent(RunTask.class)).as("the task was launched before the listener heard of it").hasSize(1);
    effects.runTimers();
    master.allocate();
    assertThat(Resources.of(sink.lastOffer().getResourcesList()))
        .as("the rest of the agent, whatever the listener did")
        .isEqualTo(ResourcesParser.parse("cpus:3;mem:896;ports:[31000-32000]"));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The accept's offer is gone and the next allocation offers all of the agent again. */
  private void assertNextOfferIsTheWholeAgent(Offer accepted) {
    assertThat(master.outstandingOffers()).isZero();
    assertThat(master.allocator().agentFree(agentId)).isEqualTo(master.agents().get(agentId).total());
    effects.runTimers();
    master.allocate();
    Offer next = sink.lastOffer();
    assertThat(next.getId()).isNotEqualTo(accepted.getId());
    assertThat(Resources.of(next.getResourcesList())).isEqualTo(ResourcesParser.parse(AGENT));
  }

  private RecordingSink subscribe(String name, String role) {
    RecordingSink recording = new RecordingSink("stream-" + name);
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName(name).setRole(role))).build(), recording);
    return recording;
  }

  private CallResult call(RecordingSink recording, Call.Builder call) {
    String frameworkId = recording.ofType(Event.Type.SUBSCRIBED).get(0).getSubscribed().getFrameworkId().getValue();
    return master.call(call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).build(),
        recording.streamId());
  }

  private static Call.Builder accept(Offer offer, Offer.Operation operation) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(operation)
        .setFilters(Filters.newBuilder().setRefuseSeconds(0)));
  }

  private static TaskInfo task(String id, Offer offer, List<Resource> resources) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(resources).build();
  }

}
