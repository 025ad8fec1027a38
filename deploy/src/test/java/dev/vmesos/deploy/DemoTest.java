package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmesos demo}, shortened (8 s of DRF, 400 queries) and with process executors so that it
 * runs anywhere: it exits 0 only when the throttle run completed with the sink counting every query
 * and all three DRF frameworks ran tasks; the output has the parts, the live table and the shares.
 */
class DemoTest {

  @TempDir
  Path workDir;

  @Test
  void theDemoRunsBothPartsAndExits0() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = Demo.run(new String[] {"--executor=process", "--drf_seconds=8secs", "--task_seconds=2-3",
        "--total_queries=400", "--work_dir=" + workDir}, new PrintStream(bytes, true));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("executors run as processes")
        .contains("the sink counted 400 requests")
        .contains("[demo]   time | A tasks")
        .containsPattern("final dominant shares: A [0-9.]+ \\(\\w+, \\d+ tasks\\) B [0-9.]+ .* C [0-9.]+ ")
        .containsPattern("\\[demo\\] done in [0-9.]+ s");
  }

  /**
   * {@code --stay}: past {@code --drf_seconds} the cluster and frameworks keep running (the master
   * still answers) until the demo is stopped (what Ctrl-C does through the shutdown hook); the UI's
   * address and the log file are printed, and no log line reaches the terminal.
   */
  @Test
  void staysUntilStoppedAndKeepsLogsOffTheTerminal() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo demo = new Demo(Demo.Options.fromFlags(dev.vmesos.api.config.Flags.parse(new String[] {
        "--executor=process", "--throttle=false", "--stay", "--drf_seconds=1secs", "--task_seconds=2-3",
        "--work_dir=" + workDir}, java.util.Map.of())), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return demo.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    int port = demo.masterPort().get(120, java.util.concurrent.TimeUnit.SECONDS);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!bytes.toString(StandardCharsets.UTF_8).contains("--stay: the cluster and the frameworks keep running")) {
      assertThat(System.nanoTime()).as(bytes.toString(StandardCharsets.UTF_8)).isLessThan(deadline);
      assertThat(exit).isNotDone();
      Thread.sleep(100);
    }
    // Still up after the DRF part's time: the master answers and the demo has not ended.
    java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(exit).isNotDone();
    demo.stop();
    assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("[demo] web UI: http://127.0.0.1:" + port + "/")
        .contains("the master's and agents' logs go to " + workDir.resolve("logs").resolve("vmesos.log"))
        .contains("[demo] stopping, as asked").containsPattern("\\[demo\\] done in [0-9.]+ s")
        .doesNotContain(" INFO ").doesNotContain(" WARN ");
    assertThat(java.nio.file.Files.readString(workDir.resolve("logs").resolve("vmesos.log")))
        .contains("Registered agent");
  }

  @Test
  void aBadFlagIsNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Demo.run(new String[] {"--executor=vm"},
        new PrintStream(new ByteArrayOutputStream()))).hasMessage("Flag '--executor': 'vm' is not one of auto, docker, process");
  }
}
