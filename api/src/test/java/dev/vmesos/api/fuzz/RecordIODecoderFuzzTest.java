package dev.vmesos.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.recordio.RecordIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The RecordIO decoder on hostile streams, cut into chunks anywhere: every input either yields records
 * or fails with {@link RecordIOException}; once failed, the decoder stays failed; and whatever it
 * decoded, encoding those records again and decoding that in one chunk gives the same records.
 */
class RecordIODecoderFuzzTest {

  private static final FuzzCounter RUNS = new FuzzCounter("RecordIO decoder");

  @FuzzTest(maxDuration = "10s")
  void decode(FuzzedDataProvider data) {
    RUNS.run();
    RecordIODecoder decoder = new RecordIODecoder(1 + data.consumeInt(0, 4096));
    List<byte[]> records = new ArrayList<>();
    boolean failed = false;
    while (data.remainingBytes() > 0 && !failed) {
      byte[] chunk = data.consumeBytes(data.consumeInt(0, 64));
      try {
        records.addAll(decoder.decode(chunk));
      } catch (RecordIOException e) {
        failed = true;
        assertThat(decoder.hasFailed()).isTrue();
      }
    }
    if (failed) {
      RecordIODecoder failedDecoder = decoder;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> failedDecoder.decode(new byte[] {'1'}))
          .isInstanceOf(RecordIOException.class);
      return;
    }
    java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
    for (byte[] record : records) {
      again.writeBytes(RecordIO.encode(record));
    }
    List<byte[]> decodedAgain = new RecordIODecoder().decode(again.toByteArray());
    assertThat(decodedAgain).hasSameSizeAs(records);
    for (int i = 0; i < records.size(); i++) {
      assertThat(decodedAgain.get(i)).isEqualTo(records.get(i));
    }
  }

  @AfterAll
  static void report() {
    RUNS.report();
  }
}
