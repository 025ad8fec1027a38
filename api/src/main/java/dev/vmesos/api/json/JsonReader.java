package dev.vmesos.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Streams JSON into a protobuf builder with the leniency of the Mesos master (stout protobuf.hpp):
 * unknown keys ignored, {@code null} means unset, numbers/booleans may be strings, enums are names.
 */
final class JsonReader {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Base64 task data can be large; the RecordIO/HTTP layers bound the body size.
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** Marks a value to be dropped: an unknown enum name on a non-required field. */
    private static final Object DROP = new Object();

    private JsonReader() {
    }

    static void merge(String json, Message.Builder builder) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            mergeTopLevel(parser, builder);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    static void merge(byte[] utf8, Message.Builder builder) {
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            mergeTopLevel(parser, builder);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static MesosJsonException malformed(IOException e) {
        String detail = e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
        return new MesosJsonException("Malformed JSON: " + detail, e);
    }

    private static void mergeTopLevel(JsonParser parser, Message.Builder builder) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new MesosJsonException("Malformed JSON: empty input");
        }
        if (token != JsonToken.START_OBJECT) {
            throw new MesosJsonException("Expected a JSON object at the top level, got " + describe(token));
        }
        try {
            mergeObject(parser, builder);
        } catch (FieldError e) {
            throw new MesosJsonException("Failed to parse field '" + e.path() + "': " + e.reason);
        }
        if (parser.nextToken() != null) {
            throw new MesosJsonException("Malformed JSON: unexpected content after the top-level object");
        }
    }

    /** Reads the members of an object whose START_OBJECT has just been consumed. */
    private static void mergeObject(JsonParser parser, Message.Builder builder) throws IOException {
        FieldTable table = FieldTable.of(builder.getDescriptorForType());
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            FieldDescriptor field = table.field(key);
            if (field == null) {
                parser.skipChildren();
                continue;
            }
            try {
                mergeField(parser, token, builder, field);
            } catch (FieldError e) {
                throw e.within(field.getName());
            }
        }
    }

    private static void mergeField(JsonParser parser, JsonToken token, Message.Builder builder,
            FieldDescriptor field) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            builder.clearField(field);
            return;
        }
        if (field.isMapField() && token == JsonToken.START_OBJECT) {
            mergeMap(parser, builder, field);
            return;
        }
        if (field.isRepeated()) {
            if (token != JsonToken.START_ARRAY) {
                throw new FieldError("expected a JSON array, got " + describe(token));
            }
            int index = 0;
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY;
                    element = parser.nextToken(), index++) {
                if (element == JsonToken.VALUE_NULL) {
                    continue;
                }
                try {
                    Object value = element == JsonToken.START_OBJECT && isMessage(field)
                            ? parseMessage(parser, builder.newBuilderForField(field))
                            : scalar(parser, element, field);
                    if (value != DROP) {
                        builder.addRepeatedField(field, value);
                    }
                } catch (FieldError e) {
                    throw e.within("[" + index + "]");
                }
            }
            return;
        }
        if (isMessage(field)) {
            if (token != JsonToken.START_OBJECT) {
                throw new FieldError("expected a JSON object, got " + describe(token));
            }
            Message.Builder sub = builder.hasField(field)
                    ? ((Message) builder.getField(field)).toBuilder()
                    : builder.newBuilderForField(field);
            builder.setField(field, parseMessage(parser, sub));
            return;
        }
        Object value = scalar(parser, token, field);
        if (value != DROP) {
            builder.setField(field, value);
        }
    }

    private static boolean isMessage(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    }

    private static Message parseMessage(JsonParser parser, Message.Builder builder) throws IOException {
        mergeObject(parser, builder);
        return builder.buildPartial();
    }

    /** A JSON object for a map field: one entry per member, keys converted to the key type. */
    private static void mergeMap(JsonParser parser, Message.Builder builder, FieldDescriptor field)
            throws IOException {
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            try {
                if (token == JsonToken.VALUE_NULL) {
                    continue;
                }
                Message.Builder entry = builder.newBuilderForField(field);
                entry.setField(keyField, mapKey(keyField, key));
                Object value = isMessage(valueField)
                        ? parseMessageValue(parser, token, entry.newBuilderForField(valueField))
                        : scalar(parser, token, valueField);
                if (value != DROP) {
                    entry.setField(valueField, value);
                    builder.addRepeatedField(field, entry.buildPartial());
                }
            } catch (FieldError e) {
                throw e.within("[" + key + "]");
            }
        }
    }

    private static Message parseMessageValue(JsonParser parser, JsonToken token, Message.Builder builder)
            throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw new FieldError("expected a JSON object, got " + describe(token));
        }
        return parseMessage(parser, builder);
    }

    private static Object mapKey(FieldDescriptor keyField, String key) {
        switch (keyField.getJavaType()) {
            case STRING:
                return key;
            case BOOLEAN:
                if (key.equals("true") || key.equals("false")) {
                    return Boolean.valueOf(key);
                }
                throw new FieldError("map key '" + key + "' is not a boolean");
            case INT:
            case LONG:
                return integerInRange(decimal(key), keyField);
            default:
                throw new FieldError("unsupported map key type " + keyField.getType());
        }
    }

    private static Object scalar(JsonParser parser, JsonToken token, FieldDescriptor field) throws IOException {
        switch (field.getJavaType()) {
            case INT:
            case LONG:
                return integer(parser, token, field);
            case DOUBLE:
                return floatingPoint(parser, token);
            case FLOAT:
                return (float) floatingPoint(parser, token);
            case BOOLEAN:
                return bool(parser, token);
            case STRING:
                if (token != JsonToken.VALUE_STRING) {
                    throw new FieldError("expected a JSON string, got " + describe(token));
                }
                return parser.getText();
            case BYTE_STRING:
                return bytes(parser, token);
            case ENUM:
                return enumValue(parser, token, field);
            case MESSAGE:
                throw new FieldError("expected a JSON object, got " + describe(token));
            default:
                throw new IllegalStateException("unhandled java type " + field.getJavaType());
        }
    }

    private static Object integer(JsonParser parser, JsonToken token, FieldDescriptor field) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                return longInRange(parser.getLongValue(), field);
            }
            return integerInRange(new BigDecimal(parser.getBigIntegerValue()), field);
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            if (parser.isNaN()) {
                throw new FieldError("expected an integer, got " + parser.getText());
            }
            return integerInRange(parser.getDecimalValue(), field);
        }
        if (token == JsonToken.VALUE_STRING) {
            return integerInRange(decimal(parser.getText()), field);
        }
        throw new FieldError("expected an integer, got " + describe(token));
    }

    private static BigDecimal decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new FieldError("'" + text + "' is not a number");
        }
        return new BigDecimal(text);
    }

    private static Object integerInRange(BigDecimal number, FieldDescriptor field) {
        // Strip first: it is cheap, whereas converting 1e-999999999 or 1e999999999 directly is not.
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.scale() > 0) {
            throw new FieldError("expected an integer, got " + number);
        }
        if (stripped.precision() - stripped.scale() > 21) {
            throw new FieldError("integer " + number + " out of range for " + typeName(field));
        }
        BigInteger integer = stripped.toBigInteger();
        switch (field.getType()) {
            case UINT64:
            case FIXED64:
                if (integer.signum() < 0 || integer.compareTo(UINT64_MAX) > 0) {
                    throw new FieldError("integer " + integer + " out of range for " + typeName(field));
                }
                return integer.longValue();
            default:
                if (integer.bitLength() > 63) {
                    throw new FieldError("integer " + integer + " out of range for " + typeName(field));
                }
                return longInRange(integer.longValue(), field);
        }
    }

    private static Object longInRange(long value, FieldDescriptor field) {
        boolean ok;
        switch (field.getType()) {
            case INT32:
            case SINT32:
            case SFIXED32:
                ok = value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
                break;
            case UINT32:
            case FIXED32:
                ok = value >= 0 && value <= 0xFFFFFFFFL;
                break;
            case UINT64:
            case FIXED64:
                ok = value >= 0;
                break;
            default:
                ok = true;
                break;
        }
        if (!ok) {
            throw new FieldError("integer " + value + " out of range for " + typeName(field));
        }
        return field.getJavaType() == FieldDescriptor.JavaType.INT ? (Object) (int) value : (Object) value;
    }

    private static String typeName(FieldDescriptor field) {
        return field.getType().name().toLowerCase(Locale.ROOT);
    }

    private static double floatingPoint(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            String unsigned = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
            switch (unsigned.toLowerCase(Locale.ROOT)) {
                case "nan":
                    return Double.NaN;
                case "inf":
                case "infinity":
                    return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                default:
                    if (!DECIMAL.matcher(text).matches()) {
                        throw new FieldError("'" + text + "' is not a number");
                    }
                    return Double.parseDouble(text);
            }
        }
        throw new FieldError("expected a number, got " + describe(token));
    }

    private static boolean bool(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (token == JsonToken.VALUE_FALSE) {
            return false;
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            if (text.equals("true")) {
                return true;
            }
            if (text.equals("false")) {
                return false;
            }
            throw new FieldError("'" + text + "' is not a boolean");
        }
        throw new FieldError("expected a boolean, got " + describe(token));
    }

    private static ByteString bytes(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new FieldError("expected a Base64 string, got " + describe(token));
        }
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(parser.getText()));
        } catch (IllegalArgumentException e) {
            throw new FieldError("invalid Base64: " + e.getMessage());
        }
    }

    private static Object enumValue(JsonParser parser, JsonToken token, FieldDescriptor field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new FieldError("expected an enum value name of " + field.getEnumType().getName()
                    + " as a JSON string, got " + describe(token));
        }
        String name = parser.getText();
        EnumValueDescriptor value = field.getEnumType().findValueByName(name);
        if (value != null) {
            return value;
        }
        if (field.isRequired()) {
            throw new FieldError("unknown value '" + name + "' of enum " + field.getEnumType().getName());
        }
        // Mesos drops unknown names for optional and repeated fields, so newer clients still work.
        return DROP;
    }

    private static String describe(JsonToken token) {
        switch (token) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.name();
        }
    }

    /** A field-level failure; collects the field path while unwinding, innermost segment first. */
    private static final class FieldError extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final String reason;
        private final List<String> segments = new ArrayList<>(4);

        FieldError(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        FieldError within(String segment) {
            segments.add(segment);
            return this;
        }

        String path() {
            StringBuilder path = new StringBuilder();
            for (int i = segments.size() - 1; i >= 0; i--) {
                String segment = segments.get(i);
                if (path.length() > 0 && !segment.startsWith("[")) {
                    path.append('.');
                }
                path.append(segment);
            }
            return path.toString();
        }
    }
}
