package dev.vmesos.master.extensions;

import dev.vmesos.master.allocator.Holds;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.OfferUse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET_FRAGMENTATION: free resources (neither offered nor used) that no subscribed framework could
 * use, per agent and in total. The frameworks that count are those connected and not suppressed for
 * every role. A framework could use an agent's free resources, as far as its role may be offered
 * them, unless what it has shown of its needs rules it out:
 * <ul>
 *   <li>they do not hold the shape of the last task (or task group) it launched, on every resource
 *       that shape names; or</li>
 *   <li>it declined since it last used an offer, and they hold no more of any resource than it then
 *       declined; or</li>
 *   <li>they do not meet {@code --min_allocatable_resources}, so they are never offered at all.</li>
 * </ul>
 * A framework that has neither launched nor declined could use anything offered. An agent no
 * framework could use has all its free scalars unusable, otherwise none: once one framework can
 * launch there, the rest of its free resources are not stranded by shape alone. With no such
 * framework at all, every free resource is unusable: nobody could take it.
 */
final class FragmentationReport {

  private final Master master;
  private final List<Map<String, Double>> minAllocatable;

  FragmentationReport(Master master, List<Map<String, Double>> minAllocatable) {
    this.master = master;
    this.minAllocatable = minAllocatable;
  }

  /** A framework's role and what it has shown of its needs. */
  private record Taker(String role, Map<String, Double> launchShape, Map<String, Double> declined) {
    boolean couldUse(Map<String, Double> free) {
      if (Shapes.isEmpty(free)) {
        return false;
      }
      if (launchShape != null && !Shapes.fits(free, launchShape)) {
        return false;
      }
      return declined == null || Shapes.exceeds(free, declined);
    }
  }

  JsonObject build() {
    List<Taker> takers = takers();
    Map<String, Double> totalFree = new TreeMap<>();
    Map<String, Double> totalUnusable = new TreeMap<>();
    JsonArray agents = new JsonArray();
    for (AgentFree.One agent : AgentFree.of(master)) {
      boolean usable = false;
      for (Taker taker : takers) {
        Map<String, Double> free = agent.forRole(taker.role());
        if (offerable(free) && taker.couldUse(free)) {
          usable = true;
          break;
        }
      }
      Map<String, Double> free = new TreeMap<>(agent.scalars());
      Map<String, Double> unusable = new TreeMap<>();
      boolean stranded = !usable;
      free.forEach((name, value) -> unusable.put(name, stranded ? value : 0.0));
      free.forEach((name, value) -> totalFree.merge(name, value, Double::sum));
      unusable.forEach((name, value) -> totalUnusable.merge(name, value, Double::sum));
      agents.add(new JsonObject().put("agent_id", agent.agentId()).put("hostname", agent.hostname())
          .put("free", json(free)).put("unusable", json(unusable)));
    }
    return new JsonObject()
        .put("total", new JsonObject().put("free", json(totalFree)).put("unusable", json(totalUnusable)))
        .put("agents", agents);
  }

  private List<Taker> takers() {
    List<Taker> takers = new ArrayList<>();
    for (Framework framework : master.frameworks().values()) {
      if (!framework.connected()) {
        continue;
      }
      Holds.Framework holds = master.allocator().holds(framework.id(), java.time.Instant.EPOCH);
      if (holds == null || !holds.active()) {
        continue;
      }
      OfferUse.Entry use = master.offerUse().of(framework.id());
      Map<String, Double> launch = use == null ? null : use.launchShape();
      Map<String, Double> declined = use != null && use.declineShape() != null
          && (use.lastUsed() == null || !use.lastDeclined().isBefore(use.lastUsed())) ? use.declineShape() : null;
      for (Holds.Role role : holds.roles()) {
        if (!holds.suppressedRoles().contains(role.role())) {
          takers.add(new Taker(role.role(), launch, declined));
        }
      }
    }
    return takers;
  }

  /** Whether the allocator would offer these at all ({@code --min_allocatable_resources}). */
  private boolean offerable(Map<String, Double> free) {
    if (minAllocatable.isEmpty()) {
      return true;
    }
    for (Map<String, Double> alternative : minAllocatable) {
      if (Shapes.fits(free, alternative)) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject json(Map<String, Double> quantities) {
    JsonObject json = new JsonObject();
    new TreeMap<>(quantities).forEach((name, value) -> json.put(name, round(value)));
    return json;
  }

  /** Sums of scalars to Mesos's three decimals, so that 0.1 + 0.2 shows as 0.3. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
