package dev.vmesos.master.operator;

import dev.vmesos.api.json.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The master's legacy JSON ({@code /state}, {@code /frameworks}, {@code /tasks} ...) as text the way
 * Mesos writes it: through the project's Mesos JSON codec, so doubles look as rapidjson prints them
 * ({@code 1796571755.015}, {@code 4.0}, never {@code 1.796571755015E9}), integers stay integers, and
 * strings carry rapidjson's escapes. Keys keep their insertion order, compact, no spaces.
 */
final class MesosJsonText {

  private MesosJsonText() {
  }

  static String of(Object value) {
    StringBuilder out = new StringBuilder(1024);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof JsonObject object) {
      writeMap(out, object.getMap());
    } else if (value instanceof Map<?, ?> map) {
      writeMap(out, map);
    } else if (value instanceof JsonArray array) {
      writeList(out, array.getList());
    } else if (value instanceof Iterable<?> list) {
      writeList(out, list);
    } else if (value instanceof String text) {
      out.append(MesosJson.string(text));
    } else if (value instanceof Boolean bool) {
      out.append(bool ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
      out.append(MesosJson.number(((Number) value).doubleValue()));
    } else if (value instanceof Number number) {
      out.append(number.longValue());
    } else if (value instanceof Enum<?> constant) {
      out.append(MesosJson.string(constant.name()));
    } else {
      out.append(MesosJson.string(value.toString()));
    }
  }

  private static void writeMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(MesosJson.string(String.valueOf(entry.getKey()))).append(':');
      write(out, entry.getValue());
    }
    out.append('}');
  }

  private static void writeList(StringBuilder out, Iterable<?> list) {
    out.append('[');
    boolean first = true;
    for (Object element : list) {
      if (!first) {
        out.append(',');
      }
      first = false;
      write(out, element);
    }
    out.append(']');
  }
}
