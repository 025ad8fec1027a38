package dev.vmesos.api.json;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;

import java.util.Base64;

/** Writes compact JSON exactly as the Mesos master does ({@code jsonify(JSON::Protobuf(m))}). */
final class JsonPrinter {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder out;

    JsonPrinter(StringBuilder out) {
        this.out = out;
    }

    void message(MessageOrBuilder message) {
        FieldTable table = FieldTable.of(message.getDescriptorForType());
        out.append('{');
        boolean first = true;
        for (int i = 0; i < table.fields.length; i++) {
            FieldDescriptor field = table.fields[i];
            if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                if (count == 0) {
                    continue;
                }
                first = key(field, first);
                if (field.isMapField()) {
                    map(message, field, count);
                } else {
                    out.append('[');
                    for (int j = 0; j < count; j++) {
                        if (j > 0) {
                            out.append(',');
                        }
                        value(field, message.getRepeatedField(field, j));
                    }
                    out.append(']');
                }
            } else if (message.hasField(field) || table.writeDefault[i]) {
                // getField returns the declared default for an unset field.
                first = key(field, first);
                value(field, message.getField(field));
            }
        }
        out.append('}');
    }

    private boolean key(FieldDescriptor field, boolean first) {
        if (!first) {
            out.append(',');
        }
        string(field.getName());
        out.append(':');
        return false;
    }

    private void map(MessageOrBuilder message, FieldDescriptor field, int count) {
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        out.append('{');
        for (int j = 0; j < count; j++) {
            if (j > 0) {
                out.append(',');
            }
            Message entry = (Message) message.getRepeatedField(field, j);
            string(mapKey(keyField, entry.getField(keyField)));
            out.append(':');
            value(valueField, entry.getField(valueField));
        }
        out.append('}');
    }

    private static String mapKey(FieldDescriptor keyField, Object key) {
        switch (keyField.getType()) {
            case UINT32:
            case FIXED32:
                return Integer.toUnsignedString((Integer) key);
            case UINT64:
            case FIXED64:
                return Long.toUnsignedString((Long) key);
            default:
                return String.valueOf(key);
        }
    }

    private void value(FieldDescriptor field, Object value) {
        switch (field.getType()) {
            case DOUBLE:
                number((Double) value);
                break;
            case FLOAT:
                // stout widens floats to double before writing, so 0.1f prints as 0.10000000149011612.
                number(((Float) value).doubleValue());
                break;
            case INT32:
            case SINT32:
            case SFIXED32:
                out.append((int) (Integer) value);
                break;
            case UINT32:
            case FIXED32:
                out.append(Integer.toUnsignedString((Integer) value));
                break;
            case INT64:
            case SINT64:
            case SFIXED64:
                out.append((long) (Long) value);
                break;
            case UINT64:
            case FIXED64:
                out.append(Long.toUnsignedString((Long) value));
                break;
            case BOOL:
                out.append((boolean) (Boolean) value);
                break;
            case STRING:
                string((String) value);
                break;
            case BYTES:
                out.append('"').append(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()))
                        .append('"');
                break;
            case ENUM:
                string(((EnumValueDescriptor) value).getName());
                break;
            case MESSAGE:
            case GROUP:
                message((MessageOrBuilder) value);
                break;
            default:
                throw new IllegalStateException("unhandled field type " + field.getType());
        }
    }

    private void number(double value) {
        if (Double.isNaN(value)) {
            out.append("\"NaN\"");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            RapidJsonDoubles.append(out, value);
        }
    }

    /** JSON string with rapidjson's escapes; non-ASCII stays as is (UTF-8 once encoded). */
    void string(String s) {
        out.append('"');
        int runStart = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, runStart, i);
            runStart = i + 1;
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    break;
            }
        }
        out.append(s, runStart, length);
        out.append('"');
    }
}
