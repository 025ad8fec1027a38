package dev.vmesos.master.state;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents the master knows, each in one state: registered (with when it was last heard from),
 * unreachable (since when), or recovering (of a recovered registry, not re-registered yet). Moves
 * between states happen here; what follows from them (offers, tasks, events) is the master's part.
 */
final class AgentBook {

  /** An agent admitted again, and where it came back from. */
  record Readmitted(Agent agent, boolean recovered, boolean returning) {
  }

  private final String masterId;
  private final Clock clock;
  private final Duration pingInterval;
  private final int maxPingTimeouts;
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  /** When each registered agent was last heard from (registration, ping or update). */
  private final Map<String, Instant> lastSeen = new HashMap<>();
  /** Agents that stopped answering, until they re-register. */
  private final Map<String, Agent> unreachable = new LinkedHashMap<>();
  /** When each unreachable agent was marked so, in nanoseconds since the epoch (Mesos's unreachable_time). */
  private final Map<String, Long> unreachableSince = new HashMap<>();
  /**
   * Agents of a recovered registry that have not re-registered with this leader yet: no offers, not
   * in {@link #registered()}; their tasks may still run, so they are never reported lost or gone.
   */
  private final Map<String, Agent> recovering = new LinkedHashMap<>();
  private long nextAgentId;

  AgentBook(String masterId, Clock clock, Duration pingInterval, int maxPingTimeouts) {
    this.masterId = masterId;
    this.clock = clock;
    this.pingInterval = pingInterval;
    this.maxPingTimeouts = maxPingTimeouts;
  }

  /** Registers a new agent under a new id; returns it. */
  Agent register(AgentInfo registering) {
    String id = masterId + "-S" + nextAgentId++;
    AgentInfo info = registering.toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
    Agent agent = new Agent(id, info, OfferResources.fromAgent(info.getResourcesList()));
    agents.put(id, agent);
    lastSeen.put(id, clock.instant());
    return agent;
  }

  /** Registers an agent under its own id again, wherever it was (registered, unreachable, recovering). */
  Readmitted readmit(AgentInfo info) {
    String id = info.getId().getValue();
    boolean recovered = recovering.remove(id) != null;
    boolean returning = unreachable.remove(id) != null;
    unreachableSince.remove(id);
    Agent agent = new Agent(id, info, OfferResources.fromAgent(info.getResourcesList()));
    agents.put(id, agent);
    lastSeen.put(id, clock.instant());
    return new Readmitted(agent, recovered, returning);
  }

  /** Registered agents by id (live). */
  Map<String, Agent> registered() {
    return agents;
  }

  boolean isRegistered(String agentId) {
    return agents.containsKey(agentId);
  }

  Agent get(String agentId) {
    return agents.get(agentId);
  }

  void updateTotal(String agentId, Resources total) {
    Agent agent = agents.get(agentId);
    agents.put(agentId, new Agent(agentId, agent.info(), total));
  }

  /** A message from a registered agent: it is alive. */
  void heardFrom(String agentId) {
    if (lastSeen.containsKey(agentId)) {
      lastSeen.put(agentId, clock.instant());
    }
  }

  /** A ping: whether the agent is registered (and if so, alive). */
  boolean ping(String agentId) {
    boolean registered = agents.containsKey(agentId);
    if (registered) {
      lastSeen.put(agentId, clock.instant());
    }
    return registered;
  }

  /** The registered agents that missed {@code max_agent_ping_timeouts} pings in a row. */
  List<String> missedPings() {
    Instant deadline = clock.instant().minus(pingInterval.multipliedBy(maxPingTimeouts));
    List<String> silent = new ArrayList<>();
    for (String agentId : agents.keySet()) {
      Instant seen = lastSeen.get(agentId);
      if (seen != null && seen.isBefore(deadline)) {
        silent.add(agentId);
      }
    }
    return silent;
  }

  int maxPingTimeouts() {
    return maxPingTimeouts;
  }

  /** A registered agent stopped answering: unreachable since {@code nanos}; returns it. */
  Agent markUnreachable(String agentId, long nanos) {
    Agent agent = agents.remove(agentId);
    lastSeen.remove(agentId);
    unreachable.put(agentId, agent);
    unreachableSince.put(agentId, nanos);
    return agent;
  }

  /** Unreachable agents by id (live). */
  Map<String, Agent> unreachable() {
    return unreachable;
  }

  boolean isUnreachable(String agentId) {
    return unreachable.containsKey(agentId);
  }

  /** When an unreachable agent became so (nanoseconds since the epoch); null if unknown. */
  Long unreachableSince(String agentId) {
    return unreachableSince.get(agentId);
  }

  /** An admitted agent of a recovered registry: recovering until it re-registers. */
  void recovered(Agent agent) {
    recovering.put(agent.id(), agent);
  }

  /** An unreachable agent of a recovered registry: it stays so. */
  void recoveredUnreachable(Agent agent, long nanos) {
    unreachable.put(agent.id(), agent);
    unreachableSince.put(agent.id(), nanos);
  }

  /** Recovering agents by id, read-only. */
  Map<String, Agent> recovering() {
    return Collections.unmodifiableMap(recovering);
  }

  /** A recovering agent did not re-register in time: unreachable since {@code nanos}. */
  void giveUpOn(Agent agent, long nanos) {
    recovering.remove(agent.id());
    unreachable.put(agent.id(), agent);
    unreachableSince.put(agent.id(), nanos);
  }

  /**
   * Whether a task the master does not know may still run on an agent of the recovered registry
   * that has not re-registered: the agent named is one, or none is named and one is left.
   */
  boolean mayRunOnRecoveringAgent(String agentId) {
    return agentId == null || agentId.isEmpty() ? !recovering.isEmpty() : recovering.containsKey(agentId);
  }
}
