package dev.vmesos.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.http.HttpLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The flag parser and its typed getters (durations, byte sizes, numbers, booleans) on hostile command
 * lines: every value is read or refused with a {@link FlagException} naming the flag; nothing else
 * escapes. A duration read is never negative.
 */
class FlagsFuzzTest {

  private static final FuzzCounter RUNS = new FuzzCounter("flag parser");

  @FuzzTest(maxDuration = "10s")
  void parse(FuzzedDataProvider data) {
    RUNS.run();
    String[] args = new String[data.consumeInt(0, 6)];
    for (int i = 0; i < args.length; i++) {
      args[i] = data.consumeBoolean() ? "--" + data.consumeString(40) : data.consumeString(40);
    }
    String environment = data.consumeRemainingAsString();
    Flags flags;
    try {
      flags = Flags.parse(args, Map.of("MESOS_ALLOCATION_INTERVAL", environment, "VMESOS_HTTP_MAX_BODY_SIZE",
          environment));
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).matches("(?s)(Unexpected argument '.*'|Flag '--.*' was given more than once).*");
      return;
    }
    for (String name : new String[] {"allocation_interval", "heartbeat_interval", "offer_timeout"}) {
      try {
        Duration read = flags.duration(name, Duration.ofSeconds(1));
        assertThat(read.isNegative()).isFalse();
      } catch (FlagException refused) {
        assertThat(refused.getMessage()).contains("'--" + name + "'");
      }
    }
    try {
      HttpLimits.fromFlags(flags);
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).contains("'--http_");
    }
    try {
      flags.integer("port", 5050, 0, 65535);
      flags.positiveNumber("task_cpus", 1);
      flags.bool("authenticate_agents", false);
      flags.bytes("max_event_stream_queue", 1 << 20, 1 << 16, 1 << 30);
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).startsWith("Flag '--");
    }
    try {
      flags.rejectUnknown();
    } catch (FlagException refused) {
      assertThat(refused.getMessage()).startsWith("Unknown flag '--");
    }
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
