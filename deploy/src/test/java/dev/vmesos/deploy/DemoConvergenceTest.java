package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The done-when for the demo: over 60 s, the DRF demo frameworks' dominant shares come within
 * 0.1 of each other. The DRF part of {@code vmesos demo} runs as it does for a user (its real master
 * and two agents, executors as processes, tasks of 4-8 s ending and being replaced), and the shares
 * are the master's own, read every second from {@code /metrics/snapshot}
 * ({@code allocator/mesos/frameworks/<id>/shares/dominant}), not the frameworks' view. Converged
 * means: ten samples in a row (10 s) with the spread at most 0.1 and every framework holding at
 * least 0.25, so a cluster left idle (all shares 0) cannot pass. The test ends as soon as that held,
 * and fails if it did not within 60 s of the frameworks subscribing. The trajectory is printed.
 */
class DemoConvergenceTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int WINDOW_SECONDS = 60;
  private static final int HELD_SAMPLES = 10;

  @TempDir
  Path workDir;

  @Test
  void theDrfFrameworksSharesComeWithinATenthOfEachOther() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Demo demo = new Demo(Demo.Options.fromFlags(dev.vmesos.api.config.Flags.parse(new String[] {
        "--executor=process", "--throttle=false", "--drf_seconds=90secs", "--task_seconds=4-8",
        "--work_dir=" + workDir}, Map.of())), out);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return demo.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<String> trajectory = new ArrayList<>();
    boolean converged = false;
    try {
      int port = demo.masterPort().get(120, TimeUnit.SECONDS);
      // The window opens once the master has all three frameworks.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Map<String, String> names = names(port);
      while (names.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        names = names(port);
      }
      assertThat(names).as(bytes.toString(StandardCharsets.UTF_8)).hasSize(3);
      long start = System.nanoTime();
      long windowEnd = start + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
      int held = 0;
      long next = start;
      while (System.nanoTime() < windowEnd && held < HELD_SAMPLES) {
        long pause = next - System.nanoTime();
        if (pause > 0) {
          Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));   // one sample a second
        }
        next += TimeUnit.SECONDS.toNanos(1);
        Map<String, Double> shares = shares(port, names);
        double max = shares.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double min = shares.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        boolean within = shares.size() == 3 && max - min <= Demo.CONVERGED_SPREAD && min >= 0.25;
        held = within ? held + 1 : 0;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5.1f s", (System.nanoTime() - start) / 1e9));
        shares.forEach((name, share) -> line.append(String.format(Locale.ROOT, "  %s %.3f", name, share)));
        trajectory.add(line.append(String.format(Locale.ROOT, "  spread %.3f%s", max - min, within ? "  within" : ""))
            .toString());
      }
      converged = held >= HELD_SAMPLES;
    } finally {
      System.out.println("DRF demo, dominant shares from the master's /metrics/snapshot:");
      trajectory.forEach(l -> System.out.println("  " + l));
      demo.stop();
      int code = exit.get(120, TimeUnit.SECONDS);
      String output = bytes.toString(StandardCharsets.UTF_8);
      System.out.println(output);
      assertThat(code).as(output).isZero();
      // Logs went to the file, not into the table.
      assertThat(output).doesNotContain(" INFO ").contains("the master's and agents' logs go to");
      assertThat(Files.readString(workDir.resolve("logs").resolve(DemoLogs.FILE_NAME))).contains("INFO");
    }
    assertThat(converged).as("shares within %.1f for %d s in a row within %d s:%n%s", Demo.CONVERGED_SPREAD,
        HELD_SAMPLES, WINDOW_SECONDS, String.join("\n", trajectory)).isTrue();
  }

  /** Framework id to name, from the master's {@code /state}. */
  private static Map<String, String> names(int port) throws Exception {
    JsonObject state = get(port, "/state");
    Map<String, String> names = new TreeMap<>();
    for (Object f : state.getJsonArray("frameworks")) {
      JsonObject framework = (JsonObject) f;
      names.put(framework.getString("id"), framework.getString("name"));
    }
    return names;
  }

  /** Framework name to dominant share, as the master's allocator reports it. */
  private static Map<String, Double> shares(int port, Map<String, String> names) throws Exception {
    JsonObject metrics = get(port, "/metrics/snapshot");
    Map<String, Double> shares = new TreeMap<>();
    names.forEach((id, name) -> {
      Object value = metrics.getValue("allocator/mesos/frameworks/" + id + "/shares/dominant");
      if (value instanceof Number number) {
        shares.put(name, number.doubleValue());
      }
    });
    return shares;
  }

  private static JsonObject get(int port, String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(java.time.Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }
}
