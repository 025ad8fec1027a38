package dev.vmesos.examples.drf;

import dev.vmesos.api.resources.Resources;
import java.util.List;

/**
 * A framework's dominant share (DRF): the largest, over cpus and mem, of what it holds divided by
 * what the cluster has. Example (the seed's): cluster 10 cpus, 20 GB; A holds 3 cpus and 2 GB, so
 * A = max(.3, .1) = .3, dominant resource cpus.
 */
public record DominantShare(double share, String resource) {

  static final List<String> RESOURCES = List.of("cpus", "mem");

  public static DominantShare of(Resources held, Resources total) {
    double best = 0;
    String dominant = "cpus";
    for (String name : RESOURCES) {
      double all = total.scalar(name);
      double share = all > 0 ? held.scalar(name) / all : 0;
      if (share > best) {
        best = share;
        dominant = name;
      }
    }
    return new DominantShare(best, dominant);
  }

  /** The dominant share one task of {@code cpus, mem} adds on a cluster of {@code total}. */
  public static double ofOneTask(double cpus, double mem, Resources total) {
    return Math.max(cpus / total.scalar("cpus"), mem / total.scalar("mem"));
  }
}
