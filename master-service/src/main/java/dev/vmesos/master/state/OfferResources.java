package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure functions on the resources of offers and operations: bringing what a framework sends into the
 * canonical form offers are kept in, splitting by allocation role, and the RESERVE/UNRESERVE
 * conversions.
 */
final class OfferResources {

  private OfferResources() {
  }

  /**
   * Resources from a framework in canonical (post-refinement) form, each allocated to a role: its
   * own {@code allocation_info.role} when it has one (MULTI_ROLE frameworks), else {@code role}.
   */
  static Resources fromFramework(List<Resource> resources, String role) {
    List<Resource> result = new ArrayList<>(resources.size());
    for (Resource resource : resources) {
      Resource canonical = Resources.toPostRefinement(resource);
      if (!canonical.hasAllocationInfo() || !canonical.getAllocationInfo().hasRole()) {
        canonical = canonical.toBuilder()
            .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role)).build();
      }
      result.add(canonical);
    }
    return Resources.of(result);
  }

  /** Resources reported by an agent, canonical and unallocated. */
  static Resources fromAgent(List<Resource> resources) {
    List<Resource> result = new ArrayList<>(resources.size());
    for (Resource resource : resources) {
      result.add(Resources.toPostRefinement(resource));
    }
    return Resources.of(result).unallocated();
  }

  /** The resources grouped by allocation role. */
  static Map<String, Resources> byRole(Resources resources) {
    Map<String, List<Resource>> grouped = new LinkedHashMap<>();
    for (Resource resource : resources) {
      String role = resource.hasAllocationInfo() ? resource.getAllocationInfo().getRole() : "*";
      grouped.computeIfAbsent(role, r -> new ArrayList<>()).add(resource);
    }
    Map<String, Resources> result = new LinkedHashMap<>();
    grouped.forEach((role, list) -> result.put(role, Resources.of(list)));
    return result;
  }

  /** The role of a task: the allocation role of its first resource, else the default. */
  static String roleOf(Resources resources, String defaultRole) {
    for (Resource resource : resources) {
      if (resource.hasAllocationInfo()) {
        return resource.getAllocationInfo().getRole();
      }
    }
    return defaultRole;
  }

  /**
   * For RESERVE: each resource to reserve, with its newest reservation removed, is what must be in
   * the offer. Fails with a message when a resource carries no dynamic reservation to add.
   */
  static Optional<String> validateReserve(Resources toReserve, List<String> frameworkRoles) {
    for (Resource resource : toReserve) {
      if (resource.getReservationsCount() == 0) {
        return Optional.of("Resource " + Resources.of(resource) + " has no reservation to make");
      }
      Resource.ReservationInfo last = resource.getReservations(resource.getReservationsCount() - 1);
      if (last.getType() != Resource.ReservationInfo.Type.DYNAMIC) {
        return Optional.of("Only dynamic reservations can be made by RESERVE, not " + last.getType());
      }
      if (!frameworkRoles.contains(last.getRole())) {
        return Optional.of("A framework can only reserve for its own roles; '" + last.getRole()
            + "' is not one of " + frameworkRoles);
      }
      String allocationRole = resource.hasAllocationInfo() ? resource.getAllocationInfo().getRole() : last.getRole();
      if (!allocationRole.equals(last.getRole())) {
        return Optional.of("Resources allocated to '" + allocationRole + "' cannot be reserved for '"
            + last.getRole() + "'");
      }
    }
    return Optional.empty();
  }

  /** For UNRESERVE: every resource must end in a dynamic reservation. */
  static Optional<String> validateUnreserve(Resources toUnreserve) {
    for (Resource resource : toUnreserve) {
      if (resource.getReservationsCount() == 0
          || resource.getReservations(resource.getReservationsCount() - 1).getType()
          != Resource.ReservationInfo.Type.DYNAMIC) {
        return Optional.of("Resource " + Resources.of(resource) + " is not dynamically reserved");
      }
    }
    return Optional.empty();
  }

  /** The same resources with their newest reservation removed. */
  static Resources popReservation(Resources resources) {
    List<Resource> result = new ArrayList<>();
    for (Resource resource : resources) {
      result.add(resource.toBuilder().removeReservations(resource.getReservationsCount() - 1).build());
    }
    return Resources.of(result);
  }
}
