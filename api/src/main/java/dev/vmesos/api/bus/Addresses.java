package dev.vmesos.api.bus;

/**
 * Event-bus addresses shared by masters and agents. Only the leading master consumes
 * {@link #MASTER_LEADER}; each agent consumes its own {@link #agent(String)} address.
 */
public final class Addresses {

  /** Requests for the leading master: registration, status updates, pings. */
  public static final String MASTER_LEADER = "vmesos.master.leader";

  private static final String AGENT_PREFIX = "vmesos.agent.";

  private Addresses() {
  }

  /** The address an agent consumes once it knows its id. */
  public static String agent(String agentId) {
    return AGENT_PREFIX + agentId;
  }
}
