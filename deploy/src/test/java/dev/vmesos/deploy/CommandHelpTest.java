package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code vmesos local --help} and {@code vmesos demo --help} describe exactly the flags those commands read. */
class CommandHelpTest {

  @Test
  void localHelpDescribesEveryFlagItReadsAndNoOther() {
    Flags flags = Flags.parse(new String[0], Map.of());
    Main.LocalOptions.fromFlags(flags);
    // The Kubernetes flags are read only with Kubernetes discovery.
    Flags kubernetes = Flags.parse(new String[] {"--cluster_discovery=kubernetes",
        "--cluster_kubernetes_service=vmesos"}, Map.of());
    Main.LocalOptions.fromFlags(kubernetes);
    java.util.Set<String> read = new java.util.HashSet<>(flags.namesRead());
    read.addAll(kubernetes.namesRead());
    assertThat(Main.LOCAL_HELP.names()).containsExactlyInAnyOrderElementsOf(read);
  }

  @Test
  void demoHelpDescribesEveryFlagItReadsAndNoOther() throws Exception {
    Flags flags = Flags.parse(new String[] {"--executor=process"}, Map.of());
    Demo.Options options = Demo.Options.fromFlags(flags);
    java.nio.file.Files.deleteIfExists(options.workDir());
    assertThat(Demo.HELP.names()).containsExactlyInAnyOrderElementsOf(flags.namesRead());
  }
}
