package dev.vmesos.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlagHelpTest {

  private final FlagHelp help = FlagHelp.builder()
      .flag("port", "PORT", 5050, "Port to listen on.")
      .flag("allocation_interval", "DURATION", "1secs",
          "Interval between batch allocations; events such as an added agent or a REVIVE also trigger one,"
              + " merged while one is pending.")
      .bool("checkpoint", false, "Whether to checkpoint.")
      .flag("total-queries", "COUNT", null, "Queries in all.")
      .build();

  @Test
  void rendersEveryFlagInNameOrderWithItsDefaultAndWrapsLongDescriptions() {
    String text = help.render("vmesos master [--flag=value ...]");
    assertThat(text).startsWith("Usage: vmesos master [--flag=value ...]\n");
    assertThat(text.indexOf("--allocation_interval=DURATION")).isLessThan(text.indexOf("--[no-]checkpoint"));
    assertThat(text.indexOf("--[no-]checkpoint")).isLessThan(text.indexOf("--port=PORT"));
    assertThat(text).contains("Port to listen on. (default: 5050)");
    assertThat(text).contains("Queries in all.\n").doesNotContain("Queries in all. (default");
    String[] lines = text.split("\n");
    for (String line : lines) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
    }
    // The long description goes on over a second line, under its own column.
    int first = java.util.Arrays.asList(lines).indexOf(java.util.Arrays.stream(lines)
        .filter(l -> l.startsWith("  --allocation_interval")).findFirst().orElseThrow());
    assertThat(lines[first + 1]).startsWith(" ".repeat(38)).doesNotStartWith(" ".repeat(39));
    assertThat(String.join(" ", java.util.Arrays.stream(lines, first, first + 3).map(String::trim).toList()))
        .contains("merged while one is pending. (default: 1secs)");
  }

  @Test
  void namesAreThoseFlagsReadsAndHelpIsAskedForByDashDashHelp() {
    assertThat(help.names()).containsExactly("port", "allocation_interval", "checkpoint", "total_queries");
    Flags flags = Flags.parse(new String[] {"--total-queries=3", "--port=1"}, java.util.Map.of());
    flags.integer("total_queries", 1, 1, 10);
    flags.integer("port", 1, 1, 10);
    assertThat(help.names()).containsAll(flags.namesRead());

    assertThat(FlagHelp.requested(new String[] {"--port=1", "--help"})).isTrue();
    assertThat(FlagHelp.requested(new String[] {"-h"})).isTrue();
    assertThat(FlagHelp.requested(new String[] {"--port=1", "--helpful=1"})).isFalse();
    assertThat(help.plus(FlagHelp.builder().flag("ip", "IP", null, "Address.").build()).names()).contains("ip", "port");
  }

  @Test
  void aFlagDescribedTwiceIsAMistake() {
    assertThatThrownBy(() -> FlagHelp.builder().flag("port", "PORT", 1, "a").flag("port", "PORT", 2, "b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
  }
}
