package dev.vmesos.agent.docker;

import io.vertx.core.buffer.Buffer;

/**
 * Splits the Engine API's multiplexed stream (attach and logs of a container without a TTY) into
 * frames. Each frame is an 8-byte header, {@code [stream, 0, 0, 0, size (4 bytes, big-endian)]},
 * then {@code size} bytes of that stream's output; stream 1 is stdout, 2 stderr (0, stdin, is never
 * sent). Bytes arrive in arbitrary fragments, so a frame may span several buffers and a buffer hold
 * several frames. Not thread-safe: feed it from one context.
 */
final class MultiplexedStreamDecoder {

  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;

  private static final int HEADER_SIZE = 8;

  /** Receives a frame's payload; a frame split across fragments is passed on in pieces as they come. */
  @FunctionalInterface
  interface FrameHandler {
    void output(int stream, Buffer bytes);
  }

  private final FrameHandler handler;
  private final byte[] header = new byte[HEADER_SIZE];
  private int headerLength;
  private int stream;
  /** Payload bytes of the current frame still to come; 0 while reading a header. */
  private long remaining;

  MultiplexedStreamDecoder(FrameHandler handler) {
    this.handler = handler;
  }

  void feed(Buffer bytes) {
    int pos = 0;
    int length = bytes.length();
    while (pos < length) {
      if (remaining == 0) {
        int take = Math.min(HEADER_SIZE - headerLength, length - pos);
        bytes.getBytes(pos, pos + take, header, headerLength);
        headerLength += take;
        pos += take;
        if (headerLength == HEADER_SIZE) {
          headerLength = 0;
          stream = header[0] & 0xff;
          remaining = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16)
              | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
        }
      } else {
        int take = (int) Math.min(remaining, length - pos);
        handler.output(stream, bytes.getBuffer(pos, pos + take));
        pos += take;
        remaining -= take;
      }
    }
  }

  /** Whether the bytes so far end in the middle of a frame (a header or its payload). */
  boolean midFrame() {
    return remaining > 0 || headerLength > 0;
  }
}
