package dev.vmesos.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attach stream's framing, fed in the fragments a socket may deliver. */
class MultiplexedStreamDecoderTest {

  private final StringBuilder stdout = new StringBuilder();
  private final StringBuilder stderr = new StringBuilder();
  private final List<Integer> others = new ArrayList<>();
  private final MultiplexedStreamDecoder decoder = new MultiplexedStreamDecoder((stream, bytes) -> {
    switch (stream) {
      case MultiplexedStreamDecoder.STDOUT -> stdout.append(bytes.toString(StandardCharsets.UTF_8));
      case MultiplexedStreamDecoder.STDERR -> stderr.append(bytes.toString(StandardCharsets.UTF_8));
      default -> others.add(stream);
    }
  });

  private static Buffer frame(int stream, String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendByte((byte) stream).appendBytes(new byte[3]).appendInt(payload.length)
        .appendBytes(payload);
  }

  private static Buffer stream() {
    return Buffer.buffer()
        .appendBuffer(frame(1, "out one\n"))
        .appendBuffer(frame(2, "err one\n"))
        .appendBuffer(frame(1, ""))
        .appendBuffer(frame(1, "out twö\n"))
        .appendBuffer(frame(2, "err two\n"));
  }

  @Test
  void wholeFramesInOneBuffer() {
    decoder.feed(stream());

    assertThat(stdout).hasToString("out one\nout twö\n");
    assertThat(stderr).hasToString("err one\nerr two\n");
    assertThat(decoder.midFrame()).isFalse();
  }

  @Test
  void everySplitPointGivesTheSameOutput() {
    Buffer all = stream();
    for (int split = 0; split <= all.length(); split++) {
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      MultiplexedStreamDecoder split2 = new MultiplexedStreamDecoder((stream, bytes) ->
          (stream == 1 ? out : err).append(bytes.toString(StandardCharsets.ISO_8859_1)));
      split2.feed(all.getBuffer(0, split));
      split2.feed(all.getBuffer(split, all.length()));

      assertThat(new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
          .as("split at %d", split).isEqualTo("out one\nout twö\n");
      assertThat(err).as("split at %d", split).hasToString("err one\nerr two\n");
    }
  }

  @Test
  void oneByteAtATime() {
    Buffer all = stream();
    List<Buffer> pieces = new ArrayList<>();
    MultiplexedStreamDecoder bytewise = new MultiplexedStreamDecoder((stream, bytes) -> {
      if (stream == 1) {
        pieces.add(bytes);
      }
    });
    for (int i = 0; i < all.length(); i++) {
      bytewise.feed(all.getBuffer(i, i + 1));
    }

    Buffer joined = Buffer.buffer();
    pieces.forEach(joined::appendBuffer);
    assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo("out one\nout twö\n");
  }

  @Test
  void aStreamCutInsideAFrameIsNoticed() {
    Buffer frame = frame(1, "partial line\n");

    decoder.feed(frame.getBuffer(0, 4));
    assertThat(decoder.midFrame()).isTrue();
    decoder.feed(frame.getBuffer(4, 12));
    assertThat(decoder.midFrame()).isTrue();
    decoder.feed(frame.getBuffer(12, frame.length()));
    assertThat(decoder.midFrame()).isFalse();
    assertThat(stdout).hasToString("partial line\n");
  }

  @Test
  void largeSizesAreReadAsUnsignedBigEndian() {
    byte[] payload = new byte[70_000];
    java.util.Arrays.fill(payload, (byte) 'x');
    Buffer frame = Buffer.buffer().appendByte((byte) 2).appendBytes(new byte[3]).appendInt(payload.length)
        .appendBytes(payload).appendBuffer(frame(1, "after\n"));

    decoder.feed(frame);

    assertThat(stderr).hasSize(70_000);
    assertThat(stdout).hasToString("after\n");
  }

  @Test
  void otherStreamsArePassedOnForTheCallerToDrop() {
    decoder.feed(frame(0, "stdin?"));
    decoder.feed(frame(1, "ok"));

    assertThat(others).containsExactly(0);
    assertThat(stdout).hasToString("ok");
  }
}
