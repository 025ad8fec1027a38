package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;

/**
 * The two ways a reservation is written on the wire ({@code resources_utils.cpp
 * convertResourceFormat}).
 *
 * <ul>
 *   <li><b>Pre-refinement</b> (Mesos before 1.4, frameworks without the RESERVATION_REFINEMENT
 *       capability): {@code role} names the role ({@code "*"} when unreserved) and the singular
 *       {@code reservation} carries principal and labels of a dynamic reservation.
 *   <li><b>Post-refinement</b> (canonical): {@code role} and {@code reservation} are unset and
 *       {@code reservations} is a stack, empty when unreserved, whose last entry is the role that
 *       owns the resource.
 * </ul>
 */
@SuppressWarnings("deprecation") // Resource.role and Resource.reservation are the legacy fields
final class ReservationFormat {

  private ReservationFormat() {}

  /** The role the resource is reserved to, or {@code "*"}; accepts either format. */
  static String role(Resource resource) {
    if (resource.getReservationsCount() > 0) {
      return resource.getReservations(resource.getReservationsCount() - 1).getRole();
    }
    if (hasLegacyRole(resource)) {
      return resource.getRole();
    }
    return Roles.UNRESERVED;
  }

  static Resource toPostRefinement(Resource resource) {
    if (resource.getReservationsCount() > 0) {
      // Already post-refinement (or the "endpoint" format, which repeats the role): drop the legacy fields.
      if (!resource.hasRole() && !resource.hasReservation()) {
        return resource;
      }
      return resource.toBuilder().clearRole().clearReservation().build();
    }
    if (!resource.hasRole() && !resource.hasReservation()) {
      return resource;
    }
    Resource.Builder b = resource.toBuilder().clearRole().clearReservation();
    if (hasLegacyRole(resource)) {
      ReservationInfo.Builder reservation = ReservationInfo.newBuilder();
      if (resource.hasReservation()) {
        reservation.mergeFrom(resource.getReservation()).setType(ReservationInfo.Type.DYNAMIC);
      } else {
        reservation.setType(ReservationInfo.Type.STATIC);
      }
      b.addReservations(reservation.setRole(resource.getRole()));
    }
    return b.build();
  }

  /**
   * Converts a post-refinement resource for an old client. A refined reservation (more than one
   * entry) cannot be expressed in the old format and is returned unchanged, as Mesos does.
   */
  static Resource toPreRefinement(Resource resource) {
    Resource post = toPostRefinement(resource);
    switch (post.getReservationsCount()) {
      case 0:
        return post.toBuilder().setRole(Roles.UNRESERVED).build();
      case 1: {
        ReservationInfo only = post.getReservations(0);
        Resource.Builder b = post.toBuilder().clearReservations().setRole(only.getRole());
        if (only.getType() == ReservationInfo.Type.DYNAMIC) {
          ReservationInfo.Builder legacy = b.getReservationBuilder();
          if (only.hasPrincipal()) {
            legacy.setPrincipal(only.getPrincipal());
          }
          if (only.hasLabels()) {
            legacy.setLabels(only.getLabels());
          }
        }
        return b.build();
      }
      default:
        return post;
    }
  }

  private static boolean hasLegacyRole(Resource resource) {
    return resource.hasRole()
        && !resource.getRole().isEmpty()
        && !resource.getRole().equals(Roles.UNRESERVED);
  }
}
