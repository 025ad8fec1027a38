package dev.vmesos.api.json;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-message-type facts the codec needs on every message, computed once per {@link Descriptor}.
 * Descriptors of generated classes live for the whole process, so the cache never needs eviction.
 */
final class FieldTable {

    private static final Map<Descriptor, FieldTable> CACHE = new ConcurrentHashMap<>();

    /** Fields in declaration order (descriptor index order, not field-number order). */
    final FieldDescriptor[] fields;

    /** For each entry of {@link #fields}: write the declared default when the field is unset. */
    final boolean[] writeDefault;

    private final Map<String, FieldDescriptor> byJsonKey;

    private FieldTable(Descriptor type) {
        List<FieldDescriptor> declared = type.getFields();
        fields = declared.toArray(new FieldDescriptor[0]);
        writeDefault = new boolean[fields.length];
        byJsonKey = new HashMap<>(fields.length * 4);
        for (int i = 0; i < fields.length; i++) {
            FieldDescriptor field = fields[i];
            // Mesos quirk (stout protobuf.hpp): unset optional fields with an explicit, non-deprecated
            // default are written with that default.
            writeDefault[i] = !field.isRepeated()
                    && field.hasDefaultValue()
                    && !field.getOptions().getDeprecated();
            byJsonKey.putIfAbsent(field.getJsonName(), field);
        }
        // Original names win over lowerCamelCase aliases.
        for (FieldDescriptor field : fields) {
            byJsonKey.put(field.getName(), field);
        }
    }

    static FieldTable of(Descriptor type) {
        FieldTable table = CACHE.get(type);
        if (table == null) {
            table = CACHE.computeIfAbsent(type, FieldTable::new);
        }
        return table;
    }

    /** Looks a JSON key up by original field name, falling back to the lowerCamelCase json_name. */
    FieldDescriptor field(String key) {
        return byJsonKey.get(key);
    }
}
