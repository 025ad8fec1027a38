package dev.vmesos.api.resources;

import com.google.protobuf.TextFormat;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.math.BigDecimal;

/**
 * Writes resources in the Mesos text syntax. What {@link ResourcesParser} can read ({@code
 * disk(role):100}, unreserved or with one static reservation) is written so that it parses back
 * unchanged; anything else gets Mesos's descriptive annotations, for logs and error messages only:
 * {@code (allocated: r)}, {@code (reservations: [(DYNAMIC,r,principal)])}, {@code [disk info]},
 * {@code {REV}}, {@code <SHARED>}.
 */
final class ResourceText {

  private ResourceText() {}

  static String format(Resource r) {
    StringBuilder s = new StringBuilder(r.getName());
    if (r.hasAllocationInfo()) {
      s.append("(allocated: ").append(r.getAllocationInfo().getRole()).append(')');
    }
    if (isSingleStatic(r)) {
      s.append('(').append(r.getReservations(0).getRole()).append(')');
    } else if (r.getReservationsCount() > 0) {
      s.append("(reservations: [");
      for (int i = 0; i < r.getReservationsCount(); i++) {
        ReservationInfo info = r.getReservations(i);
        s.append(i > 0 ? "," : "").append('(').append(info.getType()).append(',').append(info.getRole());
        if (!info.getPrincipal().isEmpty()) {
          s.append(',').append(info.getPrincipal());
        }
        if (info.hasLabels()) {
          s.append(',').append(TextFormat.printer().emittingSingleLine(true).printToString(info.getLabels()).trim());
        }
        s.append(')');
      }
      s.append("])");
    }
    if (r.hasDisk()) {
      s.append('[').append(TextFormat.printer().emittingSingleLine(true).printToString(r.getDisk()).trim()).append(']');
    }
    if (r.hasRevocable()) {
      s.append("{REV}");
    }
    if (r.hasShared()) {
      s.append("<SHARED>");
    }
    if (r.hasProviderId()) {
      s.append("(provider: ").append(r.getProviderId().getValue()).append(')');
    }
    return s.append(':').append(value(r)).toString();
  }

  static String value(Resource r) {
    return switch (r.getType()) {
      case SCALAR -> scalar(r.getScalar().getValue());
      case RANGES -> ranges(r.getRanges());
      case SET -> "{" + String.join(", ", r.getSet().getItemList()) + "}";
      default -> "?";
    };
  }

  /** {@code 4}, {@code 0.5}, {@code 8192}: the fixed-point value without trailing zeros. */
  static String scalar(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    return BigDecimal.valueOf(Values.toFixed(value), 3).stripTrailingZeros().toPlainString();
  }

  static String ranges(Value.Ranges ranges) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < ranges.getRangeCount(); i++) {
      Value.Range range = ranges.getRange(i);
      s.append(i > 0 ? ", " : "").append(range.getBegin()).append('-').append(range.getEnd());
    }
    return s.append(']').toString();
  }

  private static boolean isSingleStatic(Resource r) {
    if (r.getReservationsCount() != 1) {
      return false;
    }
    ReservationInfo only = r.getReservations(0);
    return only.getType() == ReservationInfo.Type.STATIC
        && only.getPrincipal().isEmpty()
        && !only.hasLabels();
  }
}
