package dev.vmesos.agent.status;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The record format of a status-update checkpoint file: an append-only sequence of
 * <pre>
 *   type     1 byte     1 = UPDATE (payload: a serialized {@code StatusUpdate}), 2 = ACK (payload: the uuid)
 *   length   4 bytes    payload length, big-endian
 *   payload  length bytes
 *   crc      4 bytes    CRC-32 of type and payload, big-endian
 * </pre>
 * A crash can leave the last record cut short or (after a power loss) filled with garbage; the
 * checksum tells a whole record from such a tail. Decoding stops at the first record that is not
 * whole and says how many bytes were good, so the file can be cut back to them.
 *
 * <p>Pure: no I/O.
 */
public final class UpdateRecords {

  static final byte UPDATE = 1;
  static final byte ACK = 2;
  /** Far above any real status update; a larger length is garbage, not a record. */
  static final int MAX_PAYLOAD = 16 * 1024 * 1024;
  private static final int HEADER = 1 + 4;
  private static final int TRAILER = 4;

  private UpdateRecords() {
  }

  /** One decoded record. */
  public sealed interface Record permits Update, Ack {
  }

  /** The agent is about to send this update. */
  public record Update(StatusUpdate update) implements Record {
  }

  /** The framework acknowledged the update with this uuid. */
  public record Ack(ByteString uuid) implements Record {
  }

  /**
   * What {@link #decode} read: the whole records, how many leading bytes they span, and why
   * decoding stopped early (a truncated or corrupt tail), if it did.
   */
  public record Decoded(List<Record> records, int validLength, Optional<String> problem) {
  }

  public static byte[] update(StatusUpdate update) {
    return encode(UPDATE, update.toByteArray());
  }

  public static byte[] ack(ByteString uuid) {
    return encode(ACK, uuid.toByteArray());
  }

  private static byte[] encode(byte type, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length + TRAILER);
    buffer.put(type).putInt(payload.length).put(payload).putInt(crc(type, payload, 0, payload.length));
    return buffer.array();
  }

  /** Reads records from the start of {@code bytes} until the end or the first one that is not whole. */
  public static Decoded decode(byte[] bytes) {
    List<Record> records = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      int start = buffer.position();
      if (buffer.remaining() < HEADER) {
        return new Decoded(records, start, Optional.of("truncated record header at byte " + start));
      }
      byte type = buffer.get();
      int length = buffer.getInt();
      if (type != UPDATE && type != ACK) {
        return new Decoded(records, start, Optional.of("unknown record type " + type + " at byte " + start));
      }
      if (length < 0 || length > MAX_PAYLOAD) {
        return new Decoded(records, start, Optional.of("implausible record length " + length + " at byte " + start));
      }
      if (buffer.remaining() < length + TRAILER) {
        return new Decoded(records, start, Optional.of("truncated record at byte " + start + " (" + length
            + " payload bytes announced, " + Math.max(0, buffer.remaining() - TRAILER) + " present)"));
      }
      int payloadAt = buffer.position();
      buffer.position(payloadAt + length);
      int expected = buffer.getInt();
      if (crc(type, bytes, payloadAt, length) != expected) {
        return new Decoded(records, start, Optional.of("checksum mismatch in record at byte " + start));
      }
      if (type == UPDATE) {
        try {
          records.add(new Update(StatusUpdate.parseFrom(ByteBuffer.wrap(bytes, payloadAt, length))));
        } catch (InvalidProtocolBufferException e) {
          return new Decoded(records, start, Optional.of("unparsable status update at byte " + start + ": "
              + e.getMessage()));
        }
      } else {
        records.add(new Ack(ByteString.copyFrom(bytes, payloadAt, length)));
      }
    }
    return new Decoded(records, bytes.length, Optional.empty());
  }

  /** The updates no ACK record acknowledges, in the order they were recorded. */
  public static List<StatusUpdate> unacknowledged(List<Record> records) {
    Set<ByteString> acknowledged = new HashSet<>();
    for (Record record : records) {
      if (record instanceof Ack ack) {
        acknowledged.add(ack.uuid());
      }
    }
    List<StatusUpdate> pending = new ArrayList<>();
    for (Record record : records) {
      if (record instanceof Update update && !acknowledged.contains(update.update().getStatus().getUuid())) {
        pending.add(update.update());
      }
    }
    return pending;
  }

  private static int crc(byte type, byte[] payload, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(payload, offset, length);
    return (int) crc.getValue();
  }
}
