package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Attribute;
import dev.vmesos.api.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the agent's {@code --attributes} flag in Mesos's text syntax:
 *
 * <pre>rack:r1;zone:us-east-1a;level:10;keys:[1000-1500];disks:{ssd,hdd}</pre>
 *
 * <p>As Mesos reads it: attributes are separated by {@code ;} (or new lines), empty pieces are
 * skipped, each is {@code name:value} split at the first {@code :}, and spaces in a value are
 * dropped. A value starting with {@code [} is ranges, with {@code {} a set, a number is a scalar
 * (negative numbers too, unlike resources), anything else is text. Brackets anywhere else are an
 * error. Mesos's own agent refuses set attributes; vmesos accepts them ({@code Attribute.set}).
 */
public final class AttributesParser {

  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private AttributesParser() {
  }

  /**
   * The attributes of {@code text}, in order.
   *
   * @throws IllegalArgumentException "Invalid attribute 'name:value': why", naming the bad piece
   */
  public static List<Attribute> parse(String text) {
    List<Attribute> attributes = new ArrayList<>();
    for (String piece : text.split("[;\n]")) {
      String token = piece.strip();
      if (token.isEmpty()) {
        continue;
      }
      try {
        attributes.add(parseOne(token));
      } catch (ResourcesParseException e) {   // from the ranges and sets shared with resources
        throw invalid(token, e.reason());
      }
    }
    return List.copyOf(attributes);
  }

  private static Attribute parseOne(String token) {
    int colon = token.indexOf(':');
    if (colon < 0) {
      throw invalid(token, "expected name:value, e.g. rack:r1");
    }
    String name = token.substring(0, colon).strip();
    String value = token.substring(colon + 1).replace(" ", "");
    if (name.isEmpty()) {
      throw invalid(token, "the attribute name is empty");
    }
    if (name.chars().anyMatch(c -> Character.isWhitespace(c) || "[]{}(),;:".indexOf(c) >= 0)) {
      throw invalid(token, "the attribute name '" + name + "' contains whitespace or one of []{}(),;:");
    }
    if (value.isEmpty()) {
      throw invalid(token, "no value after ':'");
    }
    Attribute.Builder attribute = Attribute.newBuilder().setName(name);
    if (value.startsWith("[")) {
      Value.Ranges ranges = ResourcesParser.parseRanges(token, value);
      if (ranges.getRangeCount() == 0) {
        throw invalid(token, "no range in " + value);
      }
      return attribute.setType(Value.Type.RANGES).setRanges(ranges).build();
    }
    if (value.startsWith("{")) {
      return attribute.setType(Value.Type.SET).setSet(ResourcesParser.parseSet(token, value)).build();
    }
    for (char bracket : new char[] {'[', ']', '{', '}', '(', ')'}) {
      if (value.indexOf(bracket) >= 0) {
        throw invalid(token, "unexpected '" + bracket + "' in '" + value
            + "' (ranges are [1-5], sets {a,b}; text has no brackets)");
      }
    }
    if (NUMBER.matcher(value).matches()) {
      double number = Double.parseDouble(value);
      if (!Double.isFinite(number)) {
        throw invalid(token, "the value " + value + " is too large");
      }
      return attribute.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(number)).build();
    }
    return attribute.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value)).build();
  }

  private static IllegalArgumentException invalid(String token, String reason) {
    return new IllegalArgumentException("Invalid attribute '" + token + "': " + reason);
  }
}
