package dev.vmesos.master.extensions;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.master.allocator.Holds;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.OfferUse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * GET_PENDING: per framework, how long since it last used an offer, and what holds resources back
 * from it now. Computed on request from the allocator's and master's state (O(agents × roles) for
 * the agent checks, O(offers) for the outstanding ones); the allocation path only keeps
 * {@link OfferUse}. Each reason names its cause:
 * <ul>
 *   <li>{@code SUPPRESSED}: it suppressed offers for some or all of its roles;</li>
 *   <li>{@code DECLINE_FILTERS}: agents it declined are filtered from its offers until their filters expire;</li>
 *   <li>{@code QUOTA_LIMIT}: a role of it holds its quota limit of a resource, or has less left under it than
 *       the framework's last task needed;</li>
 *   <li>{@code OTHER_ROLES_GUARANTEES}: free unreserved resources are kept for other roles' unmet
 *       guarantees (all of them, or so much that less than its last task needed is left);</li>
 *   <li>{@code NO_AGENT_BIG_ENOUGH}: no agent has its last task's shape free, or, after it declined, no
 *       agent has more of any resource free than what it last declined;</li>
 *   <li>{@code OFFERS_OUTSTANDING}: other frameworks hold outstanding offers (resources not free until they
 *       answer);</li>
 *   <li>{@code NONE}: nothing of the above.</li>
 * </ul>
 */
final class PendingReport {

  private final Master master;
  private final Clock clock;

  PendingReport(Master master, Clock clock) {
    this.master = master;
    this.clock = clock;
  }

  private record Reason(String kind, String message) {
    JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("message", message);
    }
  }

  /** Outstanding offers of one framework: how many and their scalars in all. */
  private static final class Outstanding {
    int count;
    final Map<String, Double> scalars = new HashMap<>();
  }

  JsonObject build(Predicate<Framework> visible) {
    Instant now = clock.instant();
    Map<String, Outstanding> outstanding = outstandingOffers();
    List<AgentFree.One> agents = null;
    JsonArray frameworks = new JsonArray();
    for (Framework framework : new TreeMap<>(master.frameworks()).values()) {
      if (!visible.test(framework)) {
        continue;
      }
      Holds.Framework holds = master.allocator().holds(framework.id(), now);
      if (holds == null) {
        continue;
      }
      if (agents == null) {
        agents = AgentFree.of(master);
      }
      OfferUse.Entry use = master.offerUse().of(framework.id());
      List<String> roles = new ArrayList<>();
      holds.roles().forEach(r -> roles.add(r.role()));
      boolean suppressed = !roles.isEmpty() && holds.suppressedRoles().containsAll(roles);
      List<Reason> reasons = reasons(framework, holds, use, roles, suppressed, agents, outstanding, now);
      JsonObject json = new JsonObject()
          .put("framework_id", framework.id())
          .put("name", framework.info().getName())
          .put("role", framework.role())
          .put("roles", new JsonArray(new ArrayList<>(framework.roles())))
          .put("connected", framework.connected())
          .put("suppressed", suppressed);
      if (use != null && use.lastUsed() != null) {
        json.put("seconds_since_last_used_offer",
            ShareSample.seconds(Duration.between(use.lastUsed(), now).toMillis() / 1000.0));
      }
      JsonArray reasonArray = new JsonArray();
      reasons.forEach(r -> reasonArray.add(r.toJson()));
      frameworks.add(json.put("reasons", reasonArray));
    }
    return new JsonObject().put("frameworks", frameworks);
  }

  private List<Reason> reasons(Framework framework, Holds.Framework holds, OfferUse.Entry use, List<String> roles,
                               boolean suppressed, List<AgentFree.One> agents, Map<String, Outstanding> outstanding,
                               Instant now) {
    List<Reason> reasons = new ArrayList<>();
    if (!holds.suppressedRoles().isEmpty()) {
      List<String> which = new ArrayList<>(new java.util.TreeSet<>(holds.suppressedRoles()));
      which.retainAll(roles);
      reasons.add(new Reason("SUPPRESSED", suppressed
          ? "suppressed offers for all its roles " + which + "; a REVIVE resumes them"
          : "suppressed offers for roles " + which + " of " + roles));
    }
    if (holds.filters() > 0) {
      double seconds = Math.max(0, Duration.between(now, holds.soonestFilterExpiry()).toMillis() / 1000.0);
      reasons.add(new Reason("DECLINE_FILTERS", "declined " + holds.filters() + " agent"
          + (holds.filters() == 1 ? "'s" : "s'") + " resources, filters expire in " + Shapes.number(seconds)
          + " s (the first)"));
    }
    Map<String, Double> need = use == null ? null : use.launchShape();
    quotaLimits(holds, need, reasons);
    guarantees(holds, need, reasons);
    noAgentBigEnough(holds, use, need, agents, reasons);
    int offers = 0;
    int others = 0;
    Map<String, Double> held = new HashMap<>();
    for (Map.Entry<String, Outstanding> entry : outstanding.entrySet()) {
      if (!entry.getKey().equals(framework.id())) {
        offers += entry.getValue().count;
        others++;
        entry.getValue().scalars.forEach((name, value) -> held.merge(name, value, Double::sum));
      }
    }
    if (offers > 0) {
      reasons.add(new Reason("OFFERS_OUTSTANDING", offers + " offer" + (offers == 1 ? "" : "s") + " to " + others
          + " other framework" + (others == 1 ? "" : "s") + " hold " + Shapes.text(held)
          + " until they are answered"));
    }
    if (reasons.isEmpty()) {
      Outstanding own = outstanding.get(framework.id());
      reasons.add(new Reason("NONE", own == null ? "nothing is held back"
          : "nothing is held back; it holds " + own.count + " offer" + (own.count == 1 ? "" : "s") + " of "
          + Shapes.text(own.scalars)));
    }
    return reasons;
  }

  /** A role at its limit of a resource, or with less left under it than the last task needed. */
  private static void quotaLimits(Holds.Framework holds, Map<String, Double> need, List<Reason> reasons) {
    for (Holds.Role role : holds.roles()) {
      List<String> at = new ArrayList<>();
      for (Map.Entry<String, Double> limit : new TreeMap<>(role.quota().limits()).entrySet()) {
        String name = limit.getKey();
        double allocated = role.allocated().getOrDefault(name, 0.0);
        double left = limit.getValue() - allocated;
        boolean short_ = need != null && need.getOrDefault(name, 0.0) > left + Shapes.EPSILON;
        if (left <= Shapes.EPSILON || short_) {
          at.add(name + " " + Shapes.number(allocated) + " of " + Shapes.number(limit.getValue())
              + (left > Shapes.EPSILON ? " (its last task needed " + Shapes.number(need.get(name)) + ")" : ""));
        }
      }
      if (!at.isEmpty()) {
        reasons.add(new Reason("QUOTA_LIMIT", "role " + role.role() + " is at its quota limit: "
            + String.join(", ", at)));
      }
    }
  }

  /** Free unreserved resources kept for other roles' unmet guarantees, where that leaves this framework short. */
  private static void guarantees(Holds.Framework holds, Map<String, Double> need, List<Reason> reasons) {
    for (Holds.Role role : holds.roles()) {
      List<String> kept = new ArrayList<>();
      for (Map.Entry<String, Double> unmet : new TreeMap<>(role.othersUnmet()).entrySet()) {
        String name = unmet.getKey();
        double available = holds.unreservedAvailable().getOrDefault(name, 0.0);
        double heldBack = Math.min(available, unmet.getValue());
        double left = available - heldBack;
        boolean matters = need == null || need.getOrDefault(name, 0.0) > left + Shapes.EPSILON
            || left <= Shapes.EPSILON;
        if (heldBack > Shapes.EPSILON && matters) {
          kept.add(name + " " + Shapes.number(heldBack) + " of the " + Shapes.number(available) + " free");
        }
      }
      if (!kept.isEmpty()) {
        reasons.add(new Reason("OTHER_ROLES_GUARANTEES", "for role " + role.role() + ", unreserved "
            + String.join(", ", kept) + " are kept for the unmet guarantees of roles " + role.guaranteedOthers()));
      }
    }
  }

  /**
   * No agent has the last task's shape free (for any of the framework's roles); or, once it has
   * declined since it last used an offer, no agent has more of any resource free than it declined.
   */
  private static void noAgentBigEnough(Holds.Framework holds, OfferUse.Entry use, Map<String, Double> need,
                                       List<AgentFree.One> agents, List<Reason> reasons) {
    if (agents.isEmpty()) {
      return;
    }
    Map<String, Double> largest = new HashMap<>();
    boolean anyFits = false;
    boolean anyBeyondDeclined = false;
    boolean anyFree = false;
    Map<String, Double> declined = use == null ? null : use.declineShape();
    boolean declinedSinceUse = declined != null
        && (use.lastUsed() == null || !use.lastDeclined().isBefore(use.lastUsed()));
    for (AgentFree.One agent : agents) {
      for (Holds.Role role : holds.roles()) {
        Map<String, Double> free = agent.forRole(role.role());
        free.forEach((name, value) -> largest.merge(name, value, Math::max));
        anyFree |= !Shapes.isEmpty(free);
        anyFits |= need != null && Shapes.fits(free, need);
        anyBeyondDeclined |= declinedSinceUse && Shapes.exceeds(free, declined);
      }
    }
    if (need != null && !anyFits) {
      reasons.add(new Reason("NO_AGENT_BIG_ENOUGH", "no agent has its last task's shape free (" + Shapes.text(need)
          + "); the most free on any agent: " + Shapes.text(largest)));
    } else if (declinedSinceUse && anyFree && !anyBeyondDeclined) {
      reasons.add(new Reason("NO_AGENT_BIG_ENOUGH", "no agent has more free than it last declined ("
          + Shapes.text(declined) + "); the most free on any agent: " + Shapes.text(largest)));
    }
  }

  private Map<String, Outstanding> outstandingOffers() {
    Map<String, Outstanding> byFramework = new HashMap<>();
    for (Framework framework : master.frameworks().values()) {
      for (Offer offer : framework.offers().values()) {
        Outstanding o = byFramework.computeIfAbsent(framework.id(), k -> new Outstanding());
        o.count++;
        Resources.of(offer.getResourcesList()).scalars().forEach((name, value) -> o.scalars.merge(name, value,
            Double::sum));
      }
    }
    return byFramework;
  }
}
