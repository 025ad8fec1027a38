package dev.vmesos.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.master.ha.SingleMasterElection;
import dev.vmesos.master.registry.Registries;
import dev.vmesos.master.registry.RegistryStore;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The master's state is confined to one event loop even when the registry store completes its
 * futures elsewhere, as the replicated store's Hazelcast futures do. A term begun on the store's
 * thread put the agent consumer and the allocation timer on a second event loop, beside the
 * scheduler calls on the HTTP server's: with three masters under load the allocator's filter queue
 * was changed from two threads at once and allocation stopped.
 */
class MasterContextTest {

  /** Completes every future from its own plain thread, outside any Vert.x context. */
  private static final class ForeignThreadStore implements RegistryStore {
    final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "foreign-registry"));
    final List<String> completedOn = new CopyOnWriteArrayList<>();

    @Override
    public Future<Registry> recover() {
      return completeElsewhere(Registries.empty());
    }

    @Override
    public Future<Void> store(Registry registry) {
      return completeElsewhere(null);
    }

    private <T> Future<T> completeElsewhere(T value) {
      Promise<T> promise = Promise.promise();
      thread.execute(() -> {
        completedOn.add(Thread.currentThread().getName());
        promise.complete(value);
      });
      return promise.future();
    }
  }

  private record Change(String what, Thread thread) {
  }

  private Vertx vertx;
  private ForeignThreadStore store;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.thread.shutdownNow();
    }
  }

  @Test
  void agentsAndSchedulersChangeTheMasterOnOneEventLoop() throws Exception {
    // Many event loops, so that two contexts cannot share one by the luck of the round robin.
    vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(32));
    ProtobufCodec.install(vertx.eventBus());
    store = new ForeignThreadStore();
    MasterVerticle verticle = new MasterVerticle(MasterConfig.defaults().withPort(0), new SingleMasterElection(),
        store);
    vertx.deployVerticle(verticle).await(20, TimeUnit.SECONDS);
    assertThat(store.completedOn).as("the store's completions, outside Vert.x").isNotEmpty()
        .allMatch("foreign-registry"::equals);

    BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    verticle.master().addListener(new MasterListener() {
      @Override
      public void agentAdded(Agent agent) {
        changes.add(new Change("agent added", Thread.currentThread()));
      }

      @Override
      public void frameworkAdded(Framework framework) {
        changes.add(new Change("framework added", Thread.currentThread()));
      }
    });

    // An agent registers over the event bus...
    vertx.eventBus().request(Addresses.MASTER_LEADER, RegisterAgent.newBuilder()
            .setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
                .addAllResources(ResourcesParser.parse("cpus:2;mem:512").toList())).build())
        .await(10, TimeUnit.SECONDS);
    // ...and a scheduler subscribes over HTTP.
    HttpClientAgent http = vertx.createHttpClient();
    HttpClientResponse subscribed = http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(verticle.actualPort()).setURI("/api/v1/scheduler")
            .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json"))
        .compose(request -> request.send(Buffer.buffer(
            "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"confined\"}}}")))
        .await(10, TimeUnit.SECONDS);
    assertThat(subscribed.statusCode()).isEqualTo(200);

    Change first = changes.poll(10, TimeUnit.SECONDS);
    Change second = changes.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("the first change").isNotNull();
    assertThat(second).as("the second change").isNotNull();
    assertThat(List.of(first.what(), second.what())).containsExactlyInAnyOrder("agent added", "framework added");
    assertThat(second.thread()).as("the thread of the %s, beside the %s's", second.what(), first.what())
        .isSameAs(first.thread());
  }
}
