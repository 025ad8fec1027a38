package dev.vmesos.api.json;

import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;

/**
 * The JSON codec of the Mesos v1 HTTP APIs, generic over any proto2 message (via descriptors).
 *
 * <p>Writing matches the real master byte for byte ({@code jsonify(JSON::Protobuf(m))} in stout):
 * compact; original snake_case field names in declaration order; enums by name; 64-bit integers as
 * JSON numbers; bytes as padded Base64; doubles formatted like rapidjson ({@code 15.0}, {@code 1e21});
 * repeated fields left out when empty; and the Mesos quirk that an unset optional field with an
 * explicit, non-deprecated default is written with that default ({@code "refuse_seconds":5.0}).
 *
 * <p>Reading is as lenient as the master: unknown keys are ignored, {@code null} means unset, numbers
 * and booleans may come as strings, lowerCamelCase keys are accepted as a fallback. It is strict where
 * the master is: enums must be names (an unknown name is dropped unless the field is required),
 * integers must fit their type, bytes must be valid Base64. Errors name the field path, e.g.
 * {@code Failed to parse field 'subscribe.framework_info.user': expected a JSON string, got a number}.
 */
public final class MesosJson {

    private MesosJson() {
    }

    /** Compact JSON as the Mesos master writes it. */
    public static String print(MessageOrBuilder message) {
        StringBuilder out = new StringBuilder(256);
        new JsonPrinter(out).message(message);
        return out.toString();
    }

    /**
     * A double as the Mesos master writes it in any JSON (rapidjson's {@code Writer::Double}):
     * {@code 15.0}, {@code 1796571755.015}, {@code 1e21}; NaN and infinities as the strings Mesos
     * writes for them ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}).
     */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        return RapidJsonDoubles.toString(value);
    }

    /** A JSON string literal with rapidjson's escapes (non-ASCII is left as is). */
    public static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        new JsonPrinter(out).string(value);
        return out.toString();
    }

    /** Parses a complete message; missing required fields are an error. */
    public static <T extends Message> T parse(String json, T prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        JsonReader.merge(json, builder);
        return build(builder, prototype);
    }

    /** Parses a complete message from UTF-8 bytes (invalid UTF-8 is an error). */
    public static <T extends Message> T parse(byte[] utf8, T prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        JsonReader.merge(utf8, builder);
        return build(builder, prototype);
    }

    /** Merges JSON into a builder without checking required fields. */
    public static void merge(String json, Message.Builder builder) {
        JsonReader.merge(json, builder);
    }

    private static <T extends Message> T build(Message.Builder builder, T prototype) {
        if (!builder.isInitialized()) {
            throw new MesosJsonException("Missing required fields: "
                    + String.join(", ", builder.findInitializationErrors()));
        }
        @SuppressWarnings("unchecked")
        T message = (T) builder.build();
        return message;
    }
}
