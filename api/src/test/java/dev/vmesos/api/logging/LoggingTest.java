package dev.vmesos.api.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void backToStderr() {
    Logging.setVerbosity(0, Duration.ZERO);
    Logging.apply(context, Logging.Settings.DEFAULT);
  }

  @Test
  void logsGoToTheFileAndRotateBySize(@TempDir Path dir) throws Exception {
    Logging.apply(context, new Logging.Settings(dir, "unit", Level.INFO, 2048, 2));
    Logger log = LoggerFactory.getLogger("dev.vmesos.unit.Rotation");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int line = 0;
    while (!Files.exists(dir.resolve("unit.log.1")) && System.nanoTime() < deadline) {
      log.info("line {} of the rotation test, long enough to fill two kilobytes soon", line++);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(dir.resolve("unit.log.1")).exists();
    assertThat(Logging.logFile()).contains(dir.resolve("unit.log"));
    log.info("after the rotation");
    assertThat(Files.readString(dir.resolve("unit.log"))).matches(
        "(?s).*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO Rotation - after the rotation\n.*");
    // At most maxFiles rotated files are kept.
    while (!Files.exists(dir.resolve("unit.log.2")) && System.nanoTime() < deadline) {
      log.info("line {} of the rotation test, long enough to fill two kilobytes soon", line++);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    for (int i = 0; i < 200; i++) {
      log.info("line {} of the rotation test, long enough to fill two kilobytes soon", line++);
    }
    assertThat(dir.resolve("unit.log.2")).exists();
    assertThat(dir.resolve("unit.log.3")).doesNotExist();
  }

  @Test
  void baseLevelFiltersAndHazelcastStaysQuiet(@TempDir Path dir) throws Exception {
    Logging.apply(context, new Logging.Settings(dir, "levels", Level.WARN, 1 << 20, 1));
    LoggerFactory.getLogger("dev.vmesos.unit.Levels").info("not logged at WARNING");
    LoggerFactory.getLogger("dev.vmesos.unit.Levels").warn("logged at WARNING");
    assertThat(LoggerFactory.getLogger("com.hazelcast.internal.Cluster").isInfoEnabled()).isFalse();
    String text = Files.readString(dir.resolve("levels.log"));
    assertThat(text).contains("WARN Levels - logged at WARNING").doesNotContain("not logged");
    assertThat(Logging.flags()).containsEntry("logging_level", "WARNING").containsEntry("log_dir", dir.toString());
  }

  @Test
  void verbosityRaisesVmesosLoggersAndRevertsAfterItsDuration() throws Exception {
    Logger vmesos = LoggerFactory.getLogger("dev.vmesos.unit.Verbose");
    Logger netty = LoggerFactory.getLogger("io.netty.Unit");
    assertThat(vmesos.isDebugEnabled()).isFalse();
    Logging.setVerbosity(1, Duration.ofMillis(300));
    assertThat(Logging.verbosity()).isEqualTo(1);
    assertThat(vmesos.isDebugEnabled()).isTrue();
    assertThat(vmesos.isTraceEnabled()).isFalse();
    assertThat(netty.isDebugEnabled()).isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Logging.verbosity() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(Logging.verbosity()).isZero();
    assertThat(vmesos.isDebugEnabled()).isFalse();

    Logging.setVerbosity(3, Duration.ofHours(1));
    assertThat(vmesos.isTraceEnabled()).isTrue();
    assertThat(netty.isDebugEnabled()).isTrue();
  }

  @Test
  void aLaterSetOutlivesAnEarlierTimer() throws Exception {
    Logging.setVerbosity(1, Duration.ofMillis(100));
    Logging.setVerbosity(2, Duration.ofHours(1));
    // The first timer fires (100 ms) and must leave the second setting alone: set 0 later and compare.
    long until = System.nanoTime() + Duration.ofMillis(400).toNanos();
    while (System.nanoTime() < until) {
      assertThat(Logging.verbosity()).isEqualTo(2);
      Thread.onSpinWait();
    }
  }

  @Test
  void flagsAreValidated(@TempDir Path dir) {
    assertThatThrownBy(() -> LoggingFlags.fromFlags(Flags.parse(new String[] {"--logging_level=DEBUG"}, Map.of())))
        .isInstanceOf(FlagException.class).hasMessageContaining("--logging_level");
    Path file = dir.resolve("a-file");
    assertThatThrownBy(() -> {
      Files.writeString(file, "x");
      LoggingFlags.fromFlags(Flags.parse(new String[] {"--log_dir=" + file}, Map.of()));
    }).isInstanceOf(FlagException.class).hasMessageContaining("--log_dir");
    LoggingFlags ok = LoggingFlags.fromFlags(Flags.parse(new String[] {"--log_dir=" + dir.resolve("new"),
        "--logging_level=ERROR"}, Map.of()));
    assertThat(ok.logDir()).contains(dir.resolve("new"));
    assertThat(dir.resolve("new")).isDirectory();
    assertThat(ok.level()).isEqualTo("ERROR");
  }
}
