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

  @Test
  void aBadFlagIsNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Demo.run(new String[] {"--executor=vm"},
        new PrintStream(new ByteArrayOutputStream()))).hasMessage("Flag '--executor': 'vm' is not one of auto, docker, process");
  }
}
