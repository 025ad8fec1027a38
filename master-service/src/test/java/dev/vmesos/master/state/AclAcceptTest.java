package dev.vmesos.master.state;

import static dev.vmesos.master.state.TestResources.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.security.Acls;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OperationID;
import dev.vmesos.api.v1.Protos.OperationState;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.state.MasterTest.FakeEffects;
import dev.vmesos.master.state.MasterTest.RecordingSink;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACCEPT under {@code --acls}: run_tasks on the user a task runs as, reserve_resources on the role
 * and unreserve_resources on the reserver, the framework's principal being the subject. A refused
 * operation changes nothing and the rest of the accept goes on.
 */
class AclAcceptTest {

  private static final String AGENT = "cpus:4;mem:1024";
  private static final Acls ACLS = Acls.parse("acls", """
      {"permissive": false,
       "register_frameworks": [{"principals": {"type": "ANY"}, "roles": {"type": "ANY"}}],
       "run_tasks": [{"principals": {"values": ["web"]}, "users": {"values": ["www"]}}],
       "reserve_resources": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
       "unreserve_resources": [{"principals": {"values": ["web"]}, "reserver_principals": {"values": ["web"]}}]}""");

  private final FakeEffects effects = new FakeEffects();
  private Master master;
  private String agentId;

  @BeforeEach
  void setUp() {
    MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build();
    master = new Master(info, Duration.ofSeconds(15), Duration.ofSeconds(15), new MutableClock(), effects);
    master.acls(ACLS);
    agentId = master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("host").setPort(5051).addAllResources(ResourcesParser.parse(AGENT).toList())).build())
        .getAgentId().getValue();
  }

  @Test
  void runTasksDecidesOnTheTasksUserElseTheFrameworks() {
    RecordingSink web = subscribe("web");
    Offer offer = web.lastOffer();
    CallResult result = call(web, Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(task("as-www", offer, "www"))
                .addTaskInfos(task("as-root", offer, "root"))
                .addTaskInfos(task("as-framework-user", offer, null))))));

    assertThat(result).isEqualTo(CallResult.ACCEPTED);
    assertThat(effects.sent(RunTask.class)).extracting(r -> r.getTask().getTaskId().getValue())
        .containsExactly("as-www");
    assertThat(web.updates()).extracting(s -> s.getTaskId().getValue() + " " + s.getState() + " " + s.getReason()
        + " " + s.getMessage()).containsExactly(
            "as-root TASK_ERROR REASON_TASK_UNAUTHORIZED Not authorized to run tasks as user 'root'",
            "as-framework-user TASK_ERROR REASON_TASK_UNAUTHORIZED Not authorized to run tasks as user 'u'");
    assertThat(web.updates()).allSatisfy(s -> assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER));
  }

  @Test
  void aReservationTheAclRefusesIsDroppedWithItsReasonAndOneItAllowsIsMade() {
    RecordingSink other = subscribe("other");
    Offer offer = other.lastOffer();
    call(other, accept(offer, reserve("op-refused", "other")));
    assertThat(other.ofType(Event.Type.UPDATE_OPERATION_STATUS)).singleElement().satisfies(e -> {
      assertThat(e.getUpdateOperationStatus().getStatus().getState()).isEqualTo(OperationState.OPERATION_ERROR);
      assertThat(e.getUpdateOperationStatus().getStatus().getMessage())
          .isEqualTo("Not authorized to reserve resources for role 'web'");
    });
    assertThat(master.agents().get(agentId).total()).isEqualTo(ResourcesParser.parse(AGENT));
    master.teardown(frameworkId(other));

    RecordingSink web = subscribe("web");
    call(web, accept(web.lastOffer(), reserve("op-allowed", "web")));
    assertThat(master.agents().get(agentId).total()).isNotEqualTo(ResourcesParser.parse(AGENT));
    assertThat(master.agents().get(agentId).total().toString()).contains("web");
  }

  @Test
  void anUnreserveOfAnotherPrincipalsReservationIsRefused() {
    RecordingSink web = subscribe("web");
    call(web, accept(web.lastOffer(), reserve("op-1", "web")));
    String reserved = master.agents().get(agentId).total().toString();
    master.teardown(frameworkId(web));

    RecordingSink other = subscribe("other");
    effects.runTimers();
    master.allocate();
    Offer offer = other.lastOffer();
    Resource held = offer.getResourcesList().stream().filter(r -> r.getReservationsCount() > 0 || r.hasReservation()).findFirst()
        .orElseThrow(() -> new AssertionError("no reserved resource in " + offer));
    call(other, accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setId(OperationID.newBuilder().setValue("op-2"))
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addResources(held)).build()));
    assertThat(other.ofType(Event.Type.UPDATE_OPERATION_STATUS)).singleElement().satisfies(e ->
        assertThat(e.getUpdateOperationStatus().getStatus().getMessage())
            .isEqualTo("Not authorized to unreserve resources reserved by principal 'web'"));
    assertThat(master.agents().get(agentId).total().toString()).isEqualTo(reserved);
  }

  private static Offer.Operation reserve(String id, String principal) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setId(OperationID.newBuilder().setValue(id))
        .setReserve(Offer.Operation.Reserve.newBuilder().addResources(scalar("cpus", 1).toBuilder()
            .addReservations(Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.DYNAMIC)
                .setRole("web").setPrincipal(principal)))).build();
  }

  private RecordingSink subscribe(String principal) {
    RecordingSink recording = new RecordingSink("stream-" + principal);
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName(principal).setRole("web")
            .setPrincipal(principal))).build(), recording);
    effects.runTimers();
    master.allocate();
    return recording;
  }

  private static String frameworkId(RecordingSink recording) {
    return recording.ofType(Event.Type.SUBSCRIBED).get(0).getSubscribed().getFrameworkId().getValue();
  }

  private CallResult call(RecordingSink recording, Call.Builder call) {
    return master.call(call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId(recording))).build(),
        recording.streamId());
  }

  private static Call.Builder accept(Offer offer, Offer.Operation operation) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(operation)
        .setFilters(Filters.newBuilder().setRefuseSeconds(0)));
  }

  private static TaskInfo task(String id, Offer offer, String user) {
    CommandInfo.Builder command = CommandInfo.newBuilder().setValue("true");
    if (user != null) {
      command.setUser(user);
    }
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId()).setCommand(command)
        .addResources(scalar("cpus", 0.5)).build();
  }
}
