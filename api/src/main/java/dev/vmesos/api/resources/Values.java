package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Arithmetic on the three resource value kinds, with Mesos semantics.
 *
 * <p>Scalars are fixed-point with three decimal places: Mesos converts every scalar to an int64 of
 * thousandths before adding, subtracting or comparing ({@code values.cpp convertToFixed}), so
 * {@code 0.1 + 0.2} is exactly {@code 0.3} and repeated subtraction leaves no {@code 1e-17} residue.
 *
 * <p>Ranges and sets are kept canonical (ranges sorted and coalesced, set items sorted and unique),
 * which makes protobuf equality coincide with semantic equality.
 */
final class Values {

  private static final Comparator<Value.Range> BY_BEGIN =
      Comparator.comparingLong(Value.Range::getBegin).thenComparingLong(Value.Range::getEnd);

  private Values() {}

  // ---- scalars -------------------------------------------------------------------------------

  /** The value in thousandths, rounded half away from zero like {@code std::llround}. */
  static long toFixed(double value) {
    return Math.round(value * 1000);
  }

  static double fromFixed(long thousandths) {
    return thousandths / 1000.0;
  }

  static double round(double value) {
    return fromFixed(toFixed(value));
  }

  static Value.Scalar scalar(long thousandths) {
    return Value.Scalar.newBuilder().setValue(fromFixed(thousandths)).build();
  }

  // ---- ranges --------------------------------------------------------------------------------

  /** Sorts and merges overlapping and adjacent ranges: [1-3, 4-6, 5-9] becomes [1-9]. */
  static Value.Ranges coalesce(Iterable<Value.Range> ranges) {
    List<Value.Range> sorted = new ArrayList<>();
    ranges.forEach(sorted::add);
    sorted.sort(BY_BEGIN);
    Value.Ranges.Builder out = Value.Ranges.newBuilder();
    long begin = 0;
    long end = 0;
    boolean open = false;
    for (Value.Range r : sorted) {
      if (open && r.getBegin() - 1 <= end) { // begin >= 0, so begin - 1 cannot overflow
        end = Math.max(end, r.getEnd());
        continue;
      }
      if (open) {
        out.addRange(range(begin, end));
      }
      begin = r.getBegin();
      end = r.getEnd();
      open = true;
    }
    if (open) {
      out.addRange(range(begin, end));
    }
    return out.build();
  }

  static Value.Ranges add(Value.Ranges left, Value.Ranges right) {
    List<Value.Range> all = new ArrayList<>(left.getRangeList());
    all.addAll(right.getRangeList());
    return coalesce(all);
  }

  /** Removes from {@code left} every number in {@code right}; both must be canonical. */
  static Value.Ranges subtract(Value.Ranges left, Value.Ranges right) {
    List<Value.Range> cut = right.getRangeList();
    Value.Ranges.Builder out = Value.Ranges.newBuilder();
    int first = 0;
    for (Value.Range r : left.getRangeList()) {
      long lo = r.getBegin();
      long hi = r.getEnd();
      while (first < cut.size() && cut.get(first).getEnd() < lo) {
        first++;
      }
      boolean consumed = false;
      for (int k = first; k < cut.size() && cut.get(k).getBegin() <= hi; k++) {
        Value.Range c = cut.get(k);
        if (c.getBegin() > lo) {
          out.addRange(range(lo, c.getBegin() - 1));
        }
        if (c.getEnd() >= hi) {
          consumed = true;
          break;
        }
        lo = c.getEnd() + 1;
      }
      if (!consumed) {
        out.addRange(range(lo, hi));
      }
    }
    return out.build();
  }

  /** Whether every number in {@code inner} is in {@code outer}; {@code outer} must be canonical. */
  static boolean contains(Value.Ranges outer, Value.Ranges inner) {
    List<Value.Range> ranges = outer.getRangeList();
    for (Value.Range r : inner.getRangeList()) {
      int lo = 0;
      int hi = ranges.size() - 1;
      int found = -1; // last outer range with begin <= r.begin
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (ranges.get(mid).getBegin() <= r.getBegin()) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0 || ranges.get(found).getEnd() < r.getEnd()) {
        return false;
      }
    }
    return true;
  }

  static Value.Range range(long begin, long end) {
    return Value.Range.newBuilder().setBegin(begin).setEnd(end).build();
  }

  // ---- sets ----------------------------------------------------------------------------------

  static Value.Set canonical(Value.Set set) {
    return Value.Set.newBuilder().addAllItem(new TreeSet<>(set.getItemList())).build();
  }

  static Value.Set add(Value.Set left, Value.Set right) {
    TreeSet<String> items = new TreeSet<>(left.getItemList());
    items.addAll(right.getItemList());
    return Value.Set.newBuilder().addAllItem(items).build();
  }

  static Value.Set subtract(Value.Set left, Value.Set right) {
    TreeSet<String> items = new TreeSet<>(left.getItemList());
    items.removeAll(right.getItemList());
    return Value.Set.newBuilder().addAllItem(items).build();
  }

  static boolean contains(Value.Set outer, Value.Set inner) {
    return new TreeSet<>(outer.getItemList()).containsAll(inner.getItemList());
  }
}
