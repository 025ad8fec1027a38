package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks resources a framework names (in LAUNCH, LAUNCH_GROUP, RESERVE and UNRESERVE) before the
 * master does anything with them. The messages follow Mesos's {@code Resources::validate}: {@code
 * Resource 'cpus:-1' is invalid: Invalid scalar resource: value < 0}.
 *
 * <p>Stricter than Mesos in three ways, each of which would otherwise let one bad call corrupt the
 * master's accounting: NaN and infinite scalars are refused (Mesos's {@code value < 0} lets NaN
 * through), scalars must stay small enough that sums of their fixed-point thousandths fit in a
 * {@code long}, and the well-known resources have a fixed type ({@code cpus}, {@code mem}, {@code
 * disk}, {@code gpus} scalar; {@code ports} ranges within 0-65535).
 *
 * <p>What passes here is accepted by {@link Resources#of}, which would throw instead.
 */
public final class ResourceValidation {

  /** The highest port number. */
  public static final long MAX_PORT = 65_535;

  /**
   * The largest scalar accepted: 10^12 (a petabyte of {@code mem} in megabytes). In thousandths it
   * is 10^15, so a million of them still add up inside a {@code long}.
   */
  public static final double MAX_SCALAR = 1e12;

  private static final Map<String, Value.Type> WELL_KNOWN = Map.of(
      "cpus", Value.Type.SCALAR,
      "mem", Value.Type.SCALAR,
      "disk", Value.Type.SCALAR,
      "gpus", Value.Type.SCALAR,
      "ports", Value.Type.RANGES);

  private ResourceValidation() {}

  /** The first invalid resource of {@code resources}, described as Mesos does, or empty. */
  public static Optional<String> validate(List<Resource> resources) {
    for (Resource resource : resources) {
      Optional<String> error = validate(resource);
      if (error.isPresent()) {
        return Optional.of("Resource '" + ResourceText.format(resource) + "' is invalid: " + error.get());
      }
    }
    return Optional.empty();
  }

  /** Why one resource is invalid ({@code Invalid scalar resource: value < 0}), or empty. */
  public static Optional<String> validate(Resource resource) {
    if (resource.getName().isEmpty()) {
      return Optional.of("Empty resource name");
    }
    Value.Type expected = WELL_KNOWN.get(resource.getName());
    if (expected != null && resource.getType() != expected) {
      return Optional.of("Invalid resource type: '" + resource.getName() + "' must be " + expected
          + ", not " + resource.getType());
    }
    Optional<String> error = switch (resource.getType()) {
      case SCALAR -> validateScalar(resource);
      case RANGES -> validateRanges(resource);
      case SET -> validateSet(resource);
      default -> Optional.of("Unsupported resource type " + resource.getType());
    };
    if (error.isPresent()) {
      return error;
    }
    // Roles and reservations, with the checks Resources.of makes.
    return Resources.validate(resource);
  }

  private static Optional<String> validateScalar(Resource resource) {
    if (!resource.hasScalar() || resource.hasRanges() || resource.hasSet()) {
      return Optional.of("Invalid scalar resource");
    }
    double value = resource.getScalar().getValue();
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Optional.of("Invalid scalar resource: value " + value + " is not a finite number");
    }
    if (value < 0) {
      return Optional.of("Invalid scalar resource: value < 0");
    }
    if (value > MAX_SCALAR) {
      return Optional.of("Invalid scalar resource: value " + ResourceText.scalar(value) + " exceeds "
          + ResourceText.scalar(MAX_SCALAR));
    }
    return Optional.empty();
  }

  private static Optional<String> validateRanges(Resource resource) {
    if (!resource.hasRanges() || resource.hasScalar() || resource.hasSet()) {
      return Optional.of("Invalid ranges resource");
    }
    // Range values are uint64 on the wire: a negative long is one above 2^63 - 1.
    long max = resource.getName().equals("ports") ? MAX_PORT : Long.MAX_VALUE;
    List<Value.Range> ranges = resource.getRanges().getRangeList();
    for (int i = 0; i < ranges.size(); i++) {
      Value.Range range = ranges.get(i);
      if (range.getBegin() < 0 || range.getEnd() < 0 || range.getBegin() > max || range.getEnd() > max) {
        return Optional.of("Invalid ranges resource: " + Long.toUnsignedString(range.getBegin()) + "-"
            + Long.toUnsignedString(range.getEnd()) + " is outside 0-" + max);
      }
      if (range.getBegin() > range.getEnd()) {
        return Optional.of("Invalid ranges resource: begin > end (" + range.getBegin() + "-" + range.getEnd() + ")");
      }
      for (int j = i + 1; j < ranges.size(); j++) {
        Value.Range other = ranges.get(j);
        if (range.getBegin() <= other.getEnd() && other.getBegin() <= range.getEnd()) {
          return Optional.of("Invalid ranges resource: overlapping ranges");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> validateSet(Resource resource) {
    if (!resource.hasSet() || resource.hasScalar() || resource.hasRanges()) {
      return Optional.of("Invalid set resource");
    }
    Set<String> seen = new HashSet<>();
    for (String item : resource.getSet().getItemList()) {
      if (!seen.add(item)) {
        return Optional.of("Invalid set resource: duplicated elements");
      }
    }
    return Optional.empty();
  }
}
