package dev.vmesos.master.extensions;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Master;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every registered agent's free resources (neither offered nor used by tasks) as the allocator holds
 * them, read once per request. The scalars a role may be offered are computed per role only on
 * agents with reservations; most agents have none, and share one unreserved shape for every role.
 */
final class AgentFree {

  record One(String agentId, String hostname, Resources free, Map<String, Double> scalars,
             Map<String, Double> unreserved, boolean reserved) {

    /** The scalars {@code role} may be offered here: unreserved ones, and those reserved to it. */
    Map<String, Double> forRole(String role) {
      return reserved ? free.allocatableTo(role).scalars() : unreserved;
    }
  }

  private AgentFree() {
  }

  /** The registered agents the allocator knows, by agent id. */
  static List<One> of(Master master) {
    List<One> agents = new ArrayList<>();
    for (Agent agent : new TreeMap<>(master.agents()).values()) {
      Resources free = master.allocator().agentFree(agent.id());
      if (free == null) {
        continue;
      }
      Resources reservedPart = free.isEmpty() ? free : free.reserved();
      Map<String, Double> scalars = free.scalars();
      agents.add(new One(agent.id(), agent.info().getHostname(), free, scalars,
          reservedPart.isEmpty() ? scalars : free.unreserved().scalars(), !reservedPart.isEmpty()));
    }
    return agents;
  }
}
