package dev.vmesos.master.allocator;

import dev.vmesos.api.resources.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small dominant-resource-fairness allocator: for each agent with free resources, offer all of
 * them to the active framework with the lowest dominant share (allocated ÷ cluster total, the
 * largest over all resource kinds), ties broken by fewer allocations, then by id. Outstanding
 * offers count as allocated, as in Mesos. Declines leave a per framework and agent filter.
 *
 * <p>Plain single-threaded Java: the master's event loop owns it and calls it with verbs; it
 * answers with {@link Grant}s as data. The hierarchical allocator (roles, weights, quotas) replaces
 * it later behind the same verbs.
 */
public final class DrfAllocator {

  /** Resources granted to one framework on one agent: becomes one offer. */
  public record Grant(String frameworkId, String agentId, Resources resources) {
  }

  private static final double MIN_CPUS = 0.01;
  private static final double MIN_MEM = 32;

  private final Clock clock;
  private final Map<String, Resources> agentTotal = new LinkedHashMap<>();
  private final Map<String, Resources> agentFree = new HashMap<>();
  private final Map<String, FrameworkShare> frameworks = new TreeMap<>();
  private Resources clusterTotal = Resources.empty();

  private static final class FrameworkShare {
    final String id;
    Resources allocated = Resources.empty();
    long allocations;
    boolean active = true;
    boolean suppressed;
    final Map<String, Instant> refusedUntil = new HashMap<>();

    FrameworkShare(String id) {
      this.id = id;
    }
  }

  public DrfAllocator(Clock clock) {
    this.clock = clock;
  }

  public void addAgent(String agentId, Resources total, Resources used) {
    agentTotal.put(agentId, total);
    agentFree.put(agentId, total.minus(used));
    clusterTotal = clusterTotal.plus(total);
  }

  public void removeAgent(String agentId) {
    Resources total = agentTotal.remove(agentId);
    agentFree.remove(agentId);
    if (total != null) {
      clusterTotal = clusterTotal.minus(total);
    }
    for (FrameworkShare f : frameworks.values()) {
      f.refusedUntil.remove(agentId);
    }
  }

  public void addFramework(String frameworkId) {
    frameworks.computeIfAbsent(frameworkId, FrameworkShare::new).active = true;
  }

  public void removeFramework(String frameworkId) {
    frameworks.remove(frameworkId);
  }

  /** A disconnected framework keeps its allocation but gets no offers. */
  public void deactivateFramework(String frameworkId) {
    FrameworkShare f = frameworks.get(frameworkId);
    if (f != null) {
      f.active = false;
    }
  }

  public void suppress(String frameworkId) {
    FrameworkShare f = frameworks.get(frameworkId);
    if (f != null) {
      f.suppressed = true;
    }
  }

  /** Clears every decline filter of the framework and lifts suppression. */
  public void revive(String frameworkId) {
    FrameworkShare f = frameworks.get(frameworkId);
    if (f != null) {
      f.suppressed = false;
      f.refusedUntil.clear();
    }
  }

  /** Marks resources on an agent as used by a framework (tasks found on a re-registered agent). */
  public void allocated(String frameworkId, String agentId, Resources allocated) {
    Resources resources = allocated.unallocated();
    FrameworkShare f = frameworks.computeIfAbsent(frameworkId, FrameworkShare::new);
    f.allocated = f.allocated.plus(resources);
    agentFree.computeIfPresent(agentId, (id, free) -> free.minus(resources));
  }

  /**
   * Gives resources back (in any allocation form; the allocator keeps them unallocated): unused parts of offers, declined offers, finished tasks. A positive
   * {@code refuse} keeps this agent's resources away from the framework for that long.
   */
  public void recover(String frameworkId, String agentId, Resources recovered, Duration refuse) {
    Resources resources = recovered.unallocated();
    FrameworkShare f = frameworks.get(frameworkId);
    if (f != null) {
      f.allocated = f.allocated.minus(resources);
      if (refuse != null && !refuse.isNegative() && !refuse.isZero()) {
        f.refusedUntil.put(agentId, clock.instant().plus(refuse));
      }
    }
    if (agentFree.containsKey(agentId)) {
      Resources free = agentFree.get(agentId).plus(resources);
      if (!agentTotal.get(agentId).contains(free)) {
        throw new IllegalStateException("Recovering " + resources + " on agent " + agentId
            + " would exceed its total " + agentTotal.get(agentId));
      }
      agentFree.put(agentId, free);
    }
  }

  /** One allocation round: every agent's free resources go, whole, to the neediest framework. */
  public List<Grant> allocate() {
    Instant now = clock.instant();
    List<Grant> grants = new ArrayList<>();
    for (Map.Entry<String, Resources> agent : agentTotal.entrySet()) {
      String agentId = agent.getKey();
      Resources free = agentFree.get(agentId);
      if (!allocatable(free)) {
        continue;
      }
      FrameworkShare chosen = frameworks.values().stream()
          .filter(f -> f.active && !f.suppressed && !refused(f, agentId, now))
          .min(Comparator.<FrameworkShare>comparingDouble(this::dominantShare)
              .thenComparingLong(f -> f.allocations)
              .thenComparing(f -> f.id))
          .orElse(null);
      if (chosen == null) {
        continue;
      }
      chosen.allocated = chosen.allocated.plus(free);
      chosen.allocations++;
      agentFree.put(agentId, Resources.empty());
      grants.add(new Grant(chosen.id, agentId, free));
    }
    return grants;
  }

  /** The framework's dominant share of the cluster, 0 when nothing is allocated. */
  public double dominantShare(String frameworkId) {
    FrameworkShare f = frameworks.get(frameworkId);
    return f == null ? 0 : dominantShare(f);
  }

  private double dominantShare(FrameworkShare f) {
    double share = 0;
    for (Map.Entry<String, Double> entry : f.allocated.scalars().entrySet()) {
      double total = clusterTotal.scalar(entry.getKey());
      if (total > 0) {
        share = Math.max(share, entry.getValue() / total);
      }
    }
    return share;
  }

  private static boolean refused(FrameworkShare f, String agentId, Instant now) {
    Instant until = f.refusedUntil.get(agentId);
    if (until == null) {
      return false;
    }
    if (!now.isBefore(until)) {
      f.refusedUntil.remove(agentId);
      return false;
    }
    return true;
  }

  private static boolean allocatable(Resources free) {
    return free != null && (free.scalar("cpus") >= MIN_CPUS || free.scalar("mem") >= MIN_MEM);
  }
}
