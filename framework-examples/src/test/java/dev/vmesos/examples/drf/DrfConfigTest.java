package dev.vmesos.examples.drf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
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
}
