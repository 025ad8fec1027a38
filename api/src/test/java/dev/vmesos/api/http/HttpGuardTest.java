package dev.vmesos.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpGuard} on a plain Vert.x server, on loopback: a WebSocket (upgraded through the request
 * handler, as the agent bus is) is never closed as idle, a request still being answered keeps its
 * connection, and a connection's second request gets the idle timeout again.
 */
class HttpGuardTest {

  private static final HttpLimits LIMITS = new HttpLimits(Duration.ofMillis(300), Duration.ofMillis(600), 1024);

  private Vertx vertx;
  private HttpGuard guard;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    guard = HttpGuard.create(vertx, LIMITS, "test");
    HttpServer server = guard.createServer(new HttpServerOptions(), request -> {
      if (request.path().equals("/ws")) {
        request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text)));
      } else if (request.path().equals("/stream")) {
        request.response().setChunked(true).write("started\n");
      } else {
        request.response().end("ok");
      }
    });
    port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    guard.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void webSocketsAndResponsesInProgressOutliveTheIdleTimeoutWhileIdleConnectionsDoNot() throws Exception {
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    // Held until the end: Vert.x closes a client that is no longer referenced.
    io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(port, "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
    ws.textMessageHandler(frames::add);
    try (Socket stream = new Socket(); Socket idle = new Socket()) {
      stream.connect(new InetSocketAddress("127.0.0.1", port));
      stream.setSoTimeout(10_000);
      stream.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(line(stream.getInputStream())).startsWith("HTTP/1.1 200");

      idle.connect(new InetSocketAddress("127.0.0.1", port));
      idle.setSoTimeout(10_000);
      long sent = System.nanoTime();
      idle.getOutputStream().write("GET /one HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(line(idle.getInputStream())).startsWith("HTTP/1.1 200");
      // A second request on the same connection, half the idle timeout later, restarts its clock.
      long secondAt = waitUntil(sent + LIMITS.idleTimeout().toNanos() / 2);
      idle.getOutputStream().write("GET /two HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      readToEnd(idle.getInputStream());
      long idleFor = System.nanoTime() - secondAt;
      assertThat(idleFor).isGreaterThanOrEqualTo(LIMITS.idleTimeout().toNanos());
      assertThat(guard.closed().get("idle_timeout")).isEqualTo(1);

      ws.writeTextMessage("hello").await(10, TimeUnit.SECONDS);
      assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hello");
      stream.setSoTimeout(50);
      assertThat(stillOpen(stream)).as("the response in progress keeps its connection").isTrue();
      assertThat(guard.closed().get("header_timeout")).isZero();
    } finally {
      client.close();
    }
  }

  private static long waitUntil(long nanoTime) {
    while (System.nanoTime() < nanoTime) {
      java.util.concurrent.locks.LockSupport.parkNanos(nanoTime - System.nanoTime());
    }
    return System.nanoTime();
  }

  private static boolean stillOpen(Socket socket) throws IOException {
    try {
      byte[] buffer = new byte[4096];
      while (socket.getInputStream().read(buffer) >= 0) {
        // what the stream had sent
      }
      return false;
    } catch (java.net.SocketTimeoutException open) {
      return true;
    } catch (SocketException reset) {
      return false;
    }
  }

  private static void readToEnd(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // the rest of the response
      }
    } catch (SocketException reset) {
      // closed
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("closed in the middle of a line");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
