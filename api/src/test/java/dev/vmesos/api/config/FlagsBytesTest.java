package dev.vmesos.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsBytesTest {

  private static long parse(String... args) {
    return Flags.parse(args, Map.of()).bytes("max_queue", 8L << 20, 1024, 1L << 30);
  }

  @Test
  void sizesAreReadInStoutsUnitsOf1024AndTheirAbsenceGivesTheDefault() {
    assertThat(parse("--max_queue=8MB")).isEqualTo(8L * 1024 * 1024);
    assertThat(parse("--max_queue=512KB")).isEqualTo(512L * 1024);
    assertThat(parse("--max_queue=1GB")).isEqualTo(1L << 30);
    assertThat(parse("--max_queue=4096B")).isEqualTo(4096);
    assertThat(parse("--max_queue=4096")).isEqualTo(4096);
    assertThat(parse()).isEqualTo(8L << 20);
  }

  @Test
  void otherValuesAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> parse("--max_queue=lots")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--max_queue': 'lots' is not a byte size (examples: 8MB, 512KB, 1GB)");
    assertThatThrownBy(() -> parse("--max_queue=8mb")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--max_queue");
    assertThatThrownBy(() -> parse("--max_queue=-1MB")).isInstanceOf(FlagException.class);
    assertThatThrownBy(() -> parse("--max_queue=1.5MB")).isInstanceOf(FlagException.class);
    assertThatThrownBy(() -> parse("--max_queue=2GB")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--max_queue': 2GB is out of range [1024B, 1073741824B]");
    assertThatThrownBy(() -> parse("--max_queue=100B")).isInstanceOf(FlagException.class);
    assertThatThrownBy(() -> parse("--max_queue=99999999999TB")).isInstanceOf(FlagException.class)
        .hasMessageContaining("too large");
  }
}
