package dev.vmesos.api.recordio;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * RecordIO framing as Mesos streams events: each record is {@code <decimal byte length>\n<bytes>},
 * with no carriage return and no trailer (stout {@code recordio::encode}).
 *
 * <p>Encoding is stateless; decoding needs per-stream state, see {@link RecordIODecoder}.
 */
public final class RecordIO {

    private RecordIO() {
    }

    /** Frames one record. Mesos never sends empty records, but framing one is harmless. */
    public static byte[] encode(byte[] record) {
        byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[header.length + record.length];
        System.arraycopy(header, 0, framed, 0, header.length);
        System.arraycopy(record, 0, framed, header.length, record.length);
        return framed;
    }

    /** Frames one record into a new buffer, so that length and body go out in the same HTTP chunk. */
    public static Buffer encode(Buffer record) {
        String header = record.length() + "\n";
        return Buffer.buffer(header.length() + record.length())
                .appendString(header, "US-ASCII")
                .appendBuffer(record);
    }
}
