package dev.vmesos.agent.status;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.UUID;

/** Prints 16-byte status-update uuids the way Mesos logs them. */
public final class Uuids {

  private Uuids() {
  }

  public static String toString(ByteString bytes) {
    if (bytes.size() != 16) {
      return bytes.toStringUtf8();
    }
    ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
    return new UUID(buffer.getLong(), buffer.getLong()).toString();
  }
}
