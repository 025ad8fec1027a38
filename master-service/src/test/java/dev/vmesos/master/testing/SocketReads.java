package dev.vmesos.master.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** What a test's raw socket reads: HTTP lines, and everything up to the master's close. */
public final class SocketReads {

  private SocketReads() {
  }

  /**
   * Reads until the master closes the connection (end of stream or reset); returns the bytes read.
   * A read timeout (the socket's) fails the test, naming {@code deadline}.
   */
  public static long readToEnd(InputStream in, Object deadline) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the master did not close the stalled connection within " + deadline, e);
    } catch (SocketException reset) {
      // Closed with a reset: as good as an end.
    }
    return total;
  }

  /** One CRLF-terminated line, without its terminator. */
  public static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed in the middle of a line");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
