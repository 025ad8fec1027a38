package dev.vmesos.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsPositiveNumberTest {

  private static double parse(String... args) {
    return Flags.parse(args, Map.of()).positiveNumber("task_cpus", 0.1);
  }

  @Test
  void aPositiveNumberIsReadAndItsAbsenceGivesTheDefault() {
    assertThat(parse("--task_cpus=0.5")).isEqualTo(0.5);
    assertThat(parse()).isEqualTo(0.1);
  }

  @Test
  void otherValuesAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> parse("--task_cpus=abc")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--task_cpus': 'abc' is not a number");
    assertThatThrownBy(() -> parse("--task_cpus=0")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--task_cpus': 0 is not a positive number");
    assertThatThrownBy(() -> parse("--task_cpus=-1")).isInstanceOf(FlagException.class);
    assertThatThrownBy(() -> parse("--task_cpus=Infinity")).isInstanceOf(FlagException.class);
    assertThatThrownBy(() -> parse("--task_cpus=NaN")).isInstanceOf(FlagException.class);
  }
}
