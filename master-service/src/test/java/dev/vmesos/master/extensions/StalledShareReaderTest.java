package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.master.extensions.ExtCluster.Records;
import dev.vmesos.master.testing.SocketReads;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SUBSCRIBE reader that stops reading is dropped under {@code --max_event_stream_queue} (counted in
 * {@code master/event_stream_drops}), as the operator API's subscribers are, while one that keeps up
 * goes on getting samples: the master does not buffer samples for a reader without bound.
 */
class StalledShareReaderTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private ExtCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStalledReaderIsDroppedAndOneThatKeepsUpIsNot() throws Exception {
    // 1,000 roles (each with a quota limit) make each sample about 45 KB; one every 10 ms is some 4.5 MB/s.
    StringJoiner quotas = new StringJoiner(",", "{", "}");
    for (int i = 0; i < 1000; i++) {
      quotas.add("\"role" + i + "\":{\"limits\":\"cpus:100\"}");
    }
    cluster = ExtCluster.start("--share_history_interval=10ms", "--share_history_capacity=2",
        "--max_event_stream_queue=256KB", "--quota=" + quotas);
    Records reader = cluster.subscribeShares();
    assertThat(reader.next().getString("type")).isEqualTo("SUBSCRIBED");

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.port), 5_000);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      byte[] body = "{\"type\":\"SUBSCRIBE\"}".getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST " + VmesosApi.PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + cluster.port
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      assertThat(SocketReads.line(in)).startsWith("HTTP/1.1 200");
      // Then it reads nothing while the master samples on.

      long deadline = System.nanoTime() + DEADLINE.toNanos();
      int samplesRead = 0;
      while (drops() < 1) {
        assertThat(System.nanoTime()).as("the stalled reader dropped within %s", DEADLINE).isLessThan(deadline);
        // The reader that keeps up drains what it got meanwhile.
        for (JsonObject event = reader.poll(); event != null; event = reader.poll()) {
          samplesRead += "SHARES".equals(event.getString("type")) ? 1 : 0;
        }
        Thread.sleep(50);
      }
      long unread = SocketReads.readToEnd(in, DEADLINE);
      System.out.printf("stalled share reader: dropped after the reader that keeps up got %d samples; the stalled"
          + " socket then read %d bytes and its end%n", samplesRead, unread);
      assertThat(drops()).isEqualTo(1.0);
      // The other reader is still served.
      assertThat(reader.nextOfType("SHARES").getJsonObject("shares").getJsonArray("roles").size()).isEqualTo(1000);
      assertThat(samplesRead).isGreaterThan(0);
    }
  }

  private double drops() throws Exception {
    return cluster.request(HttpMethod.GET, "/metrics/snapshot", Map.of(), null).json()
        .getDouble("master/event_stream_drops");
  }

}
