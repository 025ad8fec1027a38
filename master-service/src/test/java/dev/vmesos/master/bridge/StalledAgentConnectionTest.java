package dev.vmesos.master.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.bus.BusEnvelope;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.testing.SocketReads;
import dev.vmesos.master.testing.OnContext;
import dev.vmesos.master.testing.MemoryInUse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure on the agent bus: an agent connection that registers, subscribes to its own
 * address and then stops reading (a raw socket with a small receive buffer that did the WebSocket
 * handshake by hand) while the master writes it far more than {@link AgentBridge#WRITE_QUEUE_BYTES}
 * is dropped, counted in {@code master/agent_bus_dropped_connections}, and the master's memory does
 * not grow with what it wrote. An agent connected beside it (a {@link BridgeClient}) keeps getting
 * its messages throughout and after.
 *
 * <p>Memory is heap in use after a full collection plus direct memory ({@link MemoryInUse}). With
 * the bound taken out of {@link AgentBridge} the master held all of it (about 180 MB more heap for
 * 128 MiB produced: the frames wait in Vert.x's write queue), and this test failed.
 */
class StalledAgentConnectionTest {

  /** Each message to the stalled agent carries 64 KiB (about 87 KiB as base64 in a bridge frame). */
  private static final int PAYLOAD = 64 * 1024;
  /** What the master is made to write to the stalled agent: 128 MiB of payload, 32 times the bound. */
  private static final long PRODUCED = 128L << 20;
  /** Messages to the stalled agent between two to the reading agent, which pace the producer. */
  private static final int WINDOW = 16;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private Vertx vertx;
  private MasterVerticle master;
  private BridgeClient agent;
  private String readerAddress;
  private final BlockingQueue<Message<Object>> agentInbox = new LinkedBlockingQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    master = new MasterVerticle(MasterConfig.defaults().withPort(0));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    agent = OnContext.call(vertx, () -> new BridgeClient(vertx, BridgeClient.Options.of(List.of("127.0.0.1:" + master.actualPort()),
        Optional.empty())));
    CompletableFuture<String> connected = new CompletableFuture<>();
    vertx.runOnContext(v -> agent.connectedHandler(connected::complete).start());
    connected.get(10, TimeUnit.SECONDS);
    AgentRegistered registered = (AgentRegistered) OnContext.await(vertx, () -> agent.request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(agentInfo()).setInstance("reader").build(),
        new DeliveryOptions().setSendTimeout(10_000))).body();
    readerAddress = Addresses.agent(registered.getAgentId().getValue());
    OnContext.await(vertx, () -> agent.consumer(readerAddress, agentInbox::add).completion());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void anAgentConnectionThatStopsReadingIsDroppedAndTheMasterDoesNotHoldWhatItWroteForIt() throws Exception {
    // Warm-up through the reading agent: the bridge's code paths and Netty's buffer pools are in use
    // before the baseline.
    for (int i = 0; i < 64; i++) {
      vertx.eventBus().send(readerAddress, BusEnvelope.wrap(message(i)));
    }
    for (int i = 0; i < 64; i++) {
      assertThat(agentInbox.poll(10, TimeUnit.SECONDS)).as("warm-up message %d to the reading agent", i).isNotNull();
    }

    try (StalledAgent stalled = new StalledAgent(master.actualPort())) {
      String stalledAddress = Addresses.agent(stalled.agentId);
      assertThat(metric("master/agent_bus_connections")).isEqualTo(2.0);
      MemoryInUse before = MemoryInUse.now();

      // All of it goes out, whether or not the connection is still there to take it. The master's
      // bridge serves both connections on one event loop, so when the reading agent has the marker
      // sent after a window, the bridge has handled that window: the producer never runs ahead.
      long messages = PRODUCED / PAYLOAD;
      for (int sent = 0; sent < messages; sent += WINDOW) {
        for (int i = sent; i < Math.min(messages, sent + WINDOW); i++) {
          vertx.eventBus().send(stalledAddress, BusEnvelope.wrap(message(i)));
        }
        vertx.eventBus().send(readerAddress, BusEnvelope.wrap(marker(sent)));
        Message<Object> got = agentInbox.poll(10, TimeUnit.SECONDS);
        assertThat(got).as("the reading agent's marker after %d messages to the stalled one", sent).isNotNull();
        assertThat(((FrameworkToExecutorMessage) got.body()).getExecutorId().getValue()).isEqualTo("marker-" + sent);
      }
      boolean counted = poll(() -> metric("master/agent_bus_dropped_connections") >= 1);
      MemoryInUse after = MemoryInUse.now();
      int frameBytes = new JsonObject().put("type", "rec").put("address", stalledAddress)
          .put("body", BusEnvelope.wrap(message(0))).encode().length();
      System.out.printf("agent bus: bound %d bytes, produced %d bytes (%d messages of %d bytes, %d bytes each as a"
          + " bridge frame) for the stalled agent%n", AgentBridge.WRITE_QUEUE_BYTES, PRODUCED, messages, PAYLOAD,
          frameBytes);
      System.out.printf("agent bus: %s%n", after.describeSince(before, PRODUCED));

      assertThat(after.growthSince(before)).as("memory growth while producing " + PRODUCED + " bytes")
          .isLessThan(PRODUCED / 4);
      assertThat(counted).as("the stalled connection is dropped within " + DEADLINE).isTrue();
      assertThat(metric("master/agent_bus_dropped_connections")).isEqualTo(1.0);
      long drained = stalled.readToEnd();
      System.out.printf("agent bus: the stalled socket then read %d bytes (what the kernel held and what was"
          + " flushed before the close) and its end%n", drained);
      assertThat(drained).as("it got far less than was produced for it").isLessThan(PRODUCED / 4);
    }

    // The reading agent is still connected and subscribed: it gets the next message.
    vertx.eventBus().send(readerAddress, BusEnvelope.wrap(marker(-1)));
    Message<Object> next = agentInbox.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("the reading agent's message after the drop").isNotNull();
    assertThat(((FrameworkToExecutorMessage) next.body()).getExecutorId().getValue()).isEqualTo("marker--1");
    assertThat(poll(() -> metric("master/agent_bus_connections") == 1.0))
        .as("only the reading agent's connection is left").isTrue();
    assertThat(metric("master/agent_bus_dropped_connections")).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------------------------------------

  /** An executor's message of {@link #PAYLOAD} bytes, numbered so no two are alike. */
  private static FrameworkToExecutorMessage message(int n) {
    byte[] data = new byte[PAYLOAD];
    ByteBuffer.wrap(data).putInt(n);
    return FrameworkToExecutorMessage.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
        .setExecutorId(ExecutorID.newBuilder().setValue("e")).setData(ByteString.copyFrom(data)).build();
  }

  private static FrameworkToExecutorMessage marker(int n) {
    return FrameworkToExecutorMessage.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
        .setExecutorId(ExecutorID.newBuilder().setValue("marker-" + n)).setData(ByteString.EMPTY).build();
  }

  private static AgentInfo agentInfo() {
    return AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
        .addAllResources(Resources.parse("cpus:2;mem:1024").toList()).build();
  }

  private double metric(String name) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + master.actualPort() + "/metrics/snapshot")).build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body()).getDouble(name);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
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



  /**
   * An agent on a raw socket with a small receive buffer: it does the WebSocket handshake by hand,
   * registers over the bridge, subscribes to its own address, and then reads nothing more until
   * {@link #readToEnd}, so what the master writes piles up in the master's write queue.
   */
  private static final class StalledAgent implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    final String agentId;

    StalledAgent(int port) throws IOException {
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      out.write(("GET " + BridgeClient.PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
          + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(line()).as("the upgrade").startsWith("HTTP/1.1 101");
      while (!line().isEmpty()) {
        // headers
      }

      write(new JsonObject().put("type", "send").put("address", Addresses.MASTER_LEADER).put("replyAddress", "r.1")
          .put("body", BusEnvelope.wrap(RegisterAgent.newBuilder().setAgentInfo(agentInfo()).setInstance("stalled")
              .build())));
      JsonObject answer = nextFrame(f -> "r.1".equals(f.getString("address")));
      agentId = ((AgentRegistered) BusEnvelope.unwrap(answer.getValue("body"))).getAgentId().getValue();
      write(new JsonObject().put("type", "register").put("address", Addresses.agent(agentId)));
      nextFrame(f -> BridgeClient.REGISTERED_FRAME.equals(f.getString("type")));
    }

    /** A masked text frame, as a client must send. */
    private void write(JsonObject frame) throws IOException {
      byte[] payload = frame.encode().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(0x81);
      if (payload.length < 126) {
        bytes.write(0x80 | payload.length);
      } else if (payload.length < 65_536) {
        bytes.write(0x80 | 126);
        bytes.write(payload.length >>> 8);
        bytes.write(payload.length & 0xff);
      } else {
        bytes.write(0x80 | 127);
        bytes.write(ByteBuffer.allocate(8).putLong(payload.length).array());
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      bytes.write(mask);
      for (int i = 0; i < payload.length; i++) {
        bytes.write(payload[i] ^ mask[i % 4]);
      }
      out.write(bytes.toByteArray());
      out.flush();
    }

    /** Reads bridge frames (text or binary WebSocket messages) until one matches. */
    private JsonObject nextFrame(java.util.function.Predicate<JsonObject> wanted) throws IOException {
      while (true) {
        JsonObject frame = new JsonObject(new String(message(), StandardCharsets.UTF_8));
        assertThat(frame.getString("type")).as("frame %s", frame).isNotEqualTo("err");
        if (wanted.test(frame)) {
          return frame;
        }
      }
    }

    /** One WebSocket message, its fragments joined; control frames are skipped. */
    private byte[] message() throws IOException {
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      while (true) {
        int head = in.read();
        int second = in.read();
        if (head < 0 || second < 0) {
          throw new IOException("the master closed the connection");
        }
        long length = second & 0x7f;
        if (length == 126) {
          length = ((long) in.read() << 8) | in.read();
        } else if (length == 127) {
          length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) length);
        int opcode = head & 0x0f;
        if (opcode == 0x8) {
          throw new IOException("the master closed the WebSocket");
        }
        if (opcode >= 0x8) {
          continue;
        }
        message.write(payload);
        if ((head & 0x80) != 0) {
          return message.toByteArray();
        }
      }
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
