package dev.vmesos.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test client's RecordIO framing, fed in pieces as a network delivers it. */
class RecordIoReaderTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Hands out at most {@code max} bytes per read, like small TCP segments. */
  private static InputStream trickle(byte[] data, int max) {
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, max));
      }
    };
  }

  @Test
  void readsRecordsSplitAcrossReadsAndEndsCleanlyBetweenRecords() throws IOException {
    for (int max = 1; max <= 7; max++) {
      RecordIoReader reader = new RecordIoReader(trickle(bytes("5\nhello12\n{\"type\":\"x\"}1\n\n"), max));
      assertThat(reader.next()).isEqualTo(bytes("hello"));
      assertThat(reader.next()).isEqualTo(bytes("{\"type\":\"x\"}"));
      assertThat(reader.next()).isEqualTo(bytes("\n"));
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void rejectsTruncatedAndMalformedRecords() {
    assertThatThrownBy(() -> new RecordIoReader(trickle(bytes("10\nshort"), 3)).next())
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> new RecordIoReader(trickle(bytes("12"), 3)).next()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> new RecordIoReader(trickle(bytes("1x\na"), 3)).next()).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> new RecordIoReader(trickle(bytes("\nabc"), 3)).next()).isInstanceOf(IOException.class);
  }
}
