package dev.vmesos.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vmesos.api.resources.AttributesParser;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParseException;
import dev.vmesos.api.resources.ResourcesParser;
import org.junit.jupiter.api.AfterAll;

/**
 * The resources and attributes text parsers ({@code --resources}, {@code --attributes},
 * {@code --min_allocatable_resources}, {@code --quota}) on hostile text: a parse or an
 * {@link IllegalArgumentException} naming what is wrong ({@link ResourcesParseException} is one),
 * nothing else; and resources read from text contain themselves and subtract to nothing.
 */
class ResourcesParserFuzzTest {

  private static final FuzzCounter RUNS = new FuzzCounter("resources and attributes parsers");

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    RUNS.run();
    String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    try {
      Resources resources = ResourcesParser.parse(text);
      assertThat(resources.contains(resources)).isTrue();
      assertThat(resources.minus(resources).isEmpty()).as("%s minus itself", resources).isTrue();
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
    try {
      AttributesParser.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
