package dev.vmesos.master.extensions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Comparisons and text of scalar resource shapes ({@code name -> quantity}). */
final class Shapes {

  /** Quantities closer than this are equal (Mesos keeps scalars to three decimals). */
  static final double EPSILON = 0.0005;

  private Shapes() {
  }

  /** Whether {@code have} holds at least {@code need} of every resource {@code need} names. */
  static boolean fits(Map<String, Double> have, Map<String, Double> need) {
    for (Map.Entry<String, Double> n : need.entrySet()) {
      if (have.getOrDefault(n.getKey(), 0.0) + EPSILON < n.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code have} holds more than {@code bound} of at least one resource. */
  static boolean exceeds(Map<String, Double> have, Map<String, Double> bound) {
    for (Map.Entry<String, Double> h : have.entrySet()) {
      if (h.getValue() > bound.getOrDefault(h.getKey(), 0.0) + EPSILON) {
        return true;
      }
    }
    return false;
  }

  static boolean isEmpty(Map<String, Double> shape) {
    for (double value : shape.values()) {
      if (value > EPSILON) {
        return false;
      }
    }
    return true;
  }

  /** {@code cpus 2, mem 256}, names sorted; {@code nothing} when empty. */
  static String text(Map<String, Double> shape) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(shape).forEach((name, value) -> {
      if (value > EPSILON) {
        parts.add(name + " " + number(value));
      }
    });
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  /** A number to three decimals at most, without trailing zeros: {@code 2}, {@code 0.5}, {@code 4.1}. */
  static String number(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }
}
