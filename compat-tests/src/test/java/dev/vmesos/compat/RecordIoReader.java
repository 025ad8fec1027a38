package dev.vmesos.compat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads RecordIO ({@code <decimal length>\n<bytes>}, as in Mesos's {@code recordio.hpp}) from a stream,
 * one record at a time as it arrives, however the bytes are split across reads.
 */
final class RecordIoReader {

  /** Mesos documents no limit; this only stops a corrupt length from allocating gigabytes. */
  private static final long MAX_RECORD = 64L * 1024 * 1024;

  private final InputStream in;

  RecordIoReader(InputStream in) {
    this.in = in;
  }

  /** The next record, or {@code null} when the stream ends cleanly between records. */
  byte[] next() throws IOException {
    long length = 0;
    int digits = 0;
    while (true) {
      int b = in.read();
      if (b == -1) {
        if (digits == 0) {
          return null;
        }
        throw new EOFException("stream ended inside a record length");
      }
      if (b == '\n') {
        break;
      }
      if (b < '0' || b > '9') {
        throw new IOException("bad RecordIO length byte 0x" + Integer.toHexString(b) + " after " + digits + " digits");
      }
      length = length * 10 + (b - '0');
      digits++;
      if (length > MAX_RECORD) {
        throw new IOException("RecordIO record longer than " + MAX_RECORD + " bytes");
      }
    }
    if (digits == 0) {
      throw new IOException("empty RecordIO length");
    }
    byte[] record = in.readNBytes((int) length);
    if (record.length != length) {
      throw new EOFException("stream ended after " + record.length + " of a " + length + "-byte record");
    }
    return record;
  }
}
