package dev.vmesos.agent.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.vmesos.api.v1.Protos.CommandInfo;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URIs marked {@code cache}: downloaded once from a loopback server, copied from the cache after. */
class FetcherCacheTest {

  @TempDir
  Path dir;

  private HttpServer server;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      if (path.startsWith("/missing")) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] body = ("content-" + path.substring(1)).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private CommandInfo.URI uri(String path, boolean cache) {
    return CommandInfo.URI.newBuilder().setValue("http://127.0.0.1:" + server.getAddress().getPort() + path)
        .setCache(cache).build();
  }

  private int requestsOf(String path) {
    return requests.getOrDefault(path, new AtomicInteger()).get();
  }

  @Test
  void aCachedUriIsDownloadedOnceAndAnUncachedOneEveryTime() throws Exception {
    Fetcher fetcher = new Fetcher(Duration.ofSeconds(10), new FetcherCache(dir.resolve("cache"), 1024 * 1024));

    fetcher.fetch(List.of(uri("/a.txt", true), uri("/b.txt", false)), dir.resolve("s1"), "c1");
    fetcher.fetch(List.of(uri("/a.txt", true), uri("/b.txt", false)), dir.resolve("s2"), "c2");

    assertThat(requestsOf("/a.txt")).isEqualTo(1);
    assertThat(requestsOf("/b.txt")).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("s2/a.txt"))).isEqualTo("content-a.txt");
    assertThat(Files.readString(dir.resolve("s2/stderr"))).contains("Copied '" + uri("/a.txt", true).getValue()
        + "' from the fetcher cache");
  }

  @Test
  void theLeastRecentlyUsedEntriesGoWhenTheCacheIsFullAndAFailedDownloadLeavesNothing() throws Exception {
    // Each file is 13 or 14 bytes: a 20-byte cache holds one.
    Fetcher fetcher = new Fetcher(Duration.ofSeconds(10), new FetcherCache(dir.resolve("cache"), 20));

    fetcher.fetch(List.of(uri("/one.txt", true)), dir.resolve("s1"), "c1");
    fetcher.fetch(List.of(uri("/two.txt", true)), dir.resolve("s2"), "c2");
    fetcher.fetch(List.of(uri("/one.txt", true)), dir.resolve("s3"), "c3");

    assertThat(requestsOf("/one.txt")).as("evicted by two.txt, so fetched again").isEqualTo(2);
    assertThatThrownBy(() -> fetcher.fetch(List.of(uri("/missing.txt", true)), dir.resolve("s4"), "c4"))
        .hasMessageContaining("HTTP 404");
    try (Stream<Path> entries = Files.list(dir.resolve("cache"))) {
      assertThat(entries.toList()).as("only one.txt's entry").hasSize(1);
    }
  }
}
