package dev.vmesos.agent.executor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads RecordIO records ({@code <length>\n<bytes>}) from a blocking stream, for test clients. */
final class Records {

  private Records() {
  }

  /** The next record, or null at the end of the stream. */
  static byte[] read(InputStream in) throws IOException {
    ByteArrayOutputStream digits = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        return null;
      }
      digits.write(b);
    }
    int length = Integer.parseInt(digits.toString().trim());
    byte[] record = in.readNBytes(length);
    if (record.length < length) {
      return null;
    }
    return record;
  }
}
