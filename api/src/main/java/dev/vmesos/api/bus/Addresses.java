package dev.vmesos.api.bus;

/**
 * Event-bus addresses shared by masters and agents. Only the leading master consumes
 * {@link #MASTER_LEADER}; each agent consumes its own {@link #agent(String)} address, through the
 * master its bridge connection reaches.
 */
public final class Addresses {

  /** Requests for the leading master: registration, status updates, pings. */
  public static final String MASTER_LEADER = "vmesos.master.leader";

  /**
   * Published by a master when it becomes the leader ({@code LeaderElected}): every agent hears it
   * and re-registers with the new leader at once, after a short random delay.
   */
  public static final String AGENTS_LEADER_ELECTED = "vmesos.agents.leader-elected";

  /**
   * Header on every message a leading master sends or replies to an agent: its leadership epoch
   * (the fencing token of its election, a decimal number). An agent refuses a message whose epoch is
   * lower than the highest it has seen, so a deposed leader that wakes up cannot launch or kill.
   */
  public static final String EPOCH_HEADER = "vmesos-leader-epoch";

  /** Masters' peer-to-peer requests (registry copies on disk), one address per master node id. */
  private static final String MASTER_PEER_PREFIX = "vmesos.master.peer.";

  private static final String AGENT_PREFIX = "vmesos.agent.";

  private Addresses() {
  }

  /** The address a master consumes for its peers, by its cluster node id. */
  public static String masterPeer(String nodeId) {
    return MASTER_PEER_PREFIX + nodeId;
  }

  /**
   * Whether masters push an address's messages to every agent connected to them, without the agent
   * registering it (one consumer per master rather than one per agent).
   */
  public static boolean pushedToAgents(String address) {
    return AGENTS_LEADER_ELECTED.equals(address);
  }

  /** The agent id in an agent's address, or null when it is not one. */
  public static String agentIdOf(String address) {
    return address != null && address.startsWith(AGENT_PREFIX) && address.length() > AGENT_PREFIX.length()
        ? address.substring(AGENT_PREFIX.length()) : null;
  }

  /** The address an agent consumes once it knows its id. */
  public static String agent(String agentId) {
    return AGENT_PREFIX + agentId;
  }
}
