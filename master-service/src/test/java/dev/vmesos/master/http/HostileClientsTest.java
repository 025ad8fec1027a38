package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.HttpLimits;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.testing.MemoryInUse;
import dev.vmesos.master.testing.SocketReads;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The master under hostile clients, on loopback with real sockets, with short limits given as the
 * flags would give them ({@code --http_header_timeout=500ms}, {@code --http_idle_timeout=1secs},
 * {@code --http_max_body_size=1MB}):
 * <ul>
 *   <li>200 slowloris connections, each trickling header lines and never ending them, are all closed
 *       after the header timeout, and memory stays flat;</li>
 *   <li>an idle keep-alive connection is closed after the idle timeout, and so is one whose body stops
 *       arriving, while a scheduler's SUBSCRIBE stream, open all along and sent nothing in that time
 *       (its heartbeats are 15 s apart), stays open and still gets its events;</li>
 *   <li>ten concurrent 60 MB bodies, five with a Content-Length and five chunked, are each answered 413
 *       long before they are sent, their connections closed, and memory stays flat.</li>
 * </ul>
 */
class HostileClientsTest {

  private static final HttpLimits LIMITS = HttpLimits.fromFlags(dev.vmesos.api.config.Flags.parse(new String[] {
      "--http_header_timeout=500ms", "--http_idle_timeout=1secs", "--http_max_body_size=1MB"}, java.util.Map.of()));
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long LARGE_BODY = 60L << 20;

  private Vertx vertx;
  private MasterVerticle master;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    master = new MasterVerticle(MasterConfig.defaults().withPort(0)).withHttpLimits(LIMITS);
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void slowlorisConnectionsAreClosedAfterTheHeaderTimeout() throws Exception {
    MemoryInUse before = MemoryInUse.now();
    long rssBefore = rss();
    int count = 200;
    List<Socket> sockets = new ArrayList<>();
    long[] closedAfter = new long[count];
    long opened = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(1);
        socket.getOutputStream().write(("POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      // Every 50 ms: one more header line on each connection still open, and a look at which closed.
      int open = count;
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int round = 0; open > 0 && System.nanoTime() < deadline; round++) {
        for (int i = 0; i < count; i++) {
          if (closedAfter[i] == 0 && closed(sockets.get(i), "X-Slow-" + round + ": x\r\n")) {
            closedAfter[i] = System.nanoTime() - opened;
            open--;
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      assertThat(open).as("slowloris connections still open after " + DEADLINE).isZero();
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    long first = java.util.Arrays.stream(closedAfter).min().orElseThrow();
    long last = java.util.Arrays.stream(closedAfter).max().orElseThrow();
    MemoryInUse after = MemoryInUse.now();
    System.out.printf("slowloris: %d connections trickling headers every 50 ms, closed %d-%d ms after opening"
            + " (--http_header_timeout=500ms); heap %d -> %d bytes, direct %d -> %d bytes, growth %d bytes;"
            + " RSS %d -> %d KB%n", count, first / 1_000_000, last / 1_000_000, before.heap(), after.heap(),
        before.direct(), after.direct(), after.growthSince(before), rssBefore, rss());
    // The first ones were opened before the last: none closed before its own 500 ms could have passed.
    assertThat(first).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(450));
    assertThat(master.httpConnectionsClosed().get("header_timeout")).isGreaterThanOrEqualTo(count);
    assertThat(after.growthSince(before)).as("memory growth").isLessThan(32L << 20);
  }

  @Test
  void idleConnectionsAreClosedButASubscribeStreamOutlivesTheIdleTimeout() throws Exception {
    // An agent-bus WebSocket (what agents hold to the master), quiet all along.
    // Held until the end: Vert.x closes a client that is no longer referenced.
    io.vertx.core.http.WebSocketClient busClient = vertx.createWebSocketClient();
    io.vertx.core.http.WebSocket bus = busClient.connect(port, "127.0.0.1", "/api/v1/agentbus/websocket")
        .await(10, TimeUnit.SECONDS);
    long busOpenedAt = System.nanoTime();
    try (Subscriber subscriber = new Subscriber();
         Socket idle = new Socket();
         Socket stalledBody = new Socket()) {
      // A keep-alive connection that made one request and then says nothing.
      idle.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      idle.setSoTimeout((int) DEADLINE.toMillis());
      long sent = System.nanoTime();
      idle.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(SocketReads.line(idle.getInputStream())).startsWith("HTTP/1.1 200");
      // A request whose body stops after 10 of its 100 bytes.
      stalledBody.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      stalledBody.setSoTimeout((int) DEADLINE.toMillis());
      stalledBody.getOutputStream().write(("POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":\"").getBytes(StandardCharsets.US_ASCII));

      SocketReads.readToEnd(idle.getInputStream(), DEADLINE);
      long idleFor = System.nanoTime() - sent;
      SocketReads.readToEnd(stalledBody.getInputStream(), DEADLINE);
      System.out.printf("idle: a keep-alive connection was closed %d ms after its request (--http_idle_timeout=1secs);"
          + " the stalled body's too; closed so far: %s%n", idleFor / 1_000_000, master.httpConnectionsClosed());
      assertThat(idleFor).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
      assertThat(master.httpConnectionsClosed().get("idle_timeout")).isEqualTo(1);
      assertThat(master.httpConnectionsClosed().get("body_stalled")).isEqualTo(1);

      // The stream has been open longer than the idle timeout without a byte either way: still there.
      assertThat(System.nanoTime() - subscriber.subscribedAt).isGreaterThan(LIMITS.idleTimeout().toNanos());
      ExecutorToFrameworkMessage message = ExecutorToFrameworkMessage.newBuilder()
          .setFrameworkId(FrameworkID.newBuilder().setValue(subscriber.frameworkId))
          .setExecutorId(ExecutorID.newBuilder().setValue("e")).setAgentId(AgentID.newBuilder().setValue("a"))
          .setData(ByteString.copyFromUtf8("still there")).build();
      vertx.eventBus().request(Addresses.MASTER_LEADER, message).await(10, TimeUnit.SECONDS);
      Event event = subscriber.next();
      while (event.getType() == Event.Type.HEARTBEAT) {
        event = subscriber.next();
      }
      assertThat(event.getType()).isEqualTo(Event.Type.MESSAGE);
      assertThat(event.getMessage().getData().toStringUtf8()).isEqualTo("still there");
      System.out.printf("idle: the SUBSCRIBE stream, open %d ms, got its MESSAGE%n",
          (System.nanoTime() - subscriber.subscribedAt) / 1_000_000);

      // The agent bus's WebSocket too: a ping sent on it as an agent sends one still reaches the master (which
      // refuses it, this connection having registered no agent: master/agent_bus_refused_frames counts it).
      assertThat(bus.isClosed()).isFalse();
      io.vertx.core.json.JsonObject ping = new io.vertx.core.json.JsonObject().put("type", "send")
          .put("address", Addresses.MASTER_LEADER).put("replyAddress", "reply-1")
          .put("body", dev.vmesos.api.bus.BusEnvelope.wrap(dev.vmesos.api.internal.Internal.Ping.newBuilder()
              .setAgentId(AgentID.newBuilder().setValue("nobody")).setSequence(1).build()));
      bus.writeTextMessage(ping.encode()).await(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      io.vertx.core.json.JsonObject metrics = metrics();
      while (metrics.getDouble("master/agent_bus_refused_frames") < 1 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        metrics = metrics();
      }
      assertThat(metrics.getDouble("master/agent_bus_refused_frames")).as("the ping reached the master").isEqualTo(1.0);
      assertThat(metrics.getDouble("master/agent_bus_connections")).isEqualTo(1.0);
      String answer = "master/agent_bus_refused_frames=1";
      System.out.printf("idle: the agent-bus WebSocket, open %d ms, still delivers: %s%n",
          (System.nanoTime() - busOpenedAt) / 1_000_000, answer);
    } finally {
      busClient.close();
    }
  }

  @Test
  void tenConcurrentLargeBodiesAreRefusedWith413AndMemoryStaysFlat() throws Exception {
    MemoryInUse before = MemoryInUse.now();
    long rssBefore = rss();
    ExecutorService threads = Executors.newFixedThreadPool(20);
    try {
      List<Future<LargeBody>> bodies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        boolean chunked = i % 2 == 1;
        bodies.add(threads.submit(() -> sendLargeBody(chunked, threads)));
      }
      long refusedSent = 0;
      for (Future<LargeBody> future : bodies) {
        LargeBody body = future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(body.statusLine).as(body.chunked ? "chunked" : "with Content-Length").startsWith("HTTP/1.1 413");
        assertThat(body.sent).as("bytes sent before the master closed").isLessThan(LARGE_BODY);
        refusedSent += body.sent;
      }
      MemoryInUse after = MemoryInUse.now();
      long rssAfter = rss();
      System.out.printf("large bodies: 10 x %d MB offered (5 with Content-Length, 5 chunked), all answered 413; the"
              + " clients got %d MB out before the master closed; %s; RSS %d -> %d KB; closed so far: %s%n",
          LARGE_BODY >> 20, refusedSent >> 20, after.describeSince(before, 10 * LARGE_BODY), rssBefore, rssAfter,
          master.httpConnectionsClosed());
      assertThat(after.growthSince(before)).as("memory growth").isLessThan(64L << 20);
      assertThat(master.httpConnectionsClosed().get("body_too_large")).isEqualTo(10);
    } finally {
      threads.shutdownNow();
    }
    // Still serving.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(SocketReads.line(socket.getInputStream())).startsWith("HTTP/1.1 200");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private record LargeBody(boolean chunked, String statusLine, long sent) {
  }

  /** Streams a 60 MB body in 64 KB writes until the master closes, reading its answer meanwhile. */
  private LargeBody sendLargeBody(boolean chunked, ExecutorService threads) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      InputStream in = socket.getInputStream();
      Future<String> status = threads.submit(() -> SocketReads.line(in));
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
          + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + LARGE_BODY + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[64 * 1024];
      java.util.Arrays.fill(block, (byte) ' ');
      long sent = 0;
      try {
        while (sent < LARGE_BODY) {
          if (chunked) {
            out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          out.write(block);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          sent += block.length;
        }
      } catch (SocketException closed) {
        // The master closed the connection: what this test expects.
      }
      return new LargeBody(chunked, status.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), sent);
    }
  }

  /** Whether the master has closed {@code socket}: end of stream or reset on a read, or a failed write. */
  private static boolean closed(Socket socket, String moreHeader) {
    try {
      if (socket.getInputStream().read() < 0) {
        return true;
      }
    } catch (SocketTimeoutException open) {
      // nothing to read: still open
    } catch (IOException reset) {
      return true;
    }
    try {
      socket.getOutputStream().write(moreHeader.getBytes(StandardCharsets.US_ASCII));
      return false;
    } catch (IOException broken) {
      return true;
    }
  }

  private io.vertx.core.json.JsonObject metrics() throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics/snapshot")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new io.vertx.core.json.JsonObject(response.body());
  }

  /** This JVM's resident set, in KB (Linux). */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** A scheduler subscribed on a raw socket, reading its stream's records one at a time. */
  private final class Subscriber implements AutoCloseable {
    final Socket socket = new Socket();
    final InputStream in;
    final String frameworkId;
    final long subscribedAt;
    private final RecordIODecoder decoder = new RecordIODecoder();
    private final java.util.ArrayDeque<byte[]> records = new java.util.ArrayDeque<>();

    Subscriber() throws IOException {
      byte[] body = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
          .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("alice").setName("patient"))).build().toByteArray();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      String head = "POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/x-protobuf\r\nAccept: application/x-protobuf\r\nContent-Length: "
          + body.length + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      in = socket.getInputStream();
      assertThat(SocketReads.line(in)).startsWith("HTTP/1.1 200");
      while (!SocketReads.line(in).isEmpty()) {
        // headers
      }
      Event subscribed = next();
      assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
      subscribedAt = System.nanoTime();
      frameworkId = subscribed.getSubscribed().getFrameworkId().getValue();
    }

    Event next() throws IOException {
      while (records.isEmpty()) {
        int size = Integer.parseInt(SocketReads.line(in).split(";")[0].trim(), 16);
        records.addAll(decoder.decode(in.readNBytes(size)));
        SocketReads.line(in);
      }
      return WireCodec.decode(records.poll(), MediaType.PROTOBUF, Event.getDefaultInstance());
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
