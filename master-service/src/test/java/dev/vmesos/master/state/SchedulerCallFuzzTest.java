package dev.vmesos.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.codec.WireCodecException;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.http.CallValidation;
import dev.vmesos.master.state.MasterTest.FakeEffects;
import dev.vmesos.master.state.MasterTest.RecordingSink;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * A scheduler call body as {@code /api/v1/scheduler} gets it, hostile: decoded as protobuf or JSON (the
 * first byte chooses), validated as the endpoint validates it, then, if valid, made on a master core
 * with an agent and a subscribed framework holding offers for all of it (the call's framework and its
 * offer ids are replaced by the real ones, so that ACCEPTs reach the offered resources). Every input is
 * refused with {@link WireCodecException} or a validation error, or answered; and afterwards no
 * resource is lost or made up: on the agent, what is offered, what live tasks hold and what the
 * allocator has free add up to its total.
 */
class SchedulerCallFuzzTest {

  private static final dev.vmesos.master.testing.FuzzCounter RUNS = new dev.vmesos.master.testing.FuzzCounter(
      "scheduler call decoding, validation and accounting");
  private static final String AGENT_RESOURCES = "cpus:4;mem:1024;disk:2048;ports:[31000-31999]";

  @FuzzTest(maxDuration = "10s")
  void call(byte[] input) {
    RUNS.run();
    MediaType type = input.length > 0 && (input[0] & 1) == 1 ? MediaType.JSON : MediaType.PROTOBUF;
    byte[] body = input.length == 0 ? input : java.util.Arrays.copyOfRange(input, 1, input.length);
    Call call;
    try {
      call = WireCodec.decode(body, type, Call.getDefaultInstance());
    } catch (WireCodecException refused) {
      return;
    }
    if (CallValidation.validate(call) != null || call.getType() == Call.Type.SUBSCRIBE) {
      return;
    }

    FakeEffects effects = new FakeEffects();
    Master master = new Master(MasterInfo.newBuilder().setId("m").setIp(16777343).setPort(5050).build(),
        Duration.ofSeconds(15), Duration.ofSeconds(15), new MutableClock(), effects);
    AgentInfo agent = AgentInfo.newBuilder().setHostname("host").setPort(5051)
        .addAllResources(ResourcesParser.parse(AGENT_RESOURCES).toList()).build();
    String agentId = master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(agent).build()).getAgentId()
        .getValue();
    RecordingSink sink = new RecordingSink("stream");
    master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("fuzz").setRole("web"))).build(), sink);
    String frameworkId = sink.events.get(0).getSubscribed().getFrameworkId().getValue();
    effects.runTimers();
    List<OfferID> offers = new ArrayList<>();
    master.frameworks().get(frameworkId).offers().values().forEach(offer -> offers.add(offer.getId()));

    Call.Builder aimed = call.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    if (aimed.hasAccept() && !offers.isEmpty()) {
      aimed.getAcceptBuilder().clearOfferIds().addAllOfferIds(offers);
    }
    if (aimed.hasDecline() && !offers.isEmpty()) {
      aimed.getDeclineBuilder().clearOfferIds().addAllOfferIds(offers);
    }
    try {
      CallResult result = master.call(aimed.build(), sink.streamId());
      assertThat(result.status()).isBetween(200, 599);
    } catch (RuntimeException failed) {
      // The endpoint answers these 500 (see SchedulerEndpoint); what matters is that nothing leaked.
    }
    effects.runTimers();
    checkAccounting(master, agentId, aimed.build());
  }

  private static void checkAccounting(Master master, String agentId, Call call) {
    Resources used = Resources.empty();
    for (Framework framework : master.frameworks().values()) {
      for (Task task : framework.tasks().values()) {
        if (task.holdsResources() && task.agentId().equals(agentId)) {
          used = used.plus(task.resources().unallocated());
        }
      }
    }
    Resources total = master.agents().get(agentId).total();
    Resources offered = master.offeredOn(agentId).unallocated();
    Resources free = master.allocator().agentFree(agentId);
    assertThat(master.allocator().agentTotal(agentId)).as("the allocator's total after %s", call).isEqualTo(total);
    assertThat(offered.plus(used).plus(free)).as("offered %s + used %s + free %s after %s", offered, used, free, call)
        .isEqualTo(total);
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
