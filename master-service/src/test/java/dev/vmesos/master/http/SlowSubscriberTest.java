package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Label;
import dev.vmesos.api.v1.Protos.Labels;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.testing.SocketReads;
import dev.vmesos.master.testing.MemoryInUse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure on the master's event streams: a subscriber that stops reading (a raw socket that
 * sends its SUBSCRIBE and then never reads) while the master produces far more than
 * {@code --max_event_stream_queue} for it is dropped, counted in {@code master/event_stream_drops},
 * and the master's memory does not grow with what it produced. A subscriber that keeps up, fed the
 * same way, is not dropped.
 *
 * <p>Memory is heap in use after a full collection plus direct memory ({@link MemoryInUse}).
 */
class SlowSubscriberTest {

  /** The bound under test: 2 MiB. */
  private static final long BOUND = 2L << 20;
  /** Each event carries 64 KiB. */
  private static final int PAYLOAD = 64 * 1024;
  /** What the master is made to produce for the stalled subscriber: 64 MiB, 32 times the bound. */
  private static final long PRODUCED = 64L << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private Vertx vertx;
  private HttpClientAgent http;
  private io.vertx.core.Context clientContext;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0).withMaxEventStreamQueue(BOUND));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
    http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    clientContext = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSchedulerThatStopsReadingIsDroppedAndTheMasterDoesNotHoldWhatItProducedForIt() throws Exception {
    Reader reader = new Reader(subscribeCall("reader"));
    String readerId = reader.frameworkId();
    try (StalledSubscriber stalled = new StalledSubscriber("/api/v1/scheduler", subscribeCall("stalled").toByteArray())) {
      String stalledId = WireCodec.decode(stalled.firstRecord(), MediaType.PROTOBUF, Event.getDefaultInstance())
          .getSubscribed().getFrameworkId().getValue();

      // Warm-up through the reader, a window at a time (it never has more than 512 KiB queued):
      // the master's code paths and Netty's buffer pools are in use before the baseline.
      for (int window = 0; window < 16; window++) {
        int expected = reader.messages.get() + 8;
        sendMessages(readerId, 8);
        await("the reader's MESSAGE events", () -> reader.messages.get() >= expected);
      }
      MemoryInUse before = MemoryInUse.now();

      sendMessages(stalledId, (int) (PRODUCED / PAYLOAD));
      boolean disconnected = poll(() -> !framework(stalledId).getBoolean("connected"));
      MemoryInUse after = MemoryInUse.now();
      double drops = metric("master/event_stream_drops");
      report("scheduler", before, after);

      assertThat(disconnected).as("the stalled framework is disconnected within " + DEADLINE).isTrue();
      assertThat(drops).as("master/event_stream_drops").isEqualTo(1.0);
      assertThat(after.growthSince(before)).as("memory growth while producing " + PRODUCED + " bytes")
          .isLessThan(PRODUCED / 4);
      long drained = stalled.readToEnd();
      System.out.printf("scheduler: the stalled socket then read %d bytes (what the kernel held) and its end%n",
          drained);
      JsonObject dropped = framework(stalledId);
      assertThat(dropped.getBoolean("active")).isFalse();

      // The reader kept up and is still subscribed: it gets the next event.
      int expected = reader.messages.get() + 1;
      sendMessages(readerId, 1);
      await("the reader's MESSAGE after the drop", () -> reader.messages.get() >= expected);
      assertThat(framework(readerId).getBoolean("connected")).isTrue();
    }
  }

  @Test
  void anOperatorSubscriberThatStopsReadingIsDroppedUnderTheSameBound() throws Exception {
    Reader scheduler = new Reader(subscribeCall("updated"));
    FrameworkInfo info = scheduler.info();
    byte[] subscribe = "{\"type\":\"SUBSCRIBE\"}".getBytes(StandardCharsets.UTF_8);
    try (StalledSubscriber stalled = new StalledSubscriber("/api/v1", subscribe)) {
      assertThat(new String(stalled.firstRecord(), StandardCharsets.UTF_8)).contains("\"SUBSCRIBED\"");
      MemoryInUse before = MemoryInUse.now();

      // Each UPDATE_FRAMEWORK with a 64 KiB label is a FRAMEWORK_UPDATED of that size to operators.
      String label = "x".repeat(PAYLOAD);
      long calls = PRODUCED / PAYLOAD;
      for (int i = 0; i < calls; i++) {
        FrameworkInfo updated = info.toBuilder().setLabels(Labels.newBuilder()
            .addLabels(Label.newBuilder().setKey("n").setValue(i + label))).build();
        int status = scheduler.call(Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK)
            .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(updated)));
        assertThat(status).isEqualTo(200);
      }
      boolean counted = poll(() -> metric("master/event_stream_drops") >= 1);
      MemoryInUse after = MemoryInUse.now();
      report("operator", before, after);

      assertThat(counted).as("the operator stream is dropped within " + DEADLINE).isTrue();
      assertThat(metric("master/event_stream_drops")).isEqualTo(1.0);
      assertThat(after.growthSince(before)).as("memory growth while producing " + PRODUCED + " bytes")
          .isLessThan(PRODUCED / 4);
      System.out.printf("operator: the stalled socket then read %d bytes and its end%n", stalled.readToEnd());
      assertThat(framework(scheduler.frameworkId()).getBoolean("connected")).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Call subscribeCall(String name) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("alice").setName(name).setFailoverTimeout(600))).build();
  }

  /** MESSAGE events of {@link #PAYLOAD} bytes for a framework, as its executor would send them. */
  private void sendMessages(String frameworkId, int count) throws Exception {
    ByteString data = ByteString.copyFrom(new byte[PAYLOAD]);
    ExecutorToFrameworkMessage message = ExecutorToFrameworkMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setExecutorId(ExecutorID.newBuilder().setValue("e"))
        .setAgentId(AgentID.newBuilder().setValue("a"))
        .setData(data).build();
    // In windows of 16, each acknowledged once the master has handled it.
    for (int sent = 0; sent < count; sent += 16) {
      List<Future<?>> window = new ArrayList<>();
      for (int i = sent; i < Math.min(count, sent + 16); i++) {
        window.add(vertx.eventBus().request(Addresses.MASTER_LEADER, message));
      }
      Future.all(window).await(10, TimeUnit.SECONDS);
    }
  }

  private JsonObject framework(String frameworkId) {
    try {
      for (Object framework : get("/state").getJsonArray("frameworks")) {
        if (((JsonObject) framework).getString("id").equals(frameworkId)) {
          return (JsonObject) framework;
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("framework " + frameworkId + " is not in /state");
  }

  private double metric(String name) {
    try {
      return get("/metrics/snapshot").getDouble(name);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonObject get(String path) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    return onContext(() -> http.request(options).compose(req -> req.send()).compose(resp -> resp.body()))
        .await(10, TimeUnit.SECONDS).toJsonObject();
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
    return Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }

  /** Polls {@code condition} every 10 ms until it holds or {@link #DEADLINE} passes; says which. */
  private static boolean poll(BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return condition.getAsBoolean();
  }

  private static void await(String what, BooleanSupplier condition) {
    assertThat(poll(condition)).as(what + " within " + DEADLINE).isTrue();
  }

  private static void report(String stream, MemoryInUse before, MemoryInUse after) {
    System.out.printf("%s: bound %d bytes, produced %d bytes (%d events of %d bytes) for the stalled subscriber%n",
        stream, BOUND, PRODUCED, PRODUCED / PAYLOAD, PAYLOAD);
    System.out.printf("%s: %s%n", stream, after.describeSince(before, PRODUCED));
  }

  /** A scheduler that reads its stream (a Vert.x client) and counts the MESSAGE events it gets. */
  private final class Reader {
    final AtomicInteger messages = new AtomicInteger();
    private final java.util.concurrent.CompletableFuture<Event> subscribed = new java.util.concurrent.CompletableFuture<>();
    private final String streamId;
    private final Call subscribe;

    Reader(Call subscribe) throws Exception {
      this.subscribe = subscribe;
      RecordIODecoder decoder = new RecordIODecoder();
      RequestOptions options = schedulerOptions();
      streamId = onContext(() -> http.request(options).compose(r -> r.send(Buffer.buffer(subscribe.toByteArray())))
          .map(resp -> {
            resp.handler(chunk -> {
              for (byte[] record : decoder.decode(chunk.getBytes())) {
                Event event = WireCodec.decode(record, MediaType.PROTOBUF, Event.getDefaultInstance());
                if (event.getType() == Event.Type.SUBSCRIBED) {
                  subscribed.complete(event);
                } else if (event.getType() == Event.Type.MESSAGE) {
                  messages.incrementAndGet();
                }
              }
            });
            return resp.getHeader("Mesos-Stream-Id");
          })).await(10, TimeUnit.SECONDS);
    }

    String frameworkId() throws Exception {
      return subscribed.get(10, TimeUnit.SECONDS).getSubscribed().getFrameworkId().getValue();
    }

    FrameworkInfo info() throws Exception {
      return subscribe.getSubscribe().getFrameworkInfo().toBuilder()
          .setId(FrameworkID.newBuilder().setValue(frameworkId())).build();
    }

    int call(Call.Builder call) throws Exception {
      RequestOptions options = schedulerOptions().putHeader("Mesos-Stream-Id", streamId);
      byte[] body = call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId())).build().toByteArray();
      return onContext(() -> http.request(options).compose(r -> r.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
    }

    private RequestOptions schedulerOptions() {
      return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI("/api/v1/scheduler").putHeader("Content-Type", "application/x-protobuf")
          .putHeader("Accept", "application/x-protobuf");
    }
  }

  /**
   * A subscriber on a raw socket with a small receive buffer: it sends its SUBSCRIBE, reads the
   * response head and the first record, then reads nothing more until {@link #readToEnd}.
   */
  private final class StalledSubscriber implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final byte[] firstRecord;

    StalledSubscriber(String path, byte[] body) throws IOException {
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      String type = path.endsWith("scheduler") ? "application/x-protobuf" : "application/json";
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + type
          + "\r\nAccept: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      in = socket.getInputStream();
      String status = line();
      assertThat(status).startsWith("HTTP/1.1 200");
      while (!line().isEmpty()) {
        // headers
      }
      RecordIODecoder decoder = new RecordIODecoder();
      List<byte[]> records = new ArrayList<>();
      while (records.isEmpty()) {
        int size = Integer.parseInt(line().split(";")[0].trim(), 16);
        records.addAll(decoder.decode(in.readNBytes(size)));
        line();
      }
      firstRecord = records.get(0);
    }

    byte[] firstRecord() {
      return firstRecord;
    }

    long readToEnd() throws IOException {
      return SocketReads.readToEnd(in, DEADLINE);
    }

    private String line() throws IOException {
      return SocketReads.line(in);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
