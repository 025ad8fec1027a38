package dev.vmesos.api.recordio;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental RecordIO decoder for one stream. Feed it chunks exactly as the network delivers them;
 * records may be split anywhere (inside the length digits, at the newline, inside the body), and one
 * chunk may carry several records.
 *
 * <p>Malformed input (a non-digit in the length, an empty length, a zero length, a length above the
 * configured maximum) throws {@link RecordIOException}; the decoder then stays failed, because a
 * framing error leaves no way to find the next record boundary. Records completed earlier in the same
 * chunk are not returned in that case: the stream is unusable and the connection should be dropped.
 *
 * <p>Not thread-safe: one instance per stream, used from one event loop.
 */
public final class RecordIODecoder {

    /** Default upper bound on a single record: 64 MiB. */
    public static final long DEFAULT_MAX_RECORD_SIZE = 64L * 1024 * 1024;

    /** Java arrays cannot be larger than this, whatever the configured maximum. */
    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    /** Bodies grow towards their announced length instead of being allocated up front. */
    private static final int INITIAL_BODY_CAPACITY = 64 * 1024;

    private final long maxRecordSize;

    private boolean readingBody;
    private long length;
    private int lengthDigits;
    private byte[] body;
    private int bodyFilled;
    private long streamOffset;
    private String failure;

    public RecordIODecoder() {
        this(DEFAULT_MAX_RECORD_SIZE);
    }

    public RecordIODecoder(long maxRecordSize) {
        if (maxRecordSize < 1 || maxRecordSize > ARRAY_LIMIT) {
            throw new IllegalArgumentException(
                    "maxRecordSize must be between 1 and " + ARRAY_LIMIT + ", got " + maxRecordSize);
        }
        this.maxRecordSize = maxRecordSize;
    }

    /** Decodes a chunk and returns every record it completes, in stream order (often empty). */
    public List<byte[]> decode(byte[] chunk) {
        return decode(chunk, 0, chunk.length);
    }

    /** Same as {@link #decode(byte[])} for a Vert.x buffer; returned buffers are independent copies. */
    public List<Buffer> decode(Buffer chunk) {
        List<byte[]> records = decode(chunk.getBytes());
        List<Buffer> buffers = new ArrayList<>(records.size());
        for (byte[] record : records) {
            buffers.add(Buffer.buffer(record));
        }
        return buffers;
    }

    /**
     * True when bytes of an unfinished record are buffered. At end of stream this means the stream was
     * cut in the middle of a record.
     */
    public boolean hasPartialRecord() {
        return readingBody || lengthDigits > 0;
    }

    /** True once malformed input has been seen; every later {@code decode} call throws. */
    public boolean hasFailed() {
        return failure != null;
    }

    private List<byte[]> decode(byte[] chunk, int from, int to) {
        if (failure != null) {
            throw new RecordIOException("RecordIO decoder already failed: " + failure);
        }
        List<byte[]> records = new ArrayList<>(2);
        int i = from;
        while (i < to) {
            if (readingBody) {
                i = readBody(chunk, i, to, records);
            } else {
                i = readLength(chunk, i, to, records);
            }
        }
        return records;
    }

    private int readLength(byte[] chunk, int i, int to, List<byte[]> records) {
        for (; i < to; i++, streamOffset++) {
            byte b = chunk[i];
            if (b == '\n') {
                if (lengthDigits == 0) {
                    fail("empty record length at stream offset " + streamOffset);
                }
                if (length == 0) {
                    fail("record length 0 at stream offset " + streamOffset + " (RecordIO records are never empty)");
                }
                streamOffset++;
                startBody();
                return i + 1;
            }
            if (b < '0' || b > '9') {
                fail("record length contains " + describe(b) + " at stream offset " + streamOffset
                        + "; expected decimal digits followed by '\\n'");
            }
            length = length * 10 + (b - '0');
            lengthDigits++;
            if (length > maxRecordSize) {
                fail("record length exceeds the maximum of " + maxRecordSize + " bytes at stream offset "
                        + streamOffset);
            }
            if (lengthDigits > 20) {
                fail("record length has more than 20 digits at stream offset " + streamOffset);
            }
        }
        return i;
    }

    private void startBody() {
        readingBody = true;
        body = new byte[(int) Math.min(length, INITIAL_BODY_CAPACITY)];
        bodyFilled = 0;
    }

    private int readBody(byte[] chunk, int i, int to, List<byte[]> records) {
        int wanted = (int) (length - bodyFilled);
        int n = Math.min(wanted, to - i);
        if (bodyFilled + n > body.length) {
            long grown = Math.max((long) body.length * 2, bodyFilled + n);
            body = Arrays.copyOf(body, (int) Math.min(grown, length));
        }
        System.arraycopy(chunk, i, body, bodyFilled, n);
        bodyFilled += n;
        streamOffset += n;
        if (bodyFilled == length) {
            records.add(body);
            readingBody = false;
            body = null;
            bodyFilled = 0;
            length = 0;
            lengthDigits = 0;
        }
        return i + n;
    }

    private void fail(String message) {
        failure = message;
        body = null;
        throw new RecordIOException("Malformed RecordIO stream: " + message);
    }

    private static String describe(byte b) {
        int unsigned = b & 0xff;
        if (unsigned >= 0x21 && unsigned < 0x7f) {
            return "'" + (char) unsigned + "'";
        }
        return String.format("byte 0x%02X", unsigned);
    }
}
