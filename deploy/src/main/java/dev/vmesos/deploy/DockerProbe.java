package dev.vmesos.deploy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a Docker engine answers on its Unix socket ({@code GET /_ping} → 200), so the local cluster
 * and the demo can use Docker executors when there is an engine and processes when there is none.
 */
public final class DockerProbe {

  public static final String DEFAULT_SOCKET = "/var/run/docker.sock";

  private DockerProbe() {
  }

  /** True when the engine answered its ping within 3 s. */
  public static boolean engineAnswers(String socket) {
    try {
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> ping(socket))
          .get(3, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean ping(String socket) {
    Path path = Path.of(socket);
    if (!Files.exists(path)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(path));
      channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer reply = ByteBuffer.allocate(256);
      while (reply.hasRemaining() && channel.read(reply) > 0) {
        if (new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII).contains("\r\n")) {
          break;
        }
      }
      String status = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
      return status.startsWith("HTTP/1.") && status.substring(9).startsWith("200");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
