package dev.vmesos.master.allocator;

import java.util.Random;

/** Builds sorters by their flag names: {@code drf}, {@code random}, {@code maxmin:<resource>}. */
public final class Sorters {

  private Sorters() {
  }

  public static Sorter create(String name, Random random) {
    validate(name);
    if (name.equals("drf")) {
      return DrfSorter.dominantShare();
    }
    if (name.equals("random")) {
      return new RandomSorter(random);
    }
    return DrfSorter.maxMin(name.substring("maxmin:".length()));
  }

  /** Throws IllegalArgumentException naming the accepted values when {@code name} is not one. */
  public static void validate(String name) {
    if (name == null || !(name.equals("drf") || name.equals("random")
        || (name.startsWith("maxmin:") && name.length() > "maxmin:".length()))) {
      throw new IllegalArgumentException("Unknown sorter '" + name + "': expected drf, random or maxmin:<resource>");
    }
  }
}
