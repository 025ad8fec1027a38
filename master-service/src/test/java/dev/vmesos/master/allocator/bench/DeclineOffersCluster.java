package dev.vmesos.master.allocator.bench;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.Allocation;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.FrameworkProfile;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster of Mesos's {@code HierarchicalAllocator_BENCHMARK_Test.DeclineOffers}: {@code agents}
 * agents of {@code cpus:24;mem:4096;disk:4096;ports:[31000-32000]}, each already running 16 tasks of
 * framework {@code i % frameworks} ({@link #USED}); all frameworks in role {@code "*"}, as upstream.
 * Every offer is declined before the next round with a filter that never expires, so round {@code r}
 * offers each agent to a framework that has not declined it yet: rounds 0 to F-1 make one offer per
 * agent, later rounds make none, and the filters to skip grow by one per agent each round.
 *
 * <p>The benchmark times {@link #allocate()} alone; {@link #declineOffers()} runs between rounds.
 */
final class DeclineOffersCluster {

  /** Mesos's benchmark registers its frameworks in the default role. */
  static final String ROLE = "*";
  /** Mesos declines with {@code refuse_seconds = INT_MAX}; a year outlasts any run. */
  static final Duration REFUSE = Duration.ofDays(365);
  /** Mesos advances its paused clock by the allocation interval to trigger each round. */
  static final Duration ALLOCATION_INTERVAL = Duration.ofSeconds(1);

  static final Resources AGENT = ResourcesParser.parse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");
  /**
   * Upstream: {@code cpus:16;mem:2014;disk:1024} plus ports [31000-32000] fragmented into 16 ranges
   * (15 single ports every other port from 31000, then 31030-32000), "16 tasks, each 1 cpu and a port".
   */
  static final Resources USED = ResourcesParser.parse("cpus:16;mem:2014;disk:1024;ports:[" + fragmentedPorts() + "]");

  private final HierarchicalAllocator allocator;
  private final MutableClock clock = new MutableClock();
  private final int agents;
  private final int frameworks;
  private List<Allocation> offers = List.of();
  private int roundsRun;
  private long declined;

  private DeclineOffersCluster(int agents, int frameworks) {
    this.agents = agents;
    this.frameworks = frameworks;
    this.allocator = new HierarchicalAllocator(AllocatorConfig.defaults(), clock);
    addFrameworks(allocator, frameworks);
  }

  /** Adds the frameworks, then the agents with their used resources, as Mesos's benchmark does. */
  static DeclineOffersCluster build(int agents, int frameworks) {
    DeclineOffersCluster cluster = new DeclineOffersCluster(agents, frameworks);
    new AgentFeed(agents, frameworks).addTo(cluster.allocator);
    return cluster;
  }

  /** A fresh allocator with the shape's frameworks and no agents yet. */
  static HierarchicalAllocator allocatorWithFrameworks(int frameworks) {
    HierarchicalAllocator allocator = new HierarchicalAllocator(AllocatorConfig.defaults(), new MutableClock());
    addFrameworks(allocator, frameworks);
    return allocator;
  }

  private static void addFrameworks(HierarchicalAllocator allocator, int frameworks) {
    for (int f = 0; f < frameworks; f++) {
      allocator.addFramework(frameworkId(f), FrameworkProfile.of(ROLE));
    }
  }

  /** Declines every offer of the previous round with {@link #REFUSE}; returns how many. */
  int declineOffers() {
    for (Allocation offer : offers) {
      allocator.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), REFUSE);
    }
    int count = offers.size();
    declined += count;
    offers = List.of();
    clock.advance(ALLOCATION_INTERVAL);
    return count;
  }

  /** One allocation round: the only thing the benchmark times. */
  List<Allocation> allocate() {
    offers = allocator.allocate();
    roundsRun++;
    return offers;
  }

  List<Allocation> offers() {
    return offers;
  }

  /** Rounds run so far; the next round's number. */
  int roundsRun() {
    return roundsRun;
  }

  /** Offers declined so far: the filters the next round has to skip. */
  long declined() {
    return declined;
  }

  int agents() {
    return agents;
  }

  int frameworks() {
    return frameworks;
  }

  static String agentId(int i) {
    return "agent" + i;
  }

  static String frameworkId(int f) {
    return "framework" + f;
  }

  /** {@code 31000-31000,31002-31002,...,31028-31028,31030-32000}: 16 ranges, as upstream's fragment(). */
  private static String fragmentedPorts() {
    List<String> ranges = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      int port = 31000 + 2 * i;
      ranges.add(port + "-" + port);
    }
    ranges.add("31030-32000");
    return String.join(",", ranges);
  }

  /**
   * The agents of the shape with their ids and used allocations built ahead, so that timing {@link
   * #addTo} measures {@code addAgent} alone.
   */
  static final class AgentFeed {
    private final String[] ids;
    private final List<List<Allocation>> used;

    AgentFeed(int agents, int frameworks) {
      ids = new String[agents];
      used = new ArrayList<>(agents);
      for (int i = 0; i < agents; i++) {
        ids[i] = agentId(i);
        used.add(List.of(new Allocation(frameworkId(i % frameworks), ids[i], ROLE, USED)));
      }
    }

    void addTo(HierarchicalAllocator allocator) {
      for (int i = 0; i < ids.length; i++) {
        allocator.addAgent(ids[i], AGENT, used.get(i));
      }
    }

    int size() {
      return ids.length;
    }
  }
}
