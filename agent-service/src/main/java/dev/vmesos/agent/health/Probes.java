package dev.vmesos.agent.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The three probes health checks and checks share, blocking, each bounded by a timeout: a command's
 * exit code, an HTTP GET's status code on loopback, a TCP connection to loopback. A probe that could
 * not tell (a timeout, a refused connection for HTTP) says why in {@link Result#error}.
 */
final class Probes {

  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private Probes() {
  }

  /** A probe's value ({@code -1} when there is none) or why it could not tell. */
  record Result(int value, String error) {

    static Result of(int value) {
      return new Result(value, null);
    }

    static Result failed(String why) {
      return new Result(-1, why);
    }

    boolean ok() {
      return error == null;
    }
  }

  /** Runs {@code argv} in {@code directory} (when not null) with {@code environment} added: its exit code. */
  static Result command(List<String> argv, Path directory, Map<String, String> environment, Duration timeout)
      throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return Result.failed("cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return Result.failed("command timed out after " + timeout.toMillis() + " ms");
    }
    return Result.of(process.exitValue());
  }

  /** {@code GET scheme://127.0.0.1:port/path}: its status code. */
  static Result http(String scheme, int port, String path, Duration timeout) throws InterruptedException {
    URI uri = URI.create(scheme + "://127.0.0.1:" + port + path);
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return Result.of(response.statusCode());
    } catch (IOException e) {
      return Result.failed("GET " + uri + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /** Whether a TCP connection to {@code 127.0.0.1:port} opens in time: 1 if it does, else 0 and why. */
  static Result tcp(int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      return Result.of(1);
    } catch (IOException e) {
      return new Result(0, "connecting to 127.0.0.1:" + port + " failed: " + e.getMessage());
    }
  }
}
