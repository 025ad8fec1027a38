package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Operations on one {@link Resource}: validation, canonical form and the pairwise rules of
 * {@code resources.cpp} that decide which resources may be added to or subtracted from each other.
 */
final class ResourceOps {

  private ResourceOps() {}

  /** Why the resource cannot be used, or empty. Accepts both reservation formats. */
  @SuppressWarnings("deprecation")
  static Optional<String> validate(Resource r) {
    String name = r.getName();
    if (name.isBlank()) {
      return Optional.of("resource name is empty");
    }
    switch (r.getType()) {
      case SCALAR -> {
        if (!r.hasScalar() || r.hasRanges() || r.hasSet()) {
          return Optional.of(name + ": a SCALAR resource needs 'scalar' and nothing else");
        }
        double v = r.getScalar().getValue();
        if (!Double.isFinite(v)) {
          return Optional.of(name + ": scalar value " + v + " is not a finite number");
        }
        if (v < 0) {
          return Optional.of(name + ": scalar value " + ResourceText.scalar(v) + " is negative");
        }
      }
      case RANGES -> {
        if (!r.hasRanges() || r.hasScalar() || r.hasSet()) {
          return Optional.of(name + ": a RANGES resource needs 'ranges' and nothing else");
        }
        Optional<String> bad = validateRanges(name, r.getRanges().getRangeList());
        if (bad.isPresent()) {
          return bad;
        }
      }
      case SET -> {
        if (!r.hasSet() || r.hasScalar() || r.hasRanges()) {
          return Optional.of(name + ": a SET resource needs 'set' and nothing else");
        }
        Set<String> seen = new HashSet<>();
        for (String item : r.getSet().getItemList()) {
          if (!seen.add(item)) {
            return Optional.of(name + ": set item '" + item + "' appears more than once");
          }
        }
      }
      default -> {
        return Optional.of(name + ": resources cannot have type " + r.getType());
      }
    }
    if (r.hasRole() && !r.getRole().isEmpty()) {
      Optional<String> bad = Roles.validate(r.getRole());
      if (bad.isPresent()) {
        return Optional.of(name + ": " + bad.get());
      }
    }
    for (ReservationInfo reservation : r.getReservationsList()) {
      if (reservation.getType() != ReservationInfo.Type.STATIC
          && reservation.getType() != ReservationInfo.Type.DYNAMIC) {
        return Optional.of(name + ": reservation type must be STATIC or DYNAMIC");
      }
      if (reservation.getRole().equals(Roles.UNRESERVED)) {
        return Optional.of(name + ": a reservation cannot be for role '*'");
      }
      Optional<String> bad = Roles.validate(reservation.getRole());
      if (bad.isPresent()) {
        return Optional.of(name + ": " + bad.get());
      }
    }
    return Optional.empty();
  }

  static Optional<String> validateRanges(String name, List<Value.Range> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      Value.Range a = ranges.get(i);
      if (a.getBegin() < 0 || a.getEnd() < 0) {
        return Optional.of(name + ": range values above " + Long.MAX_VALUE + " are not supported");
      }
      if (a.getBegin() > a.getEnd()) {
        return Optional.of(name + ": range " + a.getBegin() + "-" + a.getEnd() + " has begin > end");
      }
      for (int j = i + 1; j < ranges.size(); j++) {
        Value.Range b = ranges.get(j);
        if (a.getBegin() <= b.getEnd() && b.getBegin() <= a.getEnd()) {
          return Optional.of(name + ": ranges " + a.getBegin() + "-" + a.getEnd() + " and "
              + b.getBegin() + "-" + b.getEnd() + " overlap");
        }
      }
    }
    return Optional.empty();
  }

  /** Post-refinement format, scalar rounded to thousandths, ranges coalesced, set items sorted. */
  static Resource canonical(Resource r) {
    Resource post = ReservationFormat.toPostRefinement(r);
    return switch (post.getType()) {
      case SCALAR -> withScalar(post, Values.toFixed(post.getScalar().getValue()));
      case RANGES -> post.toBuilder().setRanges(Values.coalesce(post.getRanges().getRangeList())).build();
      case SET -> post.toBuilder().setSet(Values.canonical(post.getSet())).build();
      default -> post;
    };
  }

  static boolean isEmpty(Resource r) {
    return switch (r.getType()) {
      case SCALAR -> Values.toFixed(r.getScalar().getValue()) <= 0;
      case RANGES -> r.getRanges().getRangeCount() == 0;
      case SET -> r.getSet().getItemCount() == 0;
      default -> true;
    };
  }

  /**
   * Whether two canonical resources merge into one when added. Shared resources only merge with an
   * identical one (the copies are counted); a persistent volume or a MOUNT disk never merges, since
   * each is a distinct, exclusive thing.
   */
  static boolean addable(Resource left, Resource right) {
    if (left.hasShared() != right.hasShared()) {
      return false;
    }
    if (left.hasShared()) {
      return left.equals(right);
    }
    if (!sameKind(left, right)) {
      return false;
    }
    return !left.hasDisk() || (!isMountDisk(left) && !left.getDisk().hasPersistence());
  }

  /** Whether {@code right} can be taken out of {@code left}; a volume only as a whole. */
  static boolean subtractable(Resource left, Resource right) {
    if (left.hasShared() != right.hasShared()) {
      return false;
    }
    if (left.hasShared()) {
      return left.equals(right);
    }
    if (!sameKind(left, right)) {
      return false;
    }
    if (left.hasDisk() && (isMountDisk(left) || left.getDisk().hasPersistence())) {
      return left.equals(right);
    }
    return true;
  }

  /** Whether all of {@code right} is inside {@code left}; they must be {@link #subtractable}. */
  static boolean containsValue(Resource left, Resource right) {
    return switch (left.getType()) {
      case SCALAR -> Values.toFixed(left.getScalar().getValue()) >= Values.toFixed(right.getScalar().getValue());
      case RANGES -> Values.contains(left.getRanges(), right.getRanges());
      case SET -> Values.contains(left.getSet(), right.getSet());
      default -> false;
    };
  }

  /** {@code left + right}; they must be {@link #addable} and not shared. */
  static Resource add(Resource left, Resource right) {
    return switch (left.getType()) {
      case SCALAR -> withScalar(left,
          Values.toFixed(left.getScalar().getValue()) + Values.toFixed(right.getScalar().getValue()));
      case RANGES -> left.toBuilder().setRanges(Values.add(left.getRanges(), right.getRanges())).build();
      case SET -> left.toBuilder().setSet(Values.add(left.getSet(), right.getSet())).build();
      default -> throw new IllegalArgumentException("cannot add " + left.getType());
    };
  }

  /** {@code left - right}, possibly empty (a scalar never goes below zero). */
  static Resource subtract(Resource left, Resource right) {
    return switch (left.getType()) {
      case SCALAR -> withScalar(left, Math.max(0,
          Values.toFixed(left.getScalar().getValue()) - Values.toFixed(right.getScalar().getValue())));
      case RANGES -> left.toBuilder().setRanges(Values.subtract(left.getRanges(), right.getRanges())).build();
      case SET -> left.toBuilder().setSet(Values.subtract(left.getSet(), right.getSet())).build();
      default -> throw new IllegalArgumentException("cannot subtract " + left.getType());
    };
  }

  private static boolean sameKind(Resource left, Resource right) {
    return left.getName().equals(right.getName())
        && left.getType() == right.getType()
        && left.hasAllocationInfo() == right.hasAllocationInfo()
        && left.getAllocationInfo().equals(right.getAllocationInfo())
        && left.getReservationsList().equals(right.getReservationsList())
        && left.hasDisk() == right.hasDisk()
        && left.getDisk().equals(right.getDisk())
        && left.hasRevocable() == right.hasRevocable()
        && left.hasProviderId() == right.hasProviderId()
        && left.getProviderId().equals(right.getProviderId());
  }

  private static boolean isMountDisk(Resource r) {
    return r.getDisk().hasSource()
        && r.getDisk().getSource().getType() == Resource.DiskInfo.Source.Type.MOUNT;
  }

  private static Resource withScalar(Resource r, long thousandths) {
    return r.toBuilder().setScalar(Values.scalar(thousandths)).build();
  }
}
