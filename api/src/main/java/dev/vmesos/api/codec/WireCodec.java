package dev.vmesos.api.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.json.MesosJsonException;

import java.nio.charset.StandardCharsets;

/** Encodes and decodes message bodies in either Mesos media type, with one error type for both. */
public final class WireCodec {

    private WireCodec() {
    }

    /** Protobuf bytes, or the Mesos JSON rendering in UTF-8. */
    public static byte[] encode(Message message, MediaType type) {
        switch (type) {
            case PROTOBUF:
                return message.toByteArray();
            case JSON:
                return MesosJson.print(message).getBytes(StandardCharsets.UTF_8);
            default:
                throw new IllegalArgumentException("unsupported media type " + type);
        }
    }

    /**
     * Decodes a complete message.
     *
     * @throws WireCodecException if the body is malformed in the given media type or lacks required
     *     fields; the message starts with "Failed to parse body into <type>: " as the master's does
     */
    public static <T extends Message> T decode(byte[] body, MediaType type, T prototype) {
        String failure = "Failed to parse body into " + prototype.getDescriptorForType().getName() + ": ";
        switch (type) {
            case PROTOBUF:
                Message.Builder builder = prototype.newBuilderForType();
                try {
                    builder.mergeFrom(body);
                } catch (InvalidProtocolBufferException e) {
                    throw new WireCodecException(failure + e.getMessage(), e);
                }
                if (!builder.isInitialized()) {
                    throw new WireCodecException(failure + "Missing required fields: "
                            + String.join(", ", builder.findInitializationErrors()));
                }
                @SuppressWarnings("unchecked")
                T message = (T) builder.build();
                return message;
            case JSON:
                try {
                    return MesosJson.parse(body, prototype);
                } catch (MesosJsonException e) {
                    throw new WireCodecException(failure + e.getMessage(), e);
                }
            default:
                throw new IllegalArgumentException("unsupported media type " + type);
        }
    }
}
