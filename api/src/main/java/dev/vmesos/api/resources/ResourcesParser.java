package dev.vmesos.api.resources;

import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.json.MesosJsonException;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the agent's {@code --resources} flag in the Mesos text syntax:
 *
 * <pre>cpus:24; mem:4096; disk(ads):4096; ports:[31000-32000, 33000-33010]; zones:{a,b}</pre>
 *
 * <ul>
 *   <li>Resources are separated by {@code ;}; empty pieces (a trailing {@code ;}) are ignored and
 *       whitespace around names, values and separators is allowed.
 *   <li>A name may be followed by {@code (role)}: a static reservation for that role. {@code (*)}
 *       means unreserved; no parentheses means the default role.
 *   <li>A value is a non-negative number (scalar), {@code [begin-end, ...]} (ranges) or {@code
 *       {item, ...}} (set).
 *   <li>A name given twice adds up ({@code cpus:2;cpus:2} is {@code cpus:4}), as in Mesos.
 * </ul>
 *
 * <p>Like Mesos, it also accepts a JSON array of {@code Resource} objects, {@code
 * [{"name":"cpus","type":"SCALAR","scalar":{"value":4}}]}, in either reservation format.
 */
public final class ResourcesParser {

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("\\d+");
  private static final String NAME_FORBIDDEN = "()[]{},;:=";

  private ResourcesParser() {}

  /** Parses {@code text}; resources without a {@code (role)} are unreserved. */
  public static Resources parse(String text) {
    return parse(text, Roles.UNRESERVED);
  }

  /**
   * Parses {@code text}; resources without a {@code (role)} are statically reserved to {@code
   * defaultRole} unless it is {@code "*"} (the agent's {@code --default_role}).
   *
   * @throws ResourcesParseException naming the bad part of the text and what is wrong with it
   */
  public static Resources parse(String text, String defaultRole) {
    Optional<String> badRole = Roles.validate(defaultRole);
    if (badRole.isPresent()) {
      throw new ResourcesParseException(defaultRole, "invalid default role: " + badRole.get());
    }
    String trimmed = text.strip();
    List<Resource> resources = new ArrayList<>();
    Map<String, Value.Type> typeByName = new HashMap<>();
    if (trimmed.startsWith("{")) {
      throw new ResourcesParseException(abbreviate(trimmed),
          "JSON resources must be an array, e.g. [{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":4}}]");
    }
    if (trimmed.startsWith("[")) {
      List<Resource> fromJson = parseJson(trimmed, defaultRole);
      for (int i = 0; i < fromJson.size(); i++) {
        add(resources, typeByName, "resources[" + i + "]", fromJson.get(i));
      }
      return Resources.of(resources);
    }
    for (String piece : trimmed.split(";", -1)) {
      String token = piece.strip();
      if (!token.isEmpty()) {
        add(resources, typeByName, token, parseOne(token, defaultRole));
      }
    }
    return Resources.of(resources);
  }

  private static void add(List<Resource> resources, Map<String, Value.Type> typeByName, String token,
      Resource resource) {
    Value.Type earlier = typeByName.putIfAbsent(resource.getName(), resource.getType());
    if (earlier != null && earlier != resource.getType()) {
      throw new ResourcesParseException(token, "'" + resource.getName() + "' was already given as "
          + describe(earlier) + " and cannot also be " + describe(resource.getType()));
    }
    resources.add(resource);
  }

  /**
   * The JSON form. The array is read as the {@code resources} field of a message that holds
   * nothing else, so the shared codec checks required fields and names the failing element
   * ({@code resources[1].name}).
   */
  @SuppressWarnings("deprecation") // a resource in the old format says its role in Resource.role
  private static List<Resource> parseJson(String json, String defaultRole) {
    List<Resource> parsed;
    try {
      parsed = MesosJson.parse("{\"resources\":" + json + "}", Offer.Operation.Unreserve.getDefaultInstance())
          .getResourcesList();
    } catch (MesosJsonException e) {
      throw new ResourcesParseException(abbreviate(json), "not a valid JSON array of resources: " + e.getMessage());
    }
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < parsed.size(); i++) {
      Resource resource = parsed.get(i);
      if (!resource.hasRole() && resource.getReservationsCount() == 0 && !defaultRole.equals(Roles.UNRESERVED)) {
        resource = resource.toBuilder().addReservations(Resources.staticReservation(defaultRole)).build();
      }
      Optional<String> bad = Resources.validate(resource);
      if (bad.isPresent()) {
        throw new ResourcesParseException("resources[" + i + "]", bad.get());
      }
      resources.add(resource);
    }
    return resources;
  }

  private static Resource parseOne(String token, String defaultRole) {
    int colon = token.indexOf(':');
    if (colon < 0) {
      throw new ResourcesParseException(token, "expected name:value, e.g. cpus:4, but there is no ':'");
    }
    if (token.indexOf(':', colon + 1) >= 0) {
      throw new ResourcesParseException(token, "more than one ':'; separate resources with ';'");
    }
    String head = token.substring(0, colon).strip();
    String valueText = token.substring(colon + 1).strip();

    String name = head;
    String role = defaultRole;
    int open = head.indexOf('(');
    if (open >= 0 || head.indexOf(')') >= 0) {
      int close = head.indexOf(')');
      if (open < 0 || close < open || close != head.length() - 1
          || head.indexOf('(', open + 1) >= 0 || head.indexOf(')', close + 1) >= 0) {
        throw new ResourcesParseException(token,
            "mismatched parentheses; a role is written name(role), e.g. cpus(web):4");
      }
      name = head.substring(0, open).strip();
      role = head.substring(open + 1, close).strip();
      if (role.isEmpty()) {
        throw new ResourcesParseException(token, "empty role in '()'; use (*) for unreserved or leave it out");
      }
      Optional<String> bad = Roles.validate(role);
      if (bad.isPresent()) {
        throw new ResourcesParseException(token, bad.get());
      }
    }
    checkName(token, name);
    if (valueText.isEmpty()) {
      throw new ResourcesParseException(token, "no value after ':'");
    }

    Resource.Builder b = Resource.newBuilder().setName(name);
    if (valueText.startsWith("[")) {
      b.setType(Value.Type.RANGES).setRanges(parseRanges(token, valueText));
    } else if (valueText.startsWith("{")) {
      b.setType(Value.Type.SET).setSet(parseSet(token, valueText));
    } else {
      b.setType(Value.Type.SCALAR).setScalar(parseScalar(token, valueText));
    }
    if (!role.equals(Roles.UNRESERVED)) {
      b.addReservations(Resources.staticReservation(role));
    }
    return b.build();
  }

  private static void checkName(String token, String name) {
    if (name.isEmpty()) {
      throw new ResourcesParseException(token, "the resource name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || NAME_FORBIDDEN.indexOf(c) >= 0) {
        throw new ResourcesParseException(token, "the resource name '" + name + "' contains "
            + (Character.isWhitespace(c) ? "whitespace" : "'" + c + "'"));
      }
    }
  }

  private static Value.Scalar parseScalar(String token, String text) {
    if (!NUMBER.matcher(text).matches()) {
      throw new ResourcesParseException(token, "'" + text + "' is not a value; expected a number (4, 0.5),"
          + " ranges ([31000-32000]) or a set ({a,b})");
    }
    double value = Double.parseDouble(text);
    if (value < 0) {
      throw new ResourcesParseException(token, "the value " + text + " is negative");
    }
    if (!Double.isFinite(value) || value > Long.MAX_VALUE / 1000.0) {
      throw new ResourcesParseException(token, "the value " + text + " is too large");
    }
    return Value.Scalar.newBuilder().setValue(value).build();
  }

  static Value.Ranges parseRanges(String token, String text) {
    if (!text.endsWith("]")) {
      throw new ResourcesParseException(token, "ranges must end with ']', e.g. [31000-32000]");
    }
    List<Value.Range> ranges = new ArrayList<>();
    for (String piece : text.substring(1, text.length() - 1).split(",", -1)) {
      String range = piece.strip();
      if (range.isEmpty()) {
        continue; // Mesos tolerates "[1-2,]"
      }
      int dash = range.indexOf('-');
      if (dash < 0 || range.indexOf('-', dash + 1) >= 0) {
        throw new ResourcesParseException(token, "'" + range + "' is not a range; write begin-end, e.g. 31000-32000"
            + (range.startsWith("-") ? " (negative numbers are not allowed)" : ""));
      }
      long begin = parseBound(token, range, range.substring(0, dash).strip());
      long end = parseBound(token, range, range.substring(dash + 1).strip());
      if (begin > end) {
        throw new ResourcesParseException(token, "range " + range + " has begin > end");
      }
      ranges.add(Values.range(begin, end));
    }
    ranges.sort((a, b) -> Long.compare(a.getBegin(), b.getBegin()));
    for (int i = 1; i < ranges.size(); i++) {
      Value.Range prev = ranges.get(i - 1);
      Value.Range next = ranges.get(i);
      if (next.getBegin() <= prev.getEnd()) {
        throw new ResourcesParseException(token, "ranges " + prev.getBegin() + "-" + prev.getEnd() + " and "
            + next.getBegin() + "-" + next.getEnd() + " overlap");
      }
    }
    return Value.Ranges.newBuilder().addAllRange(ranges).build();
  }

  private static long parseBound(String token, String range, String number) {
    if (!INTEGER.matcher(number).matches()) {
      throw new ResourcesParseException(token, "'" + number + "' in range '" + range
          + "' is not a non-negative integer");
    }
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw new ResourcesParseException(token, number + " in range '" + range + "' is too large");
    }
  }

  static Value.Set parseSet(String token, String text) {
    if (!text.endsWith("}")) {
      throw new ResourcesParseException(token, "a set must end with '}', e.g. {a,b,c}");
    }
    Set<String> items = new LinkedHashSet<>();
    for (String piece : text.substring(1, text.length() - 1).split(",", -1)) {
      String item = piece.strip();
      if (item.isEmpty()) {
        continue;
      }
      if (item.chars().anyMatch(c -> "{}[]".indexOf(c) >= 0)) {
        throw new ResourcesParseException(token, "set item '" + item + "' contains a bracket");
      }
      if (!items.add(item)) {
        throw new ResourcesParseException(token, "set item '" + item + "' appears more than once");
      }
    }
    return Value.Set.newBuilder().addAllItem(items).build();
  }

  private static String describe(Value.Type type) {
    return switch (type) {
      case SCALAR -> "a number";
      case RANGES -> "ranges";
      case SET -> "a set";
      default -> type.name();
    };
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
