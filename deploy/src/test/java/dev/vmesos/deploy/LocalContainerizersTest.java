package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code vmesos local} without {@code --containerizers}: Docker beside processes when an engine
 * answers (so the README's quick start runs the examples' Docker executors), Mesos's default
 * otherwise; either way one line says which, and a given flag wins.
 */
class LocalContainerizersTest {

  @Test
  void dockerAndMesosWhenAnEngineAnswersMesosOtherwiseAndOneLineSaysWhich() {
    List<String> withEngine = Main.defaultContainerizers(true);
    List<String> without = Main.defaultContainerizers(false);

    assertThat(withEngine).containsExactly("--containerizers=docker,mesos");
    assertThat(without).containsExactly("--containerizers=mesos");
    assertThat(Main.describeContainerizers(withEngine, false))
        .isEqualTo("vmesos local: a Docker engine answers on /var/run/docker.sock: agents run"
            + " --containerizers=docker,mesos (Docker tasks and executors, and processes)");
    assertThat(Main.describeContainerizers(without, false))
        .startsWith("vmesos local: no Docker engine answers on /var/run/docker.sock: agents run --containerizers=mesos")
        .contains("--executor=process");
    assertThat(Main.describeContainerizers(List.of("--containerizers=mesos"), true))
        .isEqualTo("vmesos local: agents run --containerizers=mesos (as given)");
  }

  @Test
  void aGivenFlagIsKeptAsGiven() {
    Main.LocalOptions options = Main.LocalOptions.fromFlags(
        dev.vmesos.api.config.Flags.parse(new String[] {"--containerizers=mesos"}, java.util.Map.of()));

    assertThat(options.agentFlags()).containsExactly("--containerizers=mesos");
  }
}
