package dev.vmesos.master.allocator.fairness;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.Allocation;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.FrameworkProfile;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.Holding;
import dev.vmesos.master.allocator.fairness.Fairness.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a DRF scenario through the real {@link HierarchicalAllocator}, the way a master and its
 * frameworks would: one agent holds the whole cluster; each round the allocator offers the agent's
 * free resources to one framework, which launches one task if its task fits (and gives the rest of
 * the offer back unfiltered) or declines the whole offer with a filter that outlasts the simulation.
 * It stops when a round offers nothing. The trace has the shape of {@link
 * Fairness#progressiveFilling}'s, with the offers, their order and the dominant shares taken from
 * the allocator, so the two can be compared.
 *
 * <p>One known difference: on equal shares the allocator prefers the framework with fewer
 * allocations (offers), then the smaller id, as Mesos's sorter does, where progressive filling
 * prefers the earlier framework in the list.
 */
public final class Simulation {

  public static final String AGENT_ID = "agent-1";

  /** The clock never moves, so a declined framework is never offered the agent again. */
  static final Duration DECLINE_FILTER = Duration.ofDays(1);

  /** A stuck allocator must not hang the command. */
  private static final int MAX_STEPS = 100_000;

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private Simulation() {
  }

  /** Runs the scenario with drf role and framework sorters. */
  public static Filling run(Scenario.Drf scenario) {
    return run(scenario, AllocatorConfig.defaults());
  }

  /**
   * Runs the scenario with the given allocator setup; when each framework has its own role, the
   * frameworks' weights become those roles' weights.
   */
  public static Filling run(Scenario.Drf scenario, AllocatorConfig config) {
    List<Framework> frameworks = scenario.frameworks();
    if (scenario.rolePerFramework()) {
      Map<String, Double> weights = new LinkedHashMap<>(config.weights());
      frameworks.forEach(f -> weights.put(scenario.role(f), f.weight()));
      config = config.withWeights(weights);
    }
    HierarchicalAllocator allocator = new HierarchicalAllocator(config, Clock.fixed(START, ZoneOffset.UTC));
    Map<String, Framework> byId = new LinkedHashMap<>();
    Map<String, Integer> tasks = new LinkedHashMap<>();
    for (Framework f : frameworks) {
      allocator.addFramework(f.name(), FrameworkProfile.of(scenario.role(f)));
      byId.put(f.name(), f);
      tasks.put(f.name(), 0);
    }
    allocator.addAgent(AGENT_ID, resources(scenario.totals()), List.of());

    List<Step> steps = new ArrayList<>();
    List<Allocation> round;
    while (!(round = allocator.allocate()).isEmpty()) {
      for (Allocation offer : round) {
        if (steps.size() >= MAX_STEPS) {
          throw new IllegalStateException("The allocator still makes offers after " + MAX_STEPS + " steps");
        }
        Framework f = byId.get(offer.frameworkId());
        Resources task = resources(f.task());
        boolean fits = offer.resources().contains(task);
        if (fits) {
          tasks.merge(f.name(), 1, Integer::sum);
          Resources rest = offer.resources().minus(task);
          if (!rest.isEmpty()) {
            allocator.recover(f.name(), offer.agentId(), offer.role(), rest, Duration.ZERO);
          }
        } else {
          allocator.recover(f.name(), offer.agentId(), offer.role(), offer.resources(), DECLINE_FILTER);
        }
        steps.add(new Step(steps.size() + 1, f.name(), vector(scenario.totals(), offer.resources()), fits,
            holdings(scenario, tasks, allocator)));
      }
    }

    List<Holding> holdings = holdings(scenario, tasks, allocator);
    Map<String, Double> utilization = new LinkedHashMap<>();
    scenario.totals().forEach((resource, total) -> utilization.put(resource,
        holdings.stream().mapToDouble(h -> h.allocated().getOrDefault(resource, 0.0)).sum() / total));
    return new Filling(scenario.totals(), steps, holdings, utilization);
  }

  /** What each framework's launched tasks hold, with the dominant share the allocator sees. */
  private static List<Holding> holdings(Scenario.Drf scenario, Map<String, Integer> tasks,
                                        HierarchicalAllocator allocator) {
    List<Holding> holdings = new ArrayList<>();
    for (Framework f : scenario.frameworks()) {
      int n = tasks.get(f.name());
      Map<String, Double> allocated = new LinkedHashMap<>();
      f.task().forEach((resource, amount) -> allocated.put(resource, Fairness.round(amount * n)));
      holdings.add(new Holding(f.name(), n, allocated, allocator.dominantShare(f.name())));
    }
    return holdings;
  }

  private static Resources resources(Map<String, Double> vector) {
    return ResourcesParser.parse(Units.mesosText(vector));
  }

  /** The offer's scalars over the scenario's resources, absent ones as 0. */
  private static Map<String, Double> vector(Map<String, Double> totals, Resources resources) {
    Map<String, Double> v = new LinkedHashMap<>();
    totals.keySet().forEach(resource -> v.put(resource, resources.scalar(resource)));
    return v;
  }
}
