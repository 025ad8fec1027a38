package dev.vmesos.examples.drf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrfConfigTest {

  @Test
  void helpDescribesEveryFlagTheDrfFrameworkReadsAndNoOther() {
    Flags flags = Flags.parse(new String[] {"--master=127.0.0.1:5050", "--executor=process"}, Map.of());
    DrfConfig config = DrfConfig.fromFlags(flags);
    DrfMain.runFor(flags);
    assertThat(DrfConfig.HELP.names()).containsExactlyInAnyOrderElementsOf(flags.namesRead());
    assertThat(config.name()).isEqualTo("drf-demo");
    assertThat(config.task().cpus()).isEqualTo(1.0);
  }

  @Test
  void masterTakesStandbyMastersCommaSeparated() {
    DrfConfig config = DrfConfig.fromFlags(Flags.parse(new String[] {"--master=m1:5050,m2:5050",
        "--executor=process"}, Map.of()));
    assertThat(config.masters()).containsExactly(new MasterAddress("m1", 5050), new MasterAddress("m2", 5050));
  }

  @Test
  void credentialsAndAnHttpsMasterReachTheSession() {
    DrfConfig config = DrfConfig.fromFlags(Flags.parse(new String[] {"--master=https://m1:5050",
        "--executor=process", "--principal=drf", "--secret=s"}, Map.of()));
    assertThat(config.master().tls()).isTrue();
    assertThat(config.security().credential().orElseThrow().principal()).isEqualTo("drf");
    assertThat(config.security().usesTls(config.master())).isTrue();
  }
}
