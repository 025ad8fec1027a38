package dev.vmesos.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.json.MesosJsonException;
import org.junit.jupiter.api.AfterAll;

/**
 * The Mesos JSON codec on hostile text, as the scheduler, operator and executor endpoints get it: every
 * input is either a call or a {@link MesosJsonException} (nothing else escapes), and a call read from it
 * prints to JSON that reads back to the same call.
 */
class MesosJsonFuzzTest {

  private static final FuzzCounter RUNS = new FuzzCounter("Mesos JSON codec");
  private static final Message[] PROTOTYPES = {
      dev.vmesos.api.v1.scheduler.Protos.Call.getDefaultInstance(),
      dev.vmesos.api.v1.master.Protos.Call.getDefaultInstance(),
      dev.vmesos.api.v1.executor.Protos.Call.getDefaultInstance(),
      dev.vmesos.api.v1.agent.Protos.Call.getDefaultInstance()};

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    RUNS.run();
    Message prototype = PROTOTYPES[input.length == 0 ? 0 : (input[0] & 0xff) % PROTOTYPES.length];
    Message parsed;
    try {
      parsed = MesosJson.parse(input, prototype);
    } catch (MesosJsonException refused) {
      return;
    }
    String printed = MesosJson.print(parsed);
    assertThat(MesosJson.parse(printed, prototype)).isEqualTo(parsed);
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
