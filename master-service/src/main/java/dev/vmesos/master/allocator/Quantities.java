package dev.vmesos.master.allocator;

import dev.vmesos.api.resources.Resources;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scalar resource quantities (cpus, mem, disk, gpus, ...) as a small immutable vector indexed by
 * resource name: what shares, quotas and minimums are computed from, without the cost of full
 * {@link Resources} arithmetic on the allocation path. Ranges and sets do not count, as in Mesos's
 * sorters.
 */
public final class Quantities {

  private static final Map<String, Integer> INDEX = new ConcurrentHashMap<>();
  private static volatile String[] names = new String[0];

  public static final Quantities EMPTY = new Quantities(new double[0]);

  static {
    for (String name : new String[] {"cpus", "mem", "disk", "gpus"}) {
      index(name);
    }
  }

  private final double[] values;

  private Quantities(double[] values) {
    this.values = values;
  }

  /** The vector index of a resource name; new names get the next index. */
  public static int index(String name) {
    Integer i = INDEX.get(name);
    if (i != null) {
      return i;
    }
    synchronized (INDEX) {
      return INDEX.computeIfAbsent(name, n -> {
        String[] grown = Arrays.copyOf(names, names.length + 1);
        grown[grown.length - 1] = n;
        names = grown;
        return grown.length - 1;
      });
    }
  }

  public static Quantities of(Resources resources) {
    if (resources.isEmpty()) {
      return EMPTY;
    }
    return of(resources.scalars());
  }

  public static Quantities of(Map<String, Double> scalars) {
    double[] v = new double[0];
    for (Map.Entry<String, Double> e : scalars.entrySet()) {
      int i = index(e.getKey());
      if (i >= v.length) {
        v = Arrays.copyOf(v, i + 1);
      }
      v[i] += e.getValue();
    }
    return new Quantities(v);
  }

  public double get(String name) {
    Integer i = INDEX.get(name);
    return i == null ? 0 : get(i);
  }

  public double get(int index) {
    return index < values.length ? values[index] : 0;
  }

  /** One past the highest index that may be non-zero. */
  public int size() {
    return values.length;
  }

  public boolean isEmpty() {
    for (double v : values) {
      if (v > 0) {
        return false;
      }
    }
    return true;
  }

  public Quantities plus(Quantities other) {
    if (other.values.length == 0) {
      return this;
    }
    if (values.length == 0) {
      return other;
    }
    double[] v = Arrays.copyOf(values, Math.max(values.length, other.values.length));
    for (int i = 0; i < other.values.length; i++) {
      v[i] = round(v[i] + other.values[i]);
    }
    return new Quantities(v);
  }

  /** Subtraction that stops at zero, as Mesos's quantities do. */
  public Quantities minus(Quantities other) {
    if (other.values.length == 0 || values.length == 0) {
      return this;
    }
    double[] v = Arrays.copyOf(values, values.length);
    for (int i = 0; i < Math.min(v.length, other.values.length); i++) {
      v[i] = Math.max(0, round(v[i] - other.values[i]));
    }
    return new Quantities(v);
  }

  /** The largest fraction of {@code total} this holds of any resource: DRF's dominant share; 0 if none. */
  public double dominantShare(Quantities total) {
    double share = 0;
    int n = Math.min(values.length, total.values.length);
    for (int i = 0; i < n; i++) {
      if (total.values[i] > 0) {
        share = Math.max(share, values[i] / total.values[i]);
      }
    }
    return share;
  }

  /** True when every quantity here is at least the other's. */
  public boolean contains(Quantities other) {
    for (int i = 0; i < other.values.length; i++) {
      if (other.values[i] > get(i) + 1e-9) {
        return false;
      }
    }
    return true;
  }

  public Map<String, Double> toMap() {
    Map<String, Double> map = new TreeMap<>();
    String[] known = names;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0) {
        map.put(known[i], values[i]);
      }
    }
    return map;
  }

  /** Mesos scalars are fixed point with three decimals. */
  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantities q && toMap().equals(q.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
