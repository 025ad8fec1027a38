package dev.vmesos.master.allocator;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the allocator needs to know about a framework: its roles, the roles it suppressed, and per
 * role the minimum resources worth offering it ({@code FrameworkInfo.offer_filters}: any one of the
 * alternatives, each a map of scalar quantities, must be met).
 */
public record FrameworkProfile(Set<String> roles, Set<String> suppressedRoles,
                               Map<String, List<Map<String, Double>>> minAllocatable) {

  public FrameworkProfile {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("A framework needs at least one role");
    }
    roles = Set.copyOf(roles);
    suppressedRoles = Set.copyOf(suppressedRoles);
    minAllocatable = Map.copyOf(minAllocatable);
  }

  public static FrameworkProfile of(String... roles) {
    return new FrameworkProfile(Set.of(roles), Set.of(), Map.of());
  }
}
