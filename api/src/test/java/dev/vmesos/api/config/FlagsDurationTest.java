package dev.vmesos.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsDurationTest {

  private static Duration parse(String... args) {
    return Flags.parse(args, Map.of()).duration("allocation_interval", Duration.ofSeconds(1));
  }

  @Test
  void durationsAreReadInMesossUnitsAndTheirAbsenceGivesTheDefault() {
    assertThat(parse("--allocation_interval=5secs")).isEqualTo(Duration.ofSeconds(5));
    assertThat(parse("--allocation_interval=250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(parse("--allocation_interval=1.5mins")).isEqualTo(Duration.ofSeconds(90));
    assertThat(parse("--allocation_interval=2hrs")).isEqualTo(Duration.ofHours(2));
    assertThat(parse("--allocation_interval=1days")).isEqualTo(Duration.ofDays(1));
    assertThat(parse("--allocation_interval=1weeks")).isEqualTo(Duration.ofDays(7));
    assertThat(parse("--allocation_interval=10us")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(parse("--allocation_interval=7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(parse("--allocation_interval=.5secs")).isEqualTo(Duration.ofMillis(500));
    assertThat(parse()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aBareNumberIsRefusedNamingTheFlagAsMesosRefusesIt() {
    assertThatThrownBy(() -> parse("--allocation_interval=5")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--allocation_interval': '5' has no unit; a duration needs one of ns, us, ms, secs, mins,"
            + " hrs, days, weeks (e.g. 5secs)");
    assertThatThrownBy(() -> parse("--allocation_interval=0.5")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--allocation_interval").hasMessageContaining("no unit");
    assertThatThrownBy(() -> Flags.parse(new String[0], Map.of("MESOS_ALLOCATION_INTERVAL", "5"))
        .duration("allocation_interval", Duration.ofSeconds(1)))
        .isInstanceOf(FlagException.class).hasMessageContaining("--allocation_interval");
  }

  @Test
  void unitsMesosDoesNotKnowAndMalformedNumbersAreRefused() {
    for (String bad : new String[] {"5s", "5m", "5h", "5d", "5 secs", "5sec", "5SECS", "secs", "-5secs", "1.2.3secs",
        ".secs", "5secs5", "1e3ms", "NaNsecs", "Infinitysecs", "0x10ms"}) {
      assertThatThrownBy(() -> parse("--allocation_interval=" + bad)).as(bad).isInstanceOf(FlagException.class)
          .hasMessageStartingWith("Flag '--allocation_interval': ");
    }
  }

  @Test
  void aDurationLongerThanNanosecondsCanCountIsRefusedRatherThanWrapped() {
    assertThatThrownBy(() -> parse("--allocation_interval=1000000weeks")).isInstanceOf(FlagException.class)
        .hasMessageContaining("too long");
    assertThat(Flags.parseDuration("15000weeks")).isEqualTo(Duration.ofDays(7 * 15000L));
  }
}
