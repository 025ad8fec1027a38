package dev.vmesos.examples.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottleConfigTest {

  @Test
  void readsTheOriginalFlagsWithDashes() {
    ThrottleConfig config = ThrottleConfig.fromFlags(Flags.parse(new String[] {"--master=127.0.0.1:5050",
        "--total-queries=500", "--queries-per-task=50", "--parallelism=3", "--target=http://127.0.0.1:8080/x",
        "--executor=process"}, Map.of()));
    assertThat(config.totalQueries()).isEqualTo(500);
    assertThat(config.queriesPerTask()).isEqualTo(50);
    assertThat(config.parallelism()).isEqualTo(3);
    assertThat(config.target()).isInstanceOf(Target.Http.class);
  }

  @Test
  void masterTakesStandbyMastersCommaSeparated() {
    ThrottleConfig config = ThrottleConfig.fromFlags(Flags.parse(new String[] {
        "--master=10.0.0.1:5050,10.0.0.2:5050,http://10.0.0.3:5050", "--executor=process"}, Map.of()));
    assertThat(config.masters()).containsExactly(new MasterAddress("10.0.0.1", 5050),
        new MasterAddress("10.0.0.2", 5050), new MasterAddress("10.0.0.3", 5050));
    assertThat(config.master()).isEqualTo(new MasterAddress("10.0.0.1", 5050));
  }

  @Test
  void badFlagsExit2WithOneLineNamingTheFlag() {
    assertThat(errorOf("--master=127.0.0.1:5050", "--parallelism=0")).isEqualTo(
        "throttle: Flag '--parallelism': 0 is out of range [1, 10000]\n");
    assertThat(errorOf("--total-queries=10")).isEqualTo("throttle: Flag '--master' is required\n");
    assertThat(errorOf("--master=zk://z:2181/mesos")).startsWith("throttle: Flag '--master': ").contains("ZooKeeper");
    assertThat(errorOf("--master=m:5050", "--target=cassandra://x")).startsWith("throttle: Flag '--target':");
    assertThat(errorOf("--master=m:5050", "--executor=vm")).startsWith("throttle: Flag '--executor':");
    assertThat(errorOf("--master=m:5050", "--paralelism=2")).isEqualTo("throttle: Unknown flag '--paralelism'\n");
  }

  @Test
  void aDatabaseThatIsDownExits1InOneLineBeforeAnyMasterIsContacted() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ThrottleMain.run(new String[] {"--master=127.0.0.1:1", "--target=jdbc:postgresql://127.0.0.1:1/x",
        "--executor=process"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("throttle: cannot use jdbc:postgresql://127.0.0.1:1/x")
        .hasLineCount(1);
  }

  private static String errorOf(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ThrottleMain.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
    assertThat(code).isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpDescribesEveryFlagThrottleReadsAndNoOther() {
    Flags flags = Flags.parse(new String[] {"--master=127.0.0.1:5050", "--executor=process"}, Map.of());
    ThrottleConfig.fromFlags(flags);
    assertThat(ThrottleConfig.HELP.names()).containsExactlyInAnyOrderElementsOf(flags.namesRead());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ThrottleMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream()))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: vmesos throttle")
        .contains("--total-queries=COUNT").contains("(default: 1000)");
  }

  @Test
  void credentialsComeFromAMesosCredentialFileAndAHalfGivenOneStopsStartUp(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("credential"), "throttle s3cret\n");
    ThrottleConfig config = ThrottleConfig.fromFlags(Flags.parse(new String[] {"--master=127.0.0.1:5050",
        "--executor=process", "--credential=" + file}, Map.of()));
    assertThat(config.security().credential().orElseThrow().principal()).isEqualTo("throttle");
    assertThat(config.withCheckpoint(true).security()).isEqualTo(config.security());
    assertThat(errorOf("--master=127.0.0.1:5050", "--executor=process", "--secret=s"))
        .contains("Flag '--secret': needs --principal");
  }
}
