package dev.vmesos.master.allocator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read-only views of the allocator's state for the vmesos extensions (shares over time, why a
 * framework waits): plain data, copied out so that callers never hold the allocator's own objects.
 */
public final class Holds {

  private Holds() {
  }

  /** A role's share as the role sorter ranks it (dominant share ÷ weight under DRF). */
  public record RoleShare(String role, double weight, double share) {
  }

  /** A framework's share within one of its roles, as that role's framework sorter ranks it. */
  public record FrameworkShare(String frameworkId, String role, double share) {
  }

  /**
   * What holds resources back from one framework.
   *
   * @param active              connected (a disconnected framework gets no offers)
   * @param suppressedRoles     roles it suppressed
   * @param filters             agents it declined whose filters are still in force
   * @param soonestFilterExpiry when the first of those filters expires; null when there are none
   * @param unreservedAvailable free unreserved quantities over all agents (the pool guarantees are kept in)
   * @param roles               per role it subscribed to
   */
  public record Framework(boolean active, Set<String> suppressedRoles, int filters, Instant soonestFilterExpiry,
                          Map<String, Double> unreservedAvailable, List<Role> roles) {
  }

  /**
   * One role of a framework.
   *
   * @param quota             the role's quota
   * @param allocated         what the role holds (offered or allocated), by resource name
   * @param othersUnmet       the unmet guarantees of all other roles together, by resource name
   * @param guaranteedOthers  the other roles with unmet guarantees
   */
  public record Role(String role, Quota quota, Map<String, Double> allocated, Map<String, Double> othersUnmet,
                     List<String> guaranteedOthers) {
  }
}
