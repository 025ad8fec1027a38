package dev.vmesos.master.allocator.fairness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two fairness policies of Mesos's first scheduling level as pure functions, step by step, so a
 * person can follow them: dominant resource fairness by progressive filling, and max-min fairness by
 * water-filling on one resource. Nothing here knows the allocator; {@link Simulation} runs the same
 * DRF scenarios through it and must give the same answer.
 *
 * <p>Resource vectors are maps from resource name to amount in Mesos units (cpus, mem in MB, ...),
 * kept in the order given. Amounts are rounded to thousandths, as Mesos's fixed-point scalars are.
 */
public final class Fairness {

  /** Below this, an amount counts as nothing (sums of doubles leave dust). */
  private static final double EPSILON = 1e-9;

  private Fairness() {
  }

  // ---- dominant resource fairness --------------------------------------------------------------

  /**
   * A framework running identical tasks, each needing {@code task}; its dominant share is divided by
   * {@code weight} when frameworks are ranked.
   */
  public record Framework(String name, Map<String, Double> task, double weight) {

    public Framework {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("A framework needs a name");
      }
      task = vector(task, "task of framework '" + name + "'");
      if (task.values().stream().noneMatch(v -> v > 0)) {
        throw new IllegalArgumentException("The task of framework '" + name + "' needs some resource");
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("The weight of framework '" + name + "' must be a positive number");
      }
    }

    public static Framework of(String name, Map<String, Double> task) {
      return new Framework(name, task, 1);
    }
  }

  /** What a framework holds: its tasks, their resources, and its (unweighted) dominant share. */
  public record Holding(String framework, int tasks, Map<String, Double> allocated, double dominantShare) {

    public Holding {
      allocated = vector(allocated, "allocation of '" + framework + "'");
    }
  }

  /**
   * One offer: {@code framework} was offered {@code offered} (everything still free), launched one
   * task in it or declined it; {@code holdings} is everyone's state after the step, in list order.
   */
  public record Step(int number, String framework, Map<String, Double> offered, boolean accepted,
                     List<Holding> holdings) {

    public Step {
      offered = vector(offered, "offer");
      holdings = List.copyOf(holdings);
    }

    public Holding holding(String name) {
      return find(holdings, name);
    }
  }

  /**
   * A whole progressive filling: the steps, what every framework holds at the end, and the share of
   * each resource in use ({@code used ÷ total}, 0 to 1).
   */
  public record Filling(Map<String, Double> totals, List<Step> steps, List<Holding> holdings,
                        Map<String, Double> utilization) {

    public Filling {
      totals = vector(totals, "totals");
      steps = List.copyOf(steps);
      holdings = List.copyOf(holdings);
      utilization = vector(utilization, "utilization");
    }

    public Holding holding(String name) {
      return find(holdings, name);
    }

    /** What no framework holds at the end. */
    public Map<String, Double> free() {
      Map<String, Double> free = new LinkedHashMap<>();
      totals.forEach((resource, total) -> free.put(resource, round(total
          - holdings.stream().mapToDouble(h -> h.allocated().getOrDefault(resource, 0.0)).sum())));
      return Collections.unmodifiableMap(free);
    }
  }

  /**
   * DRF by progressive filling, as in the seed documents and the DRF paper: repeatedly, the framework
   * with the lowest weighted dominant share (ties: the earlier in {@code frameworks}) is offered all
   * remaining resources and launches one task if its task fits; a framework whose task no longer fits
   * declines and drops out. Stops when every framework has dropped out or nothing is left.
   *
   * @param totals     the cluster, e.g. {@code {cpus=10, mem=20480}}
   * @param frameworks in the order they registered; each task may only name resources in totals
   */
  public static Filling progressiveFilling(Map<String, Double> totals, List<Framework> frameworks) {
    Map<String, Double> cluster = vector(totals, "totals");
    validate(cluster, frameworks);
    int n = frameworks.size();
    int[] tasks = new int[n];
    boolean[] out = new boolean[n];
    List<Step> steps = new ArrayList<>();
    while (true) {
      Map<String, Double> remaining = remaining(cluster, frameworks, tasks);
      int next = lowestShare(cluster, frameworks, tasks, out);
      if (next < 0 || isEmpty(remaining)) {
        break;
      }
      boolean fits = fits(frameworks.get(next).task(), remaining);
      if (fits) {
        tasks[next]++;
      } else {
        out[next] = true;
      }
      steps.add(new Step(steps.size() + 1, frameworks.get(next).name(), remaining, fits,
          holdings(cluster, frameworks, tasks)));
    }
    Map<String, Double> remaining = remaining(cluster, frameworks, tasks);
    Map<String, Double> utilization = new LinkedHashMap<>();
    cluster.forEach((resource, total) -> utilization.put(resource, (total - remaining.get(resource)) / total));
    return new Filling(cluster, steps, holdings(cluster, frameworks, tasks), utilization);
  }

  /** The largest, over the cluster's resources, of {@code allocated ÷ total}. */
  public static double dominantShare(Map<String, Double> totals, Map<String, Double> allocated) {
    double share = 0;
    for (Map.Entry<String, Double> total : totals.entrySet()) {
      if (total.getValue() > 0) {
        share = Math.max(share, allocated.getOrDefault(total.getKey(), 0.0) / total.getValue());
      }
    }
    return share;
  }

  /** The resource behind {@link #dominantShare} (the first one on a tie), or null when nothing is held. */
  public static String dominantResource(Map<String, Double> totals, Map<String, Double> allocated) {
    String dominant = null;
    double share = 0;
    for (Map.Entry<String, Double> total : totals.entrySet()) {
      double s = total.getValue() > 0 ? allocated.getOrDefault(total.getKey(), 0.0) / total.getValue() : 0;
      if (s > share + EPSILON) {
        share = s;
        dominant = total.getKey();
      }
    }
    return dominant;
  }

  private static void validate(Map<String, Double> cluster, List<Framework> frameworks) {
    if (cluster.values().stream().noneMatch(v -> v > 0)) {
      throw new IllegalArgumentException("The cluster needs some resource");
    }
    if (frameworks.isEmpty()) {
      throw new IllegalArgumentException("A scenario needs at least one framework");
    }
    Set<String> names = new HashSet<>();
    for (Framework f : frameworks) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("Framework '" + f.name() + "' is listed twice");
      }
      for (String resource : f.task().keySet()) {
        if (!cluster.containsKey(resource)) {
          throw new IllegalArgumentException("The task of framework '" + f.name() + "' needs '" + resource
              + "', which the cluster does not have");
        }
      }
    }
  }

  /** The framework still in the running with the lowest weighted dominant share, or -1. */
  private static int lowestShare(Map<String, Double> cluster, List<Framework> frameworks, int[] tasks,
                                 boolean[] out) {
    int best = -1;
    double bestShare = Double.POSITIVE_INFINITY;
    for (int i = 0; i < frameworks.size(); i++) {
      if (out[i]) {
        continue;
      }
      Framework f = frameworks.get(i);
      double share = dominantShare(cluster, allocated(f, tasks[i])) / f.weight();
      // Strictly lower (beyond rounding dust): an equal share leaves the earlier framework first.
      if (share < bestShare - EPSILON) {
        best = i;
        bestShare = share;
      }
    }
    return best;
  }

  private static List<Holding> holdings(Map<String, Double> cluster, List<Framework> frameworks, int[] tasks) {
    List<Holding> holdings = new ArrayList<>(frameworks.size());
    for (int i = 0; i < frameworks.size(); i++) {
      Framework f = frameworks.get(i);
      Map<String, Double> allocated = allocated(f, tasks[i]);
      holdings.add(new Holding(f.name(), tasks[i], allocated, dominantShare(cluster, allocated)));
    }
    return holdings;
  }

  private static Map<String, Double> allocated(Framework f, int tasks) {
    Map<String, Double> allocated = new LinkedHashMap<>();
    f.task().forEach((resource, amount) -> allocated.put(resource, round(amount * tasks)));
    return allocated;
  }

  private static Map<String, Double> remaining(Map<String, Double> cluster, List<Framework> frameworks,
                                               int[] tasks) {
    Map<String, Double> remaining = new LinkedHashMap<>(cluster);
    for (int i = 0; i < frameworks.size(); i++) {
      allocated(frameworks.get(i), tasks[i]).forEach((resource, amount) ->
          remaining.merge(resource, -amount, (a, b) -> round(a + b)));
    }
    return remaining;
  }

  private static boolean fits(Map<String, Double> task, Map<String, Double> available) {
    return task.entrySet().stream()
        .allMatch(need -> need.getValue() <= available.getOrDefault(need.getKey(), 0.0) + EPSILON);
  }

  private static boolean isEmpty(Map<String, Double> resources) {
    return resources.values().stream().allMatch(v -> v <= EPSILON);
  }

  // ---- max-min fairness ------------------------------------------------------------------------

  /** A user of one resource and how much of it they want. */
  public record User(String name, double demand) {

    public User {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("A user needs a name");
      }
      if (!(demand >= 0) || Double.isInfinite(demand)) {
        throw new IllegalArgumentException("The demand of '" + name + "' must be a number >= 0");
      }
    }
  }

  /**
   * One round of water-filling: {@code available} was split equally among the {@code unsatisfied}
   * users ({@code equalShare} each), each taking at most what they still needed ({@code granted});
   * {@code allocations} are the totals after the round, in user order, and {@code left} is what the
   * users who needed less than their share left for the next round.
   */
  public record Round(int number, double available, List<String> unsatisfied, double equalShare,
                      Map<String, Double> granted, Map<String, Double> allocations, double left) {

    public Round {
      unsatisfied = List.copyOf(unsatisfied);
      granted = Collections.unmodifiableMap(new LinkedHashMap<>(granted));
      allocations = Collections.unmodifiableMap(new LinkedHashMap<>(allocations));
    }
  }

  /** A whole water-filling: its rounds, each user's final allocation and what nobody needed. */
  public record WaterFilling(double capacity, List<User> users, List<Round> rounds,
                             Map<String, Double> allocations, double unallocated) {

    public WaterFilling {
      users = List.copyOf(users);
      rounds = List.copyOf(rounds);
      allocations = Collections.unmodifiableMap(new LinkedHashMap<>(allocations));
    }
  }

  /**
   * Max-min fairness on one resource by water-filling, as the seed document runs it: split what is
   * left equally among the users whose demand is not met, none taking more than it still needs, and
   * repeat with what those users left over; stop when nothing is left or every demand is met. The
   * seed sorts users by demand first; the rounds do not depend on that order, so users keep theirs.
   */
  public static WaterFilling maxMin(double capacity, List<User> users) {
    if (!(capacity >= 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException("The capacity must be a number >= 0");
    }
    Set<String> names = new HashSet<>();
    for (User u : users) {
      if (!names.add(u.name())) {
        throw new IllegalArgumentException("User '" + u.name() + "' is listed twice");
      }
    }
    Map<String, Double> allocations = new LinkedHashMap<>();
    users.forEach(u -> allocations.put(u.name(), 0.0));
    List<Round> rounds = new ArrayList<>();
    double available = capacity;
    while (available > EPSILON) {
      List<User> unsatisfied = users.stream()
          .filter(u -> u.demand() - allocations.get(u.name()) > EPSILON)
          .toList();
      if (unsatisfied.isEmpty()) {
        break;
      }
      double equalShare = available / unsatisfied.size();
      Map<String, Double> granted = new LinkedHashMap<>();
      double given = 0;
      for (User u : unsatisfied) {
        double grant = Math.min(equalShare, u.demand() - allocations.get(u.name()));
        granted.put(u.name(), grant);
        allocations.merge(u.name(), grant, Double::sum);
        given += grant;
      }
      double left = available - given;
      left = left > EPSILON ? left : 0;
      rounds.add(new Round(rounds.size() + 1, available, unsatisfied.stream().map(User::name).toList(),
          equalShare, granted, allocations, left));
      available = left;
    }
    return new WaterFilling(capacity, users, rounds, allocations, available);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Mesos scalars are fixed point with three decimals. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** An unmodifiable, order-keeping copy of a resource vector with finite amounts >= 0. */
  static Map<String, Double> vector(Map<String, Double> resources, String what) {
    Map<String, Double> copy = new LinkedHashMap<>();
    resources.forEach((name, amount) -> {
      if (name == null || name.isBlank() || amount == null || !(amount >= 0) || amount.isInfinite()) {
        throw new IllegalArgumentException("Bad amount in the " + what + ": " + name + "=" + amount);
      }
      copy.put(name, amount);
    });
    return Collections.unmodifiableMap(copy);
  }

  private static Holding find(List<Holding> holdings, String name) {
    return holdings.stream().filter(h -> h.framework().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No framework '" + name + "'"));
  }
}
