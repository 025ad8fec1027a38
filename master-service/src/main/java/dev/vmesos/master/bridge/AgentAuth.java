package dev.vmesos.master.bridge;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.FlagException;
import java.util.Optional;

/**
 * How a master admits agents' bridge connections: {@code --authenticate_agents} requires every
 * agent to present one of the {@code --credentials}, as Mesos's master does. Without it, a
 * connection that presents a credential must still present a valid one, and one that presents
 * none is admitted without a principal.
 */
public record AgentAuth(boolean required, Optional<Credentials> credentials) {

  public AgentAuth {
    if (required && credentials.isEmpty()) {
      throw new FlagException("Flag '--authenticate_agents' needs '--credentials': the agents' credentials");
    }
  }

  public static AgentAuth none() {
    return new AgentAuth(false, Optional.empty());
  }
}
