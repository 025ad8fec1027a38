package dev.vmesos.api.recordio;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordIODecoderTest {

    /** Small and odd records, a multi-byte UTF-8 one, and one of a few KB (length has 4 digits). */
    private static final List<byte[]> RECORDS = List.of(
            utf8("x"),
            utf8("{}"),
            utf8("{\"type\":\"HEARTBEAT\"}"),
            utf8("héllo ✓ 世界 🚀"),
            bigRecord(4321),
            new byte[] {'\n', '1', '0', '\n'}, // body bytes that look like framing
            utf8("{\"type\":\"SUBSCRIBED\"}"));

    private static final byte[] STREAM = encodeAll(RECORDS);

    @Test
    void encodesDecimalLengthNewlineAndBody() {
        assertThat(new String(RecordIO.encode(utf8("hello")), StandardCharsets.UTF_8)).isEqualTo("5\nhello");
        assertThat(RecordIO.encode(utf8("✓"))).containsExactly('3', '\n', 0xE2, 0x9C, 0x93);
        assertThat(RecordIO.encode(Buffer.buffer("{\"a\":1}")).toString()).isEqualTo("7\n{\"a\":1}");
    }

    @Test
    void decodesWholeStreamInOneChunk() {
        assertRecords(new RecordIODecoder().decode(STREAM));
    }

    @Test
    void decodesWhenSplitAtEveryByteBoundary() {
        for (int split = 0; split <= STREAM.length; split++) {
            RecordIODecoder decoder = new RecordIODecoder();
            List<byte[]> decoded = new ArrayList<>(decoder.decode(Arrays.copyOfRange(STREAM, 0, split)));
            decoded.addAll(decoder.decode(Arrays.copyOfRange(STREAM, split, STREAM.length)));
            assertThat(decoded).as("split at %d", split).hasSize(RECORDS.size());
            assertRecords(decoded);
            assertThat(decoder.hasPartialRecord()).isFalse();
        }
    }

    @Test
    void decodesByteByByte() {
        RecordIODecoder decoder = new RecordIODecoder();
        List<byte[]> decoded = new ArrayList<>();
        for (byte b : STREAM) {
            decoded.addAll(decoder.decode(new byte[] {b}));
        }
        assertRecords(decoded);
    }

    @Test
    void decodesRandomChunkSizes() {
        Random random = new Random(20240611L);
        for (int run = 0; run < 300; run++) {
            RecordIODecoder decoder = new RecordIODecoder();
            List<Buffer> decoded = new ArrayList<>();
            int offset = 0;
            while (offset < STREAM.length) {
                int size = Math.min(STREAM.length - offset, 1 + random.nextInt(run % 2 == 0 ? 16 : 3000));
                decoded.addAll(decoder.decode(Buffer.buffer(Arrays.copyOfRange(STREAM, offset, offset + size))));
                offset += size;
            }
            List<byte[]> bytes = new ArrayList<>();
            decoded.forEach(buffer -> bytes.add(buffer.getBytes()));
            assertRecords(bytes);
        }
    }

    @Test
    void reportsPartialRecordUntilItCompletes() {
        RecordIODecoder decoder = new RecordIODecoder();
        assertThat(decoder.hasPartialRecord()).isFalse();
        assertThat(decoder.decode(utf8("1"))).isEmpty();
        assertThat(decoder.hasPartialRecord()).isTrue(); // inside the length
        assertThat(decoder.decode(utf8("1\nhello"))).isEmpty();
        assertThat(decoder.hasPartialRecord()).isTrue(); // inside the body
        assertThat(decoder.decode(utf8(" world"))).singleElement()
                .satisfies(r -> assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo("hello world"));
        assertThat(decoder.hasPartialRecord()).isFalse();
    }

    @Test
    void rejectsMalformedLengths() {
        assertMalformed("abc\n", "'a'");
        assertMalformed("\n{}", "empty record length");
        assertMalformed("0\n", "record length 0");
        assertMalformed("00\n", "record length 0");
        assertMalformed("-1\n", "'-'");
        assertMalformed(" 2\n{}", "byte 0x20");
        assertMalformed("2\r\n{}", "byte 0x0D");
        assertMalformed("2{}", "'{'");
        assertMalformed("99999999999999999999999\n", "exceeds the maximum");
    }

    @Test
    void rejectsRecordsAboveTheConfiguredMaximumEvenWhenTheLengthIsSplit() {
        RecordIODecoder decoder = new RecordIODecoder(10);
        assertThat(decoder.decode(utf8("10\n0123456789"))).hasSize(1);
        assertThat(decoder.decode(utf8("1"))).isEmpty();
        assertThatThrownBy(() -> decoder.decode(utf8("1")))
                .isInstanceOf(RecordIOException.class)
                .hasMessageContaining("exceeds the maximum of 10 bytes");
    }

    @Test
    void staysFailedAfterAnError() {
        RecordIODecoder decoder = new RecordIODecoder();
        assertThatThrownBy(() -> decoder.decode(utf8("x\n"))).isInstanceOf(RecordIOException.class);
        assertThat(decoder.hasFailed()).isTrue();
        assertThatThrownBy(() -> decoder.decode(utf8("2\n{}")))
                .isInstanceOf(RecordIOException.class)
                .hasMessageContaining("already failed");
    }

    @Test
    void errorAfterGoodRecordsInTheSameChunkStillThrows() {
        RecordIODecoder decoder = new RecordIODecoder();
        assertThatThrownBy(() -> decoder.decode(utf8("2\n{}2\n{}x")))
                .isInstanceOf(RecordIOException.class)
                .hasMessageContaining("stream offset 8");
    }

    private static void assertMalformed(String stream, String messagePart) {
        assertThatThrownBy(() -> new RecordIODecoder().decode(utf8(stream)))
                .as("stream %s", stream.replace("\n", "\\n"))
                .isInstanceOf(RecordIOException.class)
                .hasMessageStartingWith("Malformed RecordIO stream: ")
                .hasMessageContaining(messagePart);
    }

    private static void assertRecords(List<byte[]> decoded) {
        assertThat(decoded).hasSize(RECORDS.size());
        for (int i = 0; i < RECORDS.size(); i++) {
            assertThat(decoded.get(i)).as("record %d", i).isEqualTo(RECORDS.get(i));
        }
    }

    private static byte[] encodeAll(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(r -> out.writeBytes(RecordIO.encode(r)));
        return out.toByteArray();
    }

    private static byte[] bigRecord(int size) {
        byte[] record = new byte[size];
        for (int i = 0; i < size; i++) {
            record[i] = (byte) (i * 31 + 7);
        }
        return record;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
