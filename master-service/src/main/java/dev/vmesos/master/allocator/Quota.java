package dev.vmesos.master.allocator;

import java.util.Map;
import java.util.TreeMap;

/**
 * A role's quota as scalar quantities by resource name: {@code guarantees} are allocated to the
 * role before fair sharing; {@code limits} are never exceeded (a name without a limit is unlimited).
 */
public record Quota(Map<String, Double> guarantees, Map<String, Double> limits) {

  public static final Quota NONE = new Quota(Map.of(), Map.of());

  public Quota {
    guarantees = Map.copyOf(new TreeMap<>(guarantees));
    limits = Map.copyOf(new TreeMap<>(limits));
    for (Map.Entry<String, Double> g : guarantees.entrySet()) {
      Double limit = limits.get(g.getKey());
      if (g.getValue() < 0 || (limit != null && limit < g.getValue())) {
        throw new IllegalArgumentException("Quota for '" + g.getKey() + "': guarantee " + g.getValue()
            + " must be non-negative and not above its limit " + limit);
      }
    }
    for (Map.Entry<String, Double> l : limits.entrySet()) {
      if (l.getValue() < 0 || l.getValue().isNaN()) {
        throw new IllegalArgumentException("Quota limit for '" + l.getKey() + "' must be non-negative");
      }
    }
  }

  public static Quota guarantee(Map<String, Double> guarantees) {
    return new Quota(guarantees, Map.of());
  }

  public static Quota limit(Map<String, Double> limits) {
    return new Quota(Map.of(), limits);
  }

  public boolean isNone() {
    return guarantees.isEmpty() && limits.isEmpty();
  }
}
