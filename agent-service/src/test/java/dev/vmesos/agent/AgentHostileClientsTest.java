package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.http.HttpLimits;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's HTTP server under the same limits as the master's, given as {@code vmesos agent} reads them
 * ({@code --http_header_timeout=300ms --http_idle_timeout=600ms --http_max_body_size=1KB}): a slowloris
 * connection and an idle one are closed, and an executor call over the body limit is refused with 413
 * before its body is read, its connection closed.
 */
@ExtendWith(VertxExtension.class)
class AgentHostileClientsTest {

  @TempDir
  Path workDir;

  @Test
  void slowIdleAndOversizedClientsAreClosed(Vertx vertx) throws Exception {
    ProtobufCodec.install(vertx.eventBus());
    FakeMaster master = new FakeMaster(vertx);
    master.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Flags flags = Flags.parse(new String[] {"--work_dir=" + workDir, "--port=0",
        "--resources=cpus:1;mem:256;disk:256", "--http_header_timeout=300ms", "--http_idle_timeout=600ms",
        "--http_max_body_size=1KB"}, Map.of());
    AgentConfig config = AgentConfig.fromFlags(flags);
    HttpLimits limits = HttpLimits.fromFlags(flags);
    flags.rejectUnknown();
    AgentVerticle agent = new AgentVerticle(config).overLocalEventBus().withHttpLimits(limits);
    vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    int port = agent.httpPort();

    try (Socket slow = connect(port); Socket idle = connect(port); Socket large = connect(port)) {
      long opened = System.nanoTime();
      slow.getOutputStream().write("GET /state HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      idle.getOutputStream().write("GET /version HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(line(idle.getInputStream())).startsWith("HTTP/1.1 200");
      large.getOutputStream().write(("POST /api/v1/executor HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 10000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      assertThat(line(large.getInputStream())).startsWith("HTTP/1.1 413");

      readToEnd(slow.getInputStream());
      long slowFor = System.nanoTime() - opened;
      readToEnd(idle.getInputStream());
      readToEnd(large.getInputStream());
      System.out.printf("agent: slowloris closed after %d ms (--http_header_timeout=300ms), then the idle and the"
          + " 413 connections%n", slowFor / 1_000_000);
      assertThat(slowFor).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(280));
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Reads until the agent closes the connection; a read timeout (10 s) fails the test. */
  private static void readToEnd(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // the rest of what the agent sent
      }
    } catch (SocketException reset) {
      // closed with a reset
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
