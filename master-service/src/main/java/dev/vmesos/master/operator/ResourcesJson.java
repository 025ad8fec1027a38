package dev.vmesos.master.operator;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Attribute;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The v0 ("model") JSON of resources and attributes that {@code /state} and friends write: a map of
 * name to a number (scalars), a {@code "[31000-32000, 33000-33010]"} string (ranges) or a
 * {@code "{a, b}"} string (sets). Revocable resources are named {@code <name>_revocable}. As in
 * Mesos, {@code cpus}, {@code gpus}, {@code mem} and {@code disk} are always present.
 */
final class ResourcesJson {

  private static final List<String> ALWAYS = List.of("cpus", "gpus", "mem", "disk");

  private ResourcesJson() {
  }

  static JsonObject of(Resources resources) {
    Map<String, Double> scalars = new LinkedHashMap<>();
    ALWAYS.forEach(name -> scalars.put(name, 0.0));
    Map<String, List<Value.Range>> ranges = new TreeMap<>();
    Map<String, TreeSet<String>> sets = new TreeMap<>();
    for (Resource resource : resources) {
      String name = resource.getName() + (resource.hasRevocable() ? "_revocable" : "");
      switch (resource.getType()) {
        case SCALAR -> scalars.merge(name, resource.getScalar().getValue(), Double::sum);
        case RANGES -> ranges.computeIfAbsent(name, k -> new ArrayList<>())
            .addAll(resource.getRanges().getRangeList());
        case SET -> sets.computeIfAbsent(name, k -> new TreeSet<>()).addAll(resource.getSet().getItemList());
        default -> {
          // TEXT resources do not exist in Mesos; Resources rejects them.
        }
      }
    }
    JsonObject json = new JsonObject();
    scalars.forEach((name, value) -> json.put(name, round(value)));
    ranges.forEach((name, list) -> json.put(name, ranges(list)));
    sets.forEach((name, items) -> json.put(name, "{" + String.join(", ", items) + "}"));
    return json;
  }

  /** Reserved resources by the role they are reserved to, each as a resource map. */
  static JsonObject byReservationRole(Resources resources) {
    Map<String, List<Resource>> byRole = new TreeMap<>();
    for (Resource resource : resources.reserved()) {
      byRole.computeIfAbsent(Resources.role(resource), k -> new ArrayList<>()).add(resource);
    }
    JsonObject json = new JsonObject();
    byRole.forEach((role, list) -> json.put(role, of(Resources.of(list))));
    return json;
  }

  /** Agent attributes: scalars as numbers, text as strings, ranges and sets in their text form. */
  static JsonObject attributes(List<Attribute> attributes) {
    JsonObject json = new JsonObject();
    for (Attribute attribute : attributes) {
      switch (attribute.getType()) {
        case SCALAR -> json.put(attribute.getName(), attribute.getScalar().getValue());
        case RANGES -> json.put(attribute.getName(), ranges(attribute.getRanges().getRangeList()));
        case SET -> json.put(attribute.getName(), "{" + String.join(", ", attribute.getSet().getItemList()) + "}");
        case TEXT -> json.put(attribute.getName(), attribute.getText().getValue());
        default -> {
        }
      }
    }
    return json;
  }

  /** Sorted and coalesced, as stout prints {@code Value::Ranges}: {@code [1-3, 5-9]}. */
  static String ranges(List<Value.Range> ranges) {
    List<Value.Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Value.Range::getBegin));
    List<long[]> merged = new ArrayList<>();
    for (Value.Range range : sorted) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && range.getBegin() <= last[1] + 1) {
        last[1] = Math.max(last[1], range.getEnd());
      } else {
        merged.add(new long[] {range.getBegin(), range.getEnd()});
      }
    }
    List<String> parts = new ArrayList<>();
    for (long[] range : merged) {
      parts.add(range[0] + "-" + range[1]);
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /** Scalars are fixed-point with three decimals in Mesos; sums must not show float noise. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
