package dev.vmesos.master.allocator.fairness;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How amounts read: {@code 3 cpu}, {@code 20 GB}, {@code 32.5}; and resource vectors in the Mesos
 * text syntax, {@code cpus:10;mem:20480}. Memory and disk are MB in Mesos; a formatter shows them in
 * GB when every amount it was made for is a whole number of GB, so one table never mixes the two.
 */
public final class Units {

  private static final double MB_PER_GB = 1024;
  private static final Set<String> MEGABYTES = Set.of("mem", "disk");

  /** Resources shown in GB. */
  private final Set<String> inGb;

  private Units(Set<String> inGb) {
    this.inGb = Set.copyOf(inGb);
  }

  /** A formatter for these vectors (a cluster's totals and its tasks: what sums and differences derive from). */
  public static Units of(Collection<Map<String, Double>> vectors) {
    Set<String> inGb = new HashSet<>(MEGABYTES);
    for (Map<String, Double> vector : vectors) {
      vector.forEach((resource, amount) -> {
        if (amount % MB_PER_GB != 0) {
          inGb.remove(resource);
        }
      });
    }
    return new Units(inGb);
  }

  /** One amount with its unit: {@code 3 cpu}, {@code 20 GB}, {@code 100 MB}, {@code 2 gpu}, {@code 5 foo}. */
  public String amount(String resource, double value) {
    return switch (resource) {
      case "cpus" -> number(value) + " cpu";
      case "gpus" -> number(value) + " gpu";
      case "mem", "disk" -> inGb.contains(resource) ? number(value / MB_PER_GB) + " GB" : number(value) + " MB";
      default -> number(value) + " " + resource;
    };
  }

  /** A vector as amounts: {@code 10 cpu, 20 GB}. */
  public String amounts(Map<String, Double> vector) {
    return vector.entrySet().stream().map(e -> amount(e.getKey(), e.getValue())).collect(Collectors.joining(", "));
  }

  /** An ordered two-resource vector. */
  public static Map<String, Double> vector(String first, double a, String second, double b) {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put(first, a);
    v.put(second, b);
    return Collections.unmodifiableMap(v);
  }

  /** A vector in the Mesos {@code --resources} syntax: {@code cpus:10;mem:20480}. */
  public static String mesosText(Map<String, Double> vector) {
    return vector.entrySet().stream().map(e -> e.getKey() + ":" + number(e.getValue()))
        .collect(Collectors.joining(";"));
  }

  /** Up to three decimals, no trailing zeros: {@code 10}, {@code 32.5}, {@code 0.333}. */
  public static String number(double value) {
    BigDecimal d = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  /** A fraction as a percentage with one decimal: {@code 66.7%}. */
  public static String percent(double fraction) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", fraction * 100);
  }
}
