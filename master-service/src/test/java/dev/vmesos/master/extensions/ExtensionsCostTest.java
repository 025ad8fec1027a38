package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.state.EventSink;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.MasterEffects;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the extensions cost a master of 10,000 agents (the core, without HTTP): a share sample reads
 * the sorters only, so it costs the same with 100 agents as with 10,000; GET_PENDING and
 * GET_FRAGMENTATION walk the agents once per request. Prints its figures.
 */
class ExtensionsCostTest {

  private static final int FRAMEWORKS = 20;
  private static final int ROLES = 5;

  /** Sends nothing; timers never fire (the test drives the master itself). */
  private static final class NoEffects implements MasterEffects {
    private long next;

    @Override
    public void sendToAgent(String agentId, Message message) {
    }

    @Override
    public long schedule(Duration delay, Runnable action) {
      return next++;
    }

    @Override
    public long schedulePeriodic(Duration period, Runnable action) {
      return next++;
    }

    @Override
    public void cancel(long timerId) {
    }
  }

  private static final class Sink implements EventSink {
    final String id;
    final List<Offer> offers = new ArrayList<>();
    String frameworkId;

    Sink(String id) {
      this.id = id;
    }

    @Override
    public String streamId() {
      return id;
    }

    @Override
    public void send(Event event) {
      if (event.getType() == Event.Type.SUBSCRIBED) {
        frameworkId = event.getSubscribed().getFrameworkId().getValue();
      } else if (event.getType() == Event.Type.OFFERS) {
        offers.addAll(event.getOffers().getOffersList());
      }
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  private record Figures(double sampleMicros, double roundMillis, double pendingMillis, double fragmentationMillis) {
  }

  private static Figures measure(int agents) {
    Master master = new Master(dev.vmesos.api.v1.Protos.MasterInfo.newBuilder().setId("m").setIp(16777343)
        .setPort(5050).build(), Duration.ofSeconds(15), Duration.ofSeconds(15), 5, null, AllocatorConfig.defaults(),
        Clock.systemUTC(), new NoEffects());
    for (int i = 0; i < agents; i++) {
      master.registerAgent(RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h" + i)
          .setPort(5051).addAllResources(ResourcesParser.parse("cpus:8;mem:32768").toList())).build());
    }
    List<Sink> sinks = new ArrayList<>();
    for (int f = 0; f < FRAMEWORKS; f++) {
      Sink sink = new Sink("s" + f);
      master.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
          .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("f" + f).addRoles("r" + (f % ROLES))
              .addCapabilities(FrameworkInfo.Capability.newBuilder()
                  .setType(FrameworkInfo.Capability.Type.MULTI_ROLE)))).build(), sink);
      sinks.add(sink);
    }
    // Rounds as a busy cluster has them: everything is offered, and declined again (the bookkeeping path).
    long roundNanos = 0;
    int rounds = 3;
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      master.allocate();
      roundNanos += System.nanoTime() - start;
      for (Sink sink : sinks) {
        if (sink.offers.isEmpty()) {
          continue;
        }
        Call.Decline.Builder decline = Call.Decline.newBuilder();
        sink.offers.forEach(o -> decline.addOfferIds(o.getId()));
        sink.offers.clear();
        master.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline)
            .setFrameworkId(FrameworkID.newBuilder().setValue(sink.frameworkId)).build(), sink.id);
      }
    }
    master.allocate();  // everything outstanding again: shares are non-zero

    ShareSampler sampler = new ShareSampler(master, Clock.systemUTC());
    ShareHistory history = new ShareHistory(600);
    for (int i = 0; i < 200; i++) {
      history.add(sampler.sample());  // warm-up
    }
    int samples = 2000;
    long start = System.nanoTime();
    for (int i = 0; i < samples; i++) {
      history.add(sampler.sample());
    }
    double sampleMicros = (System.nanoTime() - start) / 1e3 / samples;
    ShareSample last = history.samples().get(history.size() - 1);
    assertThat(last.frameworks()).hasSize(FRAMEWORKS);
    assertThat(last.frameworks().stream().mapToDouble(ShareSample.Framework::share).sum()).isGreaterThan(0.5);

    start = System.nanoTime();
    JsonObject pending = new PendingReport(master, Clock.systemUTC()).build(f -> true);
    double pendingMillis = (System.nanoTime() - start) / 1e6;
    assertThat(pending.getJsonArray("frameworks")).hasSize(FRAMEWORKS);
    start = System.nanoTime();
    JsonObject fragmentation = new FragmentationReport(master, AllocatorConfig.DEFAULT_MIN_ALLOCATABLE).build();
    double fragmentationMillis = (System.nanoTime() - start) / 1e6;
    assertThat(fragmentation.getJsonArray("agents")).hasSize(agents);
    return new Figures(sampleMicros, roundNanos / 1e6 / rounds, pendingMillis, fragmentationMillis);
  }

  @Test
  void aSampleCostsTheSameAt100And10000Agents() {
    Figures small = measure(100);
    Figures large = measure(10_000);
    for (var row : List.of(java.util.Map.entry(100, small), java.util.Map.entry(10_000, large))) {
      System.out.printf("extensions cost, %,d agents, %d frameworks in %d roles: share sample %.1f us;"
              + " allocation round %.1f ms; GET_PENDING %.1f ms; GET_FRAGMENTATION %.1f ms%n", row.getKey(),
          FRAMEWORKS, ROLES, row.getValue().sampleMicros(), row.getValue().roundMillis(),
          row.getValue().pendingMillis(), row.getValue().fragmentationMillis());
    }
    // The sample walks no agent: 100 times the agents does not make it cost much more (or anything near a round).
    assertThat(large.sampleMicros()).isLessThan(small.sampleMicros() * 5 + 50);
    assertThat(large.sampleMicros() / 1000).isLessThan(large.roundMillis());
  }
}
