package dev.vmesos.master.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorder against a store whose writes the test completes by hand. */
class RegistryRecorderTest {

  private Vertx vertx;
  private Context context;
  private final HeldStore store = new HeldStore();

  /** Every write waits until the test completes it. */
  static final class HeldStore implements RegistryStore {
    record Write(Registry registry, Promise<Void> promise) {
    }

    final LinkedBlockingQueue<Write> writes = new LinkedBlockingQueue<>();

    @Override
    public Future<Registry> recover() {
      return Future.succeededFuture(Registries.empty());
    }

    @Override
    public Future<Void> store(Registry registry) {
      Promise<Void> promise = Promise.promise();
      writes.add(new Write(registry, promise));
      return promise.future();
    }

    Write next() throws InterruptedException {
      Write write = writes.poll(10, TimeUnit.SECONDS);
      assertThat(write).as("a write within 10 s").isNotNull();
      return write;
    }
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs on the recorder's event loop, as the master does, and waits for it. */
  private <T> T on(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private RegistryRecorder recorder() throws Exception {
    return on(() -> new RegistryRecorder(vertx, store, Registries.empty()));
  }

  private static Agent agent(int n) {
    String id = "a-S" + n;
    return new Agent(id, AgentInfo.newBuilder().setHostname("host" + n).setId(AgentID.newBuilder().setValue(id))
        .build(), Resources.empty());
  }

  private static Framework framework(String id) {
    return new Framework(id, FrameworkInfo.newBuilder().setUser("u").setName(id).setFailoverTimeout(30)
        .setId(FrameworkID.newBuilder().setValue(id)).build());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void tenThousandAgentsRegisteringAtOnceAreTwoWritesAndTheLastHoldsThemAll() throws Exception {
    RegistryRecorder recorder = recorder();
    on(() -> {
      for (int i = 0; i < 5_000; i++) {
        recorder.agentAdded(agent(i));
      }
      return null;
    });
    HeldStore.Write first = store.next();
    // The other half arrives while the first write is in flight, over many turns of the loop.
    for (int batch = 0; batch < 50; batch++) {
      int from = 5_000 + batch * 100;
      on(() -> {
        for (int i = from; i < from + 100; i++) {
          recorder.agentAdded(agent(i));
        }
        return null;
      });
    }
    Future<Void> flushed = on(recorder::flush);
    assertThat(store.writes).as("one write in flight at most").isEmpty();

    first.promise().complete();
    HeldStore.Write second = store.next();
    assertThat(flushed.isComplete()).isFalse();
    second.promise().complete();
    await(flushed);

    assertThat(first.registry().getAgentsCount()).isEqualTo(5_000);
    assertThat(second.registry().getAgentsCount()).isEqualTo(10_000);
    assertThat(second.registry().getAgentsList())
        .allSatisfy(a -> assertThat(a.getState()).isEqualTo(Registry.Agent.State.ADMITTED));
    assertThat(first.registry().getVersion()).isEqualTo(1);
    assertThat(second.registry().getVersion()).isEqualTo(2);
    on(() -> null);
    assertThat(store.writes).as("nothing left to write").isEmpty();
    assertThat(recorder.writes()).isEqualTo(2);
  }

  @Test
  void flushCompletesOnceTheWriteHoldingEveryChangeSoFarIsDone() throws Exception {
    RegistryRecorder recorder = recorder();
    assertThat(on(recorder::flush).succeeded()).as("nothing to write").isTrue();

    Future<Void> afterWeights = on(() -> {
      recorder.weightsUpdated(Map.of("a", 2.0));
      return recorder.flush();
    });
    HeldStore.Write first = store.next();
    Future<Void> afterQuota = on(() -> {
      recorder.quotaUpdated("b", new Quota(Map.of("cpus", 1.0), Map.of("cpus", 2.0)));
      return recorder.flush();
    });

    first.promise().complete();
    await(afterWeights);
    assertThat(afterQuota.isComplete()).as("its change is in the next write").isFalse();
    HeldStore.Write second = store.next();
    assertThat(second.registry().getWeightsMap()).containsEntry("a", 2.0);
    assertThat(second.registry().getQuotasList()).singleElement().satisfies(q -> {
      assertThat(q.getRole()).isEqualTo("b");
      assertThat(q.getGuaranteesMap()).containsEntry("cpus", 1.0);
      assertThat(q.getLimitsMap()).containsEntry("cpus", 2.0);
    });
    second.promise().complete();
    await(afterQuota);
  }

  @Test
  void aFailedWriteFailsItsFlushAndIsRetriedWithEverythingSinceThen() throws Exception {
    RegistryRecorder recorder = recorder();
    Future<Void> flushed = on(() -> {
      recorder.agentAdded(agent(1));
      return recorder.flush();
    });
    store.next().promise().fail(new IOException("disk full"));
    assertThatThrownBy(() -> await(flushed)).hasRootCauseMessage("disk full");
    on(() -> {
      recorder.agentAdded(agent(2));
      return null;
    });

    HeldStore.Write retry = store.next();

    assertThat(retry.registry().getAgentsCount()).isEqualTo(2);
    Future<Void> again = on(recorder::flush);
    retry.promise().complete();
    await(again);
  }

  @Test
  void aFencedWriteCallsOnFencedOnceAndStopsWriting() throws Exception {
    RegistryRecorder recorder = recorder();
    AtomicInteger fenced = new AtomicInteger();
    Future<Void> flushed = on(() -> {
      recorder.onFenced(fenced::incrementAndGet);
      recorder.frameworkAdded(framework("f1"));
      return recorder.flush();
    });

    store.next().promise().fail(new RegistryFencedException("a later leader wrote"));

    ExecutionException error = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(flushed));
    assertThat(error.getCause()).isInstanceOf(RegistryFencedException.class);
    Future<Void> later = on(() -> {
      recorder.frameworkRemoved(framework("f1"));
      return recorder.flush();
    });
    assertThat(later.failed()).isTrue();
    on(() -> null);
    assertThat(store.writes).isEmpty();
    assertThat(fenced).hasValue(1);
  }

  @Test
  void aNewLeaderWritesTheRecoveredRegistryAtOnceUnderItsEpoch() throws Exception {
    Registry recovered = Registry.newBuilder().setEpoch(3).setVersion(17).putWeights("a", 2.0)
        .addAgents(Registry.Agent.newBuilder().setInfo(agent(1).info())).build();

    RegistryRecorder recorder = on(() -> new RegistryRecorder(vertx, store, recovered, 4, new MutableClock()));
    Future<Void> claimed = on(recorder::flush);
    HeldStore.Write write = store.next();
    write.promise().complete();
    await(claimed);

    assertThat(write.registry().getEpoch()).isEqualTo(4);
    assertThat(write.registry().getVersion()).isEqualTo(18);
    assertThat(write.registry().toBuilder().setEpoch(3).setVersion(17).build()).isEqualTo(recovered);
  }

  @Test
  void recordsFrameworksAndAgentsAsTheMasterChangesThem() throws Exception {
    MutableClock clock = new MutableClock();
    RegistryRecorder recorder = on(() -> new RegistryRecorder(vertx, store, Registries.empty(), 0, clock));
    Registry registry = on(() -> {
      recorder.frameworkAdded(framework("f1"));
      recorder.frameworkAdded(framework("f2"));
      recorder.frameworkDisconnected(framework("f1"));
      recorder.frameworkRemoved(framework("f2"));
      recorder.agentAdded(agent(1));
      recorder.agentAdded(agent(2));
      recorder.agentUnreachable(agent(2), 42L);
      recorder.quotaUpdated("q", new Quota(Map.of("cpus", 1.0), Map.of()));
      recorder.quotaUpdated("q", Quota.NONE);
      return recorder.current();
    });

    assertThat(registry.getFrameworksList()).singleElement().satisfies(f -> {
      assertThat(f.getInfo().getId().getValue()).isEqualTo("f1");
      // Disconnected at the clock's time with a 30 s failover timeout.
      assertThat(f.getFailoverDeadlineNs()).isEqualTo(clock.millis() * 1_000_000L + 30_000_000_000L);
    });
    assertThat(registry.getAgentsList()).extracting(a -> a.getInfo().getId().getValue() + " " + a.getState())
        .containsExactly("a-S1 ADMITTED", "a-S2 UNREACHABLE");
    assertThat(registry.getAgents(1).getUnreachableTimeNs()).isEqualTo(42L);
    assertThat(registry.getQuotasList()).isEmpty();
  }
}
