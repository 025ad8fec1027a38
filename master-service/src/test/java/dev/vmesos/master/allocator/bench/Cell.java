package dev.vmesos.master.allocator.bench;

/**
 * One row of the benchmark table: what runs, on which shape, for how many JMH iterations.
 *
 * @param kind       the benchmark
 * @param agents     agents in the shape (quota: small-quota roles)
 * @param frameworks frameworks in the shape (quota: large-quota roles)
 * @param round      quota only: which round is timed (1 or 2)
 * @param warmups    warm-up iterations
 * @param measured   measured iterations: allocation rounds, fresh clusters, or fresh allocators
 */
record Cell(Kind kind, int agents, int frameworks, int round, int warmups, int measured) {

  enum Kind { DECLINE_OFFERS, QUOTA, ADD_AGENTS }

  static Cell declineOffers(int agents, int frameworks, int warmups, int rounds) {
    return new Cell(Kind.DECLINE_OFFERS, agents, frameworks, 0, warmups, rounds);
  }

  static Cell quota(int round, int warmups, int measured) {
    return new Cell(Kind.QUOTA, QuotaCluster.MESOS_SMALL_ROLES, QuotaCluster.MESOS_LARGE_ROLES, round, warmups, measured);
  }

  static Cell addAgents(int agents, int frameworks, int warmups, int measured) {
    return new Cell(Kind.ADD_AGENTS, agents, frameworks, 0, warmups, measured);
  }

  /** "DeclineOffers 10k × 1k", "LargeAndSmallQuota 3k, round 1", "addAgent 10k (1k fw)". */
  String label() {
    return switch (kind) {
      case DECLINE_OFFERS -> "DeclineOffers " + count(agents) + " × " + count(frameworks);
      case QUOTA -> "LargeAndSmallQuota " + count(agents + frameworks) + ", round " + round;
      case ADD_AGENTS -> "addAgent " + count(agents) + " (" + count(frameworks) + " fw)";
    };
  }

  /** The progress line's description: "10k agents × 1k frameworks, rounds 0–442". */
  String description() {
    return switch (kind) {
      case DECLINE_OFFERS -> count(agents) + " agents × " + count(frameworks) + " frameworks, rounds 0–"
          + (measured - 1) + " (warm-up " + warmups + " rounds on a smaller cluster)";
      case QUOTA -> "quota: " + count(agents + frameworks) + " roles = frameworks, "
          + (agents / 5 + frameworks * 5) + " agents, round " + round + " on " + measured + " fresh clusters";
      case ADD_AGENTS -> "addAgent × " + count(agents) + " with " + count(frameworks) + " frameworks, "
          + measured + " fresh allocators";
    };
  }

  /** 1000 → "1k", 2500 → "2.5k", 50 → "50". */
  static String count(int n) {
    if (n < 1000) {
      return Integer.toString(n);
    }
    return n % 1000 == 0 ? n / 1000 + "k" : String.format(java.util.Locale.ROOT, "%.1fk", n / 1000.0);
  }
}
