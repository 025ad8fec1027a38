package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.ha.SingleMasterElection;
import dev.vmesos.master.registry.Registries;
import dev.vmesos.master.registry.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SUBSCRIBED gives the scheduler its framework id: it is sent only once the registry holds the
 * framework, so that a master that fails right after cannot lose a framework it acknowledged.
 * A registry store that writes only when the test lets it shows the order.
 */
@ExtendWith(io.vertx.junit5.VertxExtension.class)
class DurableSubscribeTest {

  /** Holds every write until the test completes it. */
  private static final class GatedStore implements RegistryStore {
    final BlockingQueue<Registry> written = new LinkedBlockingQueue<>();
    final BlockingQueue<Promise<Void>> pending = new LinkedBlockingQueue<>();

    @Override
    public Future<Registry> recover() {
      return Future.succeededFuture(Registries.empty());
    }

    @Override
    public Future<Void> store(Registry registry) {
      Promise<Void> promise = Promise.promise();
      written.add(registry);
      pending.add(promise);
      return promise.future();
    }
  }

  @Test
  void subscribedWaitsUntilTheRegistryHasTheFramework(Vertx vertx) throws Exception {
    GatedStore store = new GatedStore();
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0), new SingleMasterElection(), store);
    // The first write (the new term's epoch) goes through, so the master serves.
    Future<String> deployed = vertx.deployVerticle(master);
    Promise<Void> epochWrite = store.pending.poll(20, TimeUnit.SECONDS);
    assertThat(epochWrite).as("the registry's first write").isNotNull();
    epochWrite.complete();
    deployed.await(20, TimeUnit.SECONDS);

    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    HttpClientAgent http = vertx.createHttpClient();
    Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("durable"))).build();
    RecordIODecoder decoder = new RecordIODecoder();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Future.<Integer>future(p -> context.runOnContext(v -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(master.actualPort()).setURI("/api/v1/scheduler")
            .putHeader("Content-Type", "application/x-protobuf").putHeader("Accept", "application/x-protobuf"))
        .compose(r -> r.send(Buffer.buffer(subscribe.toByteArray())))
        .map(resp -> {
          resp.handler(chunk -> decoder.decode(chunk.getBytes()).forEach(b ->
              events.add(WireCodec.decode(b, MediaType.PROTOBUF, Event.getDefaultInstance()))));
          return resp.statusCode();
        }).onComplete(p))).await(10, TimeUnit.SECONDS);

    // The write that records the framework is under way, and held.
    Registry withFramework = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (withFramework == null && System.nanoTime() < deadline) {
      Registry registry = store.written.poll(100, TimeUnit.MILLISECONDS);
      if (registry != null && registry.getFrameworksCount() > 0) {
        withFramework = registry;
      }
    }
    assertThat(withFramework).as("a registry write with the framework").isNotNull();
    // Nothing reaches the scheduler while it is (the stream's events are held, not lost).
    assertThat(events.poll(500, TimeUnit.MILLISECONDS)).as("an event before the framework is durable").isNull();

    Promise<Void> held;
    while ((held = store.pending.poll()) != null) {
      held.complete();
    }
    Event first = events.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("SUBSCRIBED once durable").isNotNull();
    assertThat(first.getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(first.getSubscribed().getFrameworkId().getValue())
        .isEqualTo(withFramework.getFrameworks(0).getInfo().getId().getValue());
  }
}
