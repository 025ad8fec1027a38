package dev.vmesos.api.resources;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An immutable bag of {@link Resource}s with the arithmetic of Mesos {@code Resources}.
 *
 * <ul>
 *   <li>Resources that are <i>addable</i> (same name, type, reservation stack, allocation role,
 *       disk, revocable and provider) are kept as one entry: scalars add, ranges coalesce
 *       ({@code [1-3] + [4-6] = [1-6]}), sets union.
 *   <li>Scalars are fixed-point with three decimals, as in Mesos: {@code 0.1 + 0.2 == 0.3}.
 *   <li>Empty results (a zero scalar, no ranges, no set items) are dropped, so {@code a.minus(a)}
 *       {@linkplain #isEmpty() is empty}.
 *   <li>Resources are held in the post-refinement format (see {@link #toPostRefinement}); {@link
 *       #toPreRefinement()} converts back for old clients.
 *   <li>A shared resource added twice is kept once with a count of two, as in Mesos; {@link
 *       #toList()} lists it once.
 *   <li>Equality is semantic and ignores order.
 * </ul>
 *
 * <p>Resources that are invalid (a negative scalar, overlapping ranges, a TEXT value; see {@link
 * #validate}) are rejected with {@link IllegalArgumentException}. Mesos silently drops them instead;
 * vmesos validates input at the edge, so an invalid resource reaching here is a bug.
 */
public final class Resources implements Iterable<Resource> {

  /** One canonical resource and, for a shared resource, how many copies are held. */
  private record Entry(Resource resource, int copies) {}

  /** One range of a RANGES resource, both ends included. */
  public record Range(long begin, long end) {
    @Override
    public String toString() {
      return begin + "-" + end;
    }
  }

  private static final Resources EMPTY = new Resources(List.of());

  private final List<Entry> entries;

  private Resources(List<Entry> entries) {
    this.entries = entries;
  }

  // ---- construction --------------------------------------------------------------------------

  public static Resources empty() {
    return EMPTY;
  }

  /**
   * The sum of {@code resources}, in either reservation format.
   *
   * @throws IllegalArgumentException if one is invalid (see {@link #validate})
   */
  public static Resources of(Iterable<Resource> resources) {
    List<Entry> entries = new ArrayList<>();
    for (Resource r : resources) {
      Optional<String> error = validate(r);
      if (error.isPresent()) {
        throw new IllegalArgumentException("Invalid resource: " + error.get());
      }
      add(entries, new Entry(ResourceOps.canonical(r), 1));
    }
    return wrap(entries);
  }

  public static Resources of(Resource... resources) {
    return of(List.of(resources));
  }

  /** Parses the Mesos {@code --resources} syntax; see {@link ResourcesParser#parse(String)}. */
  public static Resources parse(String text) {
    return ResourcesParser.parse(text);
  }

  /** Why a resource is unusable (negative scalar, begin &gt; end, overlap, bad role...), or empty. */
  public static Optional<String> validate(Resource resource) {
    return ResourceOps.validate(resource);
  }

  // ---- arithmetic ----------------------------------------------------------------------------

  public Resources plus(Resources other) {
    if (other.isEmpty()) {
      return this;
    }
    List<Entry> result = new ArrayList<>(entries);
    other.entries.forEach(e -> add(result, e));
    return wrap(result);
  }

  /** What is left after taking {@code other} away; what is not here is ignored, scalars stop at 0. */
  public Resources minus(Resources other) {
    if (other.isEmpty() || isEmpty()) {
      return this;
    }
    List<Entry> result = new ArrayList<>(entries);
    other.entries.forEach(e -> subtract(result, e));
    return wrap(result);
  }

  /**
   * Whether every resource in {@code other} is here: at least as much of each scalar, a superset of
   * each ranges and set, with the same reservation, allocation and disk. Reserved resources are
   * not contained in unreserved ones, nor the other way round.
   */
  public boolean contains(Resources other) {
    List<Entry> remaining = new ArrayList<>(entries);
    for (Entry wanted : other.entries) {
      boolean found = false;
      for (Entry have : remaining) {
        if (covers(have, wanted)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
      subtract(remaining, wanted); // a second identical volume must match a second entry
    }
    return true;
  }

  // ---- queries -------------------------------------------------------------------------------

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The total of a scalar resource over all roles and allocations; 0 if absent. */
  public double scalar(String name) {
    long total = 0;
    for (Entry e : entries) {
      if (e.resource.getName().equals(name) && e.resource.getType() == Value.Type.SCALAR) {
        total += Values.toFixed(e.resource.getScalar().getValue());
      }
    }
    return Values.fromFixed(total);
  }

  /** Every scalar resource's total over all roles, by name. */
  public SortedMap<String, Double> scalars() {
    SortedMap<String, Long> fixed = new TreeMap<>();
    for (Entry e : entries) {
      if (e.resource.getType() == Value.Type.SCALAR) {
        fixed.merge(e.resource.getName(), Values.toFixed(e.resource.getScalar().getValue()), Long::sum);
      }
    }
    SortedMap<String, Double> totals = new TreeMap<>();
    fixed.forEach((name, thousandths) -> totals.put(name, Values.fromFixed(thousandths)));
    return Collections.unmodifiableSortedMap(totals);
  }

  /** The union of a ranges resource over all roles, sorted and coalesced; empty if absent. */
  public List<Range> ranges(String name) {
    List<Value.Range> all = new ArrayList<>();
    for (Entry e : entries) {
      if (e.resource.getName().equals(name) && e.resource.getType() == Value.Type.RANGES) {
        all.addAll(e.resource.getRanges().getRangeList());
      }
    }
    return Values.coalesce(all).getRangeList().stream()
        .map(r -> new Range(r.getBegin(), r.getEnd()))
        .toList();
  }

  /** The resources in canonical (post-refinement) form, in the order they were first added. */
  public List<Resource> toList() {
    return entries.stream().map(Entry::resource).toList();
  }

  public Stream<Resource> stream() {
    return toList().stream();
  }

  @Override
  public Iterator<Resource> iterator() {
    return toList().iterator();
  }

  // ---- subsets and transformations -----------------------------------------------------------

  public Resources filter(Predicate<Resource> predicate) {
    return wrap(entries.stream().filter(e -> predicate.test(e.resource)).collect(Collectors.toList()));
  }

  /** Resources whose reservation belongs to {@code role} (the last entry of the stack). */
  public Resources reservedTo(String role) {
    return filter(r -> r.getReservationsCount() > 0 && role(r).equals(role));
  }

  /** Resources reserved to any role. */
  public Resources reserved() {
    return filter(r -> r.getReservationsCount() > 0);
  }

  public Resources unreserved() {
    return filter(r -> r.getReservationsCount() == 0);
  }

  /**
   * What a framework in {@code role} may be offered: unreserved resources and those reserved to
   * {@code role} or one of its ancestors ({@code a} reservations are offerable to {@code a/b}).
   */
  public Resources allocatableTo(String role) {
    return filter(r -> {
      String owner = role(r);
      return owner.equals(Roles.UNRESERVED) || owner.equals(role) || Roles.isStrictSubroleOf(role, owner);
    });
  }

  /** These resources with {@code allocation_info.role} set to {@code role}, as in an offer. */
  public Resources allocatedTo(String role) {
    return map(r -> r.toBuilder()
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role))
        .build());
  }

  /** These resources with {@code allocation_info} removed. */
  public Resources unallocated() {
    return map(r -> r.toBuilder().clearAllocationInfo().build());
  }

  /** The resources in the pre-refinement format, for frameworks without RESERVATION_REFINEMENT. */
  public List<Resource> toPreRefinement() {
    return entries.stream().map(e -> ReservationFormat.toPreRefinement(e.resource)).toList();
  }

  /** The role owning a resource in either format: the last reservation's role, or {@code "*"}. */
  public static String role(Resource resource) {
    return ReservationFormat.role(resource);
  }

  /**
   * Converts one resource to the pre-refinement format: {@code role} set ({@code "*"} when
   * unreserved), a single dynamic reservation's principal and labels moved to {@code reservation},
   * {@code reservations} cleared. A refined reservation (two or more entries) has no pre-refinement
   * form and is returned in post-refinement form, as Mesos does.
   */
  public static Resource toPreRefinement(Resource resource) {
    return ReservationFormat.toPreRefinement(resource);
  }

  /**
   * Normalises a resource from an old client: a {@code role} other than {@code "*"} becomes a
   * STATIC reservation, or a DYNAMIC one carrying the principal and labels of {@code reservation}
   * if that is set; {@code role} and {@code reservation} are cleared.
   */
  public static Resource toPostRefinement(Resource resource) {
    return ReservationFormat.toPostRefinement(resource);
  }

  /** A static reservation for {@code role}, as {@code --resources} writes {@code cpus(role):4}. */
  static ReservationInfo staticReservation(String role) {
    return ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole(role).build();
  }

  // ---- object --------------------------------------------------------------------------------

  @Override
  public boolean equals(Object o) {
    return o instanceof Resources other && counts().equals(other.counts());
  }

  @Override
  public int hashCode() {
    return counts().hashCode();
  }

  /** Mesos text syntax, {@code cpus:4; mem:8192; ports:[31000-32000]; disk(role):100}. */
  @Override
  public String toString() {
    return entries.stream().map(e -> ResourceText.format(e.resource)).collect(Collectors.joining("; "));
  }

  // ---- internals -----------------------------------------------------------------------------

  private Resources map(UnaryOperator<Resource> f) {
    List<Entry> result = new ArrayList<>();
    for (Entry e : entries) {
      Resource changed = f.apply(e.resource);
      for (int i = 0; i < e.copies; i++) {
        add(result, new Entry(changed, 1));
      }
    }
    return wrap(result);
  }

  /** Entries as a multiset; canonical form makes this semantic equality. */
  private Map<Entry, Integer> counts() {
    Map<Entry, Integer> counts = new HashMap<>();
    entries.forEach(e -> counts.merge(e, 1, Integer::sum));
    return counts;
  }

  private static Resources wrap(List<Entry> entries) {
    return entries.isEmpty() ? EMPTY : new Resources(List.copyOf(entries));
  }

  private static boolean covers(Entry have, Entry wanted) {
    if (!ResourceOps.subtractable(have.resource, wanted.resource)) {
      return false;
    }
    return have.resource.hasShared()
        ? have.copies >= wanted.copies
        : ResourceOps.containsValue(have.resource, wanted.resource);
  }

  private static void add(List<Entry> entries, Entry e) {
    if (ResourceOps.isEmpty(e.resource)) {
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry have = entries.get(i);
      if (ResourceOps.addable(have.resource, e.resource)) {
        entries.set(i, have.resource.hasShared()
            ? new Entry(have.resource, have.copies + e.copies)
            : new Entry(ResourceOps.add(have.resource, e.resource), 1));
        return;
      }
    }
    entries.add(e);
  }

  private static void subtract(List<Entry> entries, Entry e) {
    for (int i = 0; i < entries.size(); i++) {
      Entry have = entries.get(i);
      if (!ResourceOps.subtractable(have.resource, e.resource)) {
        continue;
      }
      if (have.resource.hasShared()) {
        int left = have.copies - e.copies;
        if (left > 0) {
          entries.set(i, new Entry(have.resource, left));
        } else {
          entries.remove(i);
        }
      } else {
        Resource rest = ResourceOps.subtract(have.resource, e.resource);
        if (ResourceOps.isEmpty(rest)) {
          entries.remove(i);
        } else {
          entries.set(i, new Entry(rest, 1));
        }
      }
      return;
    }
  }
}
