package dev.vmesos.master.allocator;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The first level of two-level scheduling: decides which framework is offered which agent's
 * resources. Roles are ordered by the role sorter (weighted DRF by default), frameworks within a
 * role by that role's framework sorter; each role with an unmet quota guarantee is served first,
 * quota limits are never crossed and unreserved resources needed for other roles' unmet guarantees
 * are held back (headroom); resources reserved to a role go only to that role (or its subroles).
 *
 * <p>One round ({@link #allocate()}) repeatedly takes the lowest-share role, its lowest-share
 * framework, and the first free agent that framework has not declined (a word-level scan over
 * {@link AgentBits}), and gives that framework everything on the agent it may have. A framework
 * that finds no agent, and a role with no such framework, sit out the rest of the round. Outstanding
 * offers count as allocated until {@link #recover} gives them back.
 *
 * <p>Plain single-threaded Java: the master's event loop owns it, calls it with verbs and gets
 * {@link Allocation}s back as data.
 */
public final class HierarchicalAllocator {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HierarchicalAllocator.class);

  /** A round longer than this is logged: the master does nothing else meanwhile. */
  private static final double SLOW_ROUND_MS = 50;

  private final AllocatorConfig config;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Random random;
  private final Sorter roleSorter;
  private final Map<String, RoleSlot> roles = new HashMap<>();
  private final Map<String, FrameworkSlot> frameworks = new HashMap<>();
  private final Map<String, AgentSlot> agentsById = new HashMap<>();
  private final List<AgentSlot> agentSlots = new ArrayList<>();
  private final ArrayList<Integer> freeSlots = new ArrayList<>();
  /** Agents whose free unreserved resources are worth offering. */
  private final AgentBits freeUnreserved = new AgentBits();
  private final PriorityQueue<FilterExpiry> filterExpiries = new PriorityQueue<>();
  private Quantities clusterTotal = Quantities.EMPTY;
  /** Free unreserved quantities over all agents: the pool quota headroom is kept in. */
  private Quantities unreservedAvailable = Quantities.EMPTY;
  private final AllocatorMetrics metrics = new AllocatorMetrics();

  private static final class AgentSlot {
    final String id;
    final int index;
    Resources total;
    Resources free;
    Quantities freeUnreservedQuantities = Quantities.EMPTY;
    /** Roles with free resources reserved to them on this agent. */
    Set<String> reservedRoles = Set.of();

    AgentSlot(String id, int index, Resources total) {
      this.id = id;
      this.index = index;
      this.total = total;
      this.free = total;
    }
  }

  private static final class FrameworkSlot {
    final String id;
    FrameworkProfile profile;
    boolean active = true;
    final Set<String> suppressed = new HashSet<>();
    final AgentBits filtered = new AgentBits();
    final Map<Integer, Instant> filteredUntil = new HashMap<>();
    /** Agents tried and found wanting in this round (below a minimum, or trimmed to nothing). */
    AgentBits skipped;
    /**
     * Per role, agents whose free resources, as they are now, are below this framework's own minimum
     * ({@code FrameworkInfo.offer_filters}); forgotten for an agent whenever its free resources
     * change. Without it every round would try each full agent against each such framework again.
     */
    final Map<String, AgentBits> belowMinimum = new HashMap<>();

    FrameworkSlot(String id, FrameworkProfile profile) {
      this.id = id;
      this.profile = profile;
      this.suppressed.addAll(profile.suppressedRoles());
    }

    boolean offerable(String role) {
      return active && !suppressed.contains(role) && profile.roles().contains(role);
    }
  }

  private final class RoleSlot {
    final String name;
    final Sorter frameworks;
    Quota quota = Quota.NONE;
    /** Frameworks in this role that may be offered to now (active, not suppressed). */
    int offerable;
    /** Agents with free resources reserved to exactly this role. */
    final AgentBits reserved = new AgentBits();

    RoleSlot(String name) {
      this.name = name;
      this.frameworks = Sorters.create(config.frameworkSorter(), random);
      this.frameworks.total(clusterTotal);
    }

    /** Guaranteed quantities not yet offered or allocated to this role. */
    Quantities unmetGuarantee() {
      if (quota.guarantees().isEmpty()) {
        return Quantities.EMPTY;
      }
      return Quantities.of(quota.guarantees()).minus(roleSorter.allocation(name));
    }
  }

  private record FilterExpiry(Instant until, String frameworkId, int agentIndex)
      implements Comparable<FilterExpiry> {
    @Override
    public int compareTo(FilterExpiry o) {
      return until.compareTo(o.until);
    }
  }

  public HierarchicalAllocator(AllocatorConfig config, Clock clock) {
    this(config, clock, new Random(), System::nanoTime);
  }

  public HierarchicalAllocator(AllocatorConfig config, Clock clock, Random random, LongSupplier nanoTime) {
    this.config = config;
    this.clock = clock;
    this.random = random;
    this.nanoTime = nanoTime;
    this.roleSorter = Sorters.create(config.roleSorter(), random);
    for (Map.Entry<String, Quota> quota : config.quotas().entrySet()) {
      role(quota.getKey()).quota = quota.getValue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  /** Adds an agent; {@code used} are resources already allocated on it (tasks it runs). */
  public void addAgent(String agentId, Resources total, List<Allocation> used) {
    if (agentsById.containsKey(agentId)) {
      throw new IllegalArgumentException("Agent " + agentId + " is already known to the allocator");
    }
    int index = freeSlots.isEmpty() ? agentSlots.size() : freeSlots.remove(freeSlots.size() - 1);
    AgentSlot agent = new AgentSlot(agentId, index, total.unallocated());
    if (index == agentSlots.size()) {
      agentSlots.add(agent);
    } else {
      agentSlots.set(index, agent);
    }
    agentsById.put(agentId, agent);
    Resources free = agent.total;
    for (Allocation allocation : used) {
      Resources resources = allocation.resources().unallocated();
      free = free.minus(resources);
      track(allocation.frameworkId(), allocation.role(), Quantities.of(resources));
    }
    agent.free = free;
    setTotal(clusterTotal.plus(Quantities.of(agent.total)));
    refreshAgent(agent, Quantities.EMPTY);
  }

  /** Forgets an agent. Allocations on it stay with their frameworks until recovered. */
  public void removeAgent(String agentId) {
    AgentSlot agent = agentsById.remove(agentId);
    if (agent == null) {
      return;
    }
    unreservedAvailable = unreservedAvailable.minus(agent.freeUnreservedQuantities);
    freeUnreserved.clear(agent.index);
    for (String role : agent.reservedRoles) {
      RoleSlot slot = roles.get(role);
      if (slot != null) {
        slot.reserved.clear(agent.index);
      }
    }
    for (FrameworkSlot framework : frameworks.values()) {
      if (framework.filteredUntil.remove(agent.index) != null) {
        framework.filtered.clear(agent.index);
      }
    }
    agentSlots.set(agent.index, null);
    freeSlots.add(agent.index);
    setTotal(clusterTotal.minus(Quantities.of(agent.total)));
  }

  /**
   * An agent's total changed shape but not size: RESERVE or UNRESERVE converted resources that are
   * offered, so its free resources are unchanged.
   */
  public void updateAgentTotal(String agentId, Resources total) {
    AgentSlot agent = agentsById.get(agentId);
    if (agent == null) {
      return;
    }
    Resources newTotal = total.unallocated();
    setTotal(clusterTotal.minus(Quantities.of(agent.total)).plus(Quantities.of(newTotal)));
    agent.total = newTotal;
  }

  /** An agent's total as the allocator holds it (unallocated); null for an agent it does not know. */
  public Resources agentTotal(String agentId) {
    AgentSlot agent = agentsById.get(agentId);
    return agent == null ? null : agent.total;
  }

  /** What of an agent is neither offered nor used by tasks (unallocated); null for an unknown agent. */
  public Resources agentFree(String agentId) {
    AgentSlot agent = agentsById.get(agentId);
    return agent == null ? null : agent.free;
  }

  // ---------------------------------------------------------------------------------------------
  // Frameworks

  public void addFramework(String frameworkId, FrameworkProfile profile) {
    if (frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("Framework " + frameworkId + " is already known to the allocator");
    }
    FrameworkSlot framework = new FrameworkSlot(frameworkId, profile);
    frameworks.put(frameworkId, framework);
    for (String role : profile.roles()) {
      RoleSlot slot = role(role);
      if (!slot.frameworks.contains(frameworkId)) {
        slot.frameworks.add(frameworkId, 1.0);
      }
      setOfferable(framework, slot, framework.offerable(role));
    }
  }

  /** New roles, suppressed roles or minimums; roles no longer listed stop getting offers. */
  public void updateFramework(String frameworkId, FrameworkProfile profile) {
    FrameworkSlot framework = framework(frameworkId);
    Set<String> before = framework.profile.roles();
    framework.profile = profile;
    framework.belowMinimum.clear();
    framework.suppressed.clear();
    framework.suppressed.addAll(profile.suppressedRoles());
    Set<String> all = new HashSet<>(before);
    all.addAll(profile.roles());
    for (String role : all) {
      RoleSlot slot = role(role);
      if (!slot.frameworks.contains(frameworkId)) {
        slot.frameworks.add(frameworkId, 1.0);
      }
      setOfferable(framework, slot, framework.offerable(role));
    }
  }

  public void removeFramework(String frameworkId) {
    FrameworkSlot framework = frameworks.remove(frameworkId);
    if (framework == null) {
      return;
    }
    for (RoleSlot slot : roles.values()) {
      if (slot.frameworks.contains(frameworkId)) {
        if (slot.frameworks.isActive(frameworkId)) {
          slot.offerable--;
          if (slot.offerable == 0) {
            roleSorter.deactivate(slot.name);
          }
        }
        slot.frameworks.remove(frameworkId);
      }
    }
  }

  public boolean hasFramework(String frameworkId) {
    return frameworks.containsKey(frameworkId);
  }

  /** A connected framework gets offers again. */
  public void activateFramework(String frameworkId) {
    FrameworkSlot framework = framework(frameworkId);
    framework.active = true;
    refreshOfferable(framework);
  }

  /** A disconnected framework keeps its allocation but gets no offers. */
  public void deactivateFramework(String frameworkId) {
    FrameworkSlot framework = framework(frameworkId);
    framework.active = false;
    refreshOfferable(framework);
  }

  /** Stops offers to the framework for these roles (all of its roles when empty). */
  public void suppress(String frameworkId, Set<String> roleNames) {
    FrameworkSlot framework = framework(frameworkId);
    framework.suppressed.addAll(roleNames.isEmpty() ? framework.profile.roles() : roleNames);
    refreshOfferable(framework);
  }

  /** Resumes offers for these roles (all when empty) and clears the framework's decline filters. */
  public void revive(String frameworkId, Set<String> roleNames) {
    FrameworkSlot framework = framework(frameworkId);
    if (roleNames.isEmpty()) {
      framework.suppressed.clear();
    } else {
      framework.suppressed.removeAll(roleNames);
    }
    framework.filtered.clearAll();
    framework.filteredUntil.clear();
    refreshOfferable(framework);
  }

  private void refreshOfferable(FrameworkSlot framework) {
    for (String role : framework.profile.roles()) {
      setOfferable(framework, role(role), framework.offerable(role));
    }
  }

  private void setOfferable(FrameworkSlot framework, RoleSlot slot, boolean offerable) {
    boolean now = slot.frameworks.isActive(framework.id);
    if (offerable && !now) {
      slot.frameworks.activate(framework.id);
      if (slot.offerable++ == 0) {
        roleSorter.activate(slot.name);
      }
    } else if (!offerable && now) {
      slot.frameworks.deactivate(framework.id);
      if (--slot.offerable == 0) {
        roleSorter.deactivate(slot.name);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Roles

  public void updateWeight(String role, double weight) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("Weight of role '" + role + "' must be a positive number");
    }
    role(role);
    roleSorter.updateWeight(role, weight);
  }

  public void updateQuota(String role, Quota quota) {
    role(role).quota = quota;
  }

  /** Quotas by role (roles without one left out). */
  public Map<String, Quota> quotas() {
    Map<String, Quota> quotas = new TreeMap<>();
    roles.forEach((name, slot) -> {
      if (!slot.quota.isNone()) {
        quotas.put(name, slot.quota);
      }
    });
    return quotas;
  }

  /** Weights by role, for every role the allocator knows. */
  public Map<String, Double> weights() {
    Map<String, Double> weights = new TreeMap<>();
    for (String role : roles.keySet()) {
      weights.put(role, roleSorter.weight(role));
    }
    return weights;
  }

  /** Every role the allocator knows: of frameworks, quotas, reservations or weights. */
  public java.util.Set<String> roleNames() {
    return new java.util.TreeSet<>(roles.keySet());
  }

  private RoleSlot role(String name) {
    RoleSlot slot = roles.get(name);
    if (slot == null) {
      slot = new RoleSlot(name);
      roles.put(name, slot);
      roleSorter.add(name, config.weights().getOrDefault(name, 1.0));
    }
    return slot;
  }

  // ---------------------------------------------------------------------------------------------
  // Resources

  /**
   * Gives resources back: a declined offer, the unused part of an accepted one, a finished task.
   * A positive {@code refuse} keeps this agent away from the framework for that long.
   */
  public void recover(String frameworkId, String agentId, String role, Resources resources, Duration refuse) {
    Resources recovered = resources.unallocated();
    Quantities quantities = Quantities.of(recovered);
    untrack(frameworkId, role, quantities);
    AgentSlot agent = agentsById.get(agentId);
    if (agent == null) {
      return;
    }
    Resources free = agent.free.isEmpty() ? recovered : agent.free.plus(recovered);
    if (!agent.total.contains(free)) {
      throw new IllegalStateException("Recovering " + recovered + " on agent " + agentId
          + " would exceed its total " + agent.total);
    }
    Quantities before = agent.freeUnreservedQuantities;
    agent.free = free;
    refreshAgent(agent, before);
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework != null && refuse != null && refuse.compareTo(Duration.ZERO) > 0) {
      Instant until = clock.instant().plus(refuse);
      framework.filtered.set(agent.index);
      framework.filteredUntil.put(agent.index, until);
      filterExpiries.add(new FilterExpiry(until, frameworkId, agent.index));
    }
  }

  private void track(String frameworkId, String role, Quantities quantities) {
    RoleSlot slot = role(role);
    roleSorter.allocated(role, quantities);
    if (slot.frameworks.contains(frameworkId)) {
      slot.frameworks.allocated(frameworkId, quantities);
    }
  }

  private void untrack(String frameworkId, String role, Quantities quantities) {
    RoleSlot slot = roles.get(role);
    if (slot == null) {
      return;
    }
    roleSorter.unallocated(role, quantities);
    if (slot.frameworks.contains(frameworkId)) {
      slot.frameworks.unallocated(frameworkId, quantities);
    }
  }

  /** Re-derives an agent's bits and pooled quantities after its free resources changed. */
  private void refreshAgent(AgentSlot agent, Quantities unreservedBefore) {
    for (FrameworkSlot framework : frameworks.values()) {
      for (AgentBits below : framework.belowMinimum.values()) {
        below.clear(agent.index);
      }
    }
    Resources reserved = agent.free.isEmpty() ? agent.free : agent.free.reserved();
    Resources unreserved = reserved.isEmpty() ? agent.free : agent.free.unreserved();
    agent.freeUnreservedQuantities = Quantities.of(unreserved);
    unreservedAvailable = unreservedAvailable.minus(unreservedBefore).plus(agent.freeUnreservedQuantities);
    if (meetsMinimum(agent.freeUnreservedQuantities, config.minAllocatable())) {
      freeUnreserved.set(agent.index);
    } else {
      freeUnreserved.clear(agent.index);
    }
    Set<String> reservedRoles = new HashSet<>();
    for (Resource resource : reserved) {
      reservedRoles.add(Resources.role(resource));
    }
    for (String role : agent.reservedRoles) {
      if (!reservedRoles.contains(role)) {
        role(role).reserved.clear(agent.index);
      }
    }
    for (String role : reservedRoles) {
      role(role).reserved.set(agent.index);
    }
    agent.reservedRoles = reservedRoles.isEmpty() ? Set.of() : reservedRoles;
  }

  private void setTotal(Quantities total) {
    clusterTotal = total;
    roleSorter.total(total);
    for (RoleSlot slot : roles.values()) {
      slot.frameworks.total(total);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Allocation

  /** One allocation round. */
  public List<Allocation> allocate() {
    long start = nanoTime.getAsLong();
    expireFilters(clock.instant());
    Round round = new Round();
    round.quotaStage();
    round.fairShareStage();
    double millis = (nanoTime.getAsLong() - start) / 1e6;
    metrics.recordRun(millis, round.allocations.size());
    if (millis > SLOW_ROUND_MS) {
      LOG.info("Allocation round took {} ms: {} offers to {} frameworks over {} agents ({} with free resources)",
          Math.round(millis), round.allocations.size(), frameworks.size(), agentsById.size(), freeUnreserved.cardinality());
    }
    return round.allocations;
  }

  private void expireFilters(Instant now) {
    while (!filterExpiries.isEmpty() && !filterExpiries.peek().until().isAfter(now)) {
      FilterExpiry expiry = filterExpiries.poll();
      FrameworkSlot framework = frameworks.get(expiry.frameworkId());
      if (framework != null) {
        Instant until = framework.filteredUntil.get(expiry.agentIndex());
        if (until != null && !until.isAfter(now)) {
          framework.filteredUntil.remove(expiry.agentIndex());
          framework.filtered.clear(expiry.agentIndex());
        }
      }
    }
  }

  /** The state of one allocation round. */
  private final class Round {
    final List<Allocation> allocations = new ArrayList<>();
    final List<String> sittingOutRoles = new ArrayList<>();
    final List<Map.Entry<RoleSlot, String>> sittingOutFrameworks = new ArrayList<>();
    final List<FrameworkSlot> skippedAny = new ArrayList<>();
    final Map<String, AgentBits> reservedForRole = new HashMap<>();
    /** Unmet guarantees of all roles, kept current as the round allocates. */
    Quantities unmetTotal = Quantities.EMPTY;
    final Map<String, Quantities> unmet = new HashMap<>();

    Round() {
      for (RoleSlot slot : roles.values()) {
        Quantities u = slot.unmetGuarantee();
        if (!u.isEmpty()) {
          unmet.put(slot.name, u);
          unmetTotal = unmetTotal.plus(u);
        }
      }
    }

    /** Stage 1: roles below their guarantee, in role order, up to the guarantee. */
    void quotaStage() {
      if (unmet.isEmpty()) {
        return;
      }
      for (String role : roleSorter.sort()) {
        if (unmet.containsKey(role)) {
          RoleSlot slot = roles.get(role);
          while (unmet.containsKey(role) && offerOnce(slot, true)) {
            // keeps offering until the guarantee is met or nothing fits
          }
          restoreFrameworks();
        }
      }
    }

    /** Stage 2: everyone, in fair order, within limits and leaving others' unmet guarantees free. */
    void fairShareStage() {
      while (true) {
        String role = roleSorter.first();
        if (role == null) {
          break;
        }
        RoleSlot slot = roles.get(role);
        if (!offerOnce(slot, false)) {
          roleSorter.deactivate(role);
          sittingOutRoles.add(role);
        }
      }
      restoreFrameworks();
      for (String role : sittingOutRoles) {
        RoleSlot slot = roles.get(role);
        if (slot != null && slot.offerable > 0) {
          roleSorter.activate(role);
        }
      }
      for (FrameworkSlot framework : skippedAny) {
        framework.skipped = null;
      }
    }

    /**
     * Makes one offer in this role if any framework in it can take one: true if an offer was made.
     * Frameworks that find nothing sit out (until {@link #restoreFrameworks}).
     */
    boolean offerOnce(RoleSlot slot, boolean guaranteeStage) {
      while (true) {
        String frameworkId = slot.frameworks.first();
        if (frameworkId == null) {
          return false;
        }
        FrameworkSlot framework = frameworks.get(frameworkId);
        if (offerToFramework(slot, framework, guaranteeStage)) {
          return true;
        }
        slot.frameworks.deactivate(frameworkId);
        sittingOutFrameworks.add(Map.entry(slot, frameworkId));
      }
    }

    boolean offerToFramework(RoleSlot slot, FrameworkSlot framework, boolean guaranteeStage) {
      AgentBits reserved = reservedFor(slot.name);
      Caps caps = caps(slot, guaranteeStage);
      if (caps != null && reserved == null && !couldBeWorthOffering(framework, slot.name, caps)) {
        return false;  // at its limit (or held back by headroom): no agent can change that
      }
      int from = 0;
      AgentBits belowMinimum = framework.belowMinimum.get(slot.name);
      while (true) {
        int index = AgentBits.next(from, freeUnreserved, reserved, framework.filtered, framework.skipped,
            belowMinimum);
        if (index < 0) {
          return false;
        }
        AgentSlot agent = agentSlots.get(index);
        Resources offer = offerable(agent, slot, caps);
        boolean whole = offer == agent.free && agent.reservedRoles.isEmpty();
        Quantities quantities = whole ? agent.freeUnreservedQuantities : Quantities.of(offer);
        if (offer.isEmpty() || !worthOffering(framework, slot.name, quantities)) {
          if (whole && !offer.isEmpty()) {
            // Below a minimum as the agent is, whatever the caps: not tried again until it changes.
            if (belowMinimum == null) {
              belowMinimum = framework.belowMinimum.computeIfAbsent(slot.name, r -> new AgentBits());
            }
            belowMinimum.set(index);
          }
          skip(framework, index);
          from = index + 1;
          continue;
        }
        grant(slot, framework, agent, offer, quantities);
        return true;
      }
    }

    /** What the agent has for this role, within the role's caps. */
    Resources offerable(AgentSlot agent, RoleSlot slot, Caps caps) {
      Resources available = agent.reservedRoles.isEmpty() ? agent.free : agent.free.allocatableTo(slot.name);
      return caps == null ? available : trim(available, caps.any(), caps.unreserved());
    }

    /**
     * The most the role may be offered now, per resource name: what its limits leave (and, in the
     * guarantee stage, its unmet guarantee), and of unreserved resources what the headroom for other
     * roles' unmet guarantees leaves. Null when nothing caps it. Independent of the agent.
     */
    Caps caps(RoleSlot slot, boolean guaranteeStage) {
      Quota quota = slot.quota;
      if (quota.isNone() && unmetTotal.isEmpty()) {
        return null;
      }
      Quantities consumed = roleSorter.allocation(slot.name);
      Map<String, Double> any = new HashMap<>();
      for (Map.Entry<String, Double> limit : quota.limits().entrySet()) {
        any.put(limit.getKey(), Math.max(0, limit.getValue() - consumed.get(limit.getKey())));
      }
      if (guaranteeStage) {
        for (Map.Entry<String, Double> g : unmet.getOrDefault(slot.name, Quantities.EMPTY).toMap().entrySet()) {
          any.merge(g.getKey(), g.getValue(), Math::min);
        }
      }
      Map<String, Double> unreserved = new HashMap<>();
      if (!unmetTotal.isEmpty()) {
        Quantities othersUnmet = unmetTotal.minus(unmet.getOrDefault(slot.name, Quantities.EMPTY));
        for (Map.Entry<String, Double> need : othersUnmet.toMap().entrySet()) {
          unreserved.put(need.getKey(), Math.max(0, unreservedAvailable.get(need.getKey()) - need.getValue()));
        }
      }
      return any.isEmpty() && unreserved.isEmpty() ? null : new Caps(any, unreserved);
    }

    /** Whether anything within the caps could meet the minimums (global, and the framework's own). */
    boolean couldBeWorthOffering(FrameworkSlot framework, String role, Caps caps) {
      if (!withinCaps(config.minAllocatable(), caps)) {
        return false;
      }
      List<Map<String, Double>> own = framework.profile.minAllocatable().get(role);
      return own == null || own.isEmpty() || withinCaps(own, caps);
    }

    private boolean withinCaps(List<Map<String, Double>> alternatives, Caps caps) {
      if (alternatives.isEmpty()) {
        return true;
      }
      for (Map<String, Double> alternative : alternatives) {
        boolean fits = true;
        for (Map.Entry<String, Double> need : alternative.entrySet()) {
          double cap = Math.min(caps.any().getOrDefault(need.getKey(), Double.MAX_VALUE),
              caps.unreserved().getOrDefault(need.getKey(), Double.MAX_VALUE));
          if (cap < need.getValue()) {
            fits = false;
            break;
          }
        }
        if (fits) {
          return true;
        }
      }
      return false;
    }

    void grant(RoleSlot slot, FrameworkSlot framework, AgentSlot agent, Resources offer, Quantities quantities) {
      Quantities before = agent.freeUnreservedQuantities;
      agent.free = offer == agent.free ? Resources.empty() : agent.free.minus(offer);
      refreshAgent(agent, before);
      roleSorter.allocated(slot.name, quantities);
      slot.frameworks.allocated(framework.id, quantities);
      if (unmet.containsKey(slot.name)) {
        Quantities old = unmet.get(slot.name);
        Quantities now = old.minus(quantities);
        unmetTotal = unmetTotal.minus(old).plus(now);
        if (now.isEmpty()) {
          unmet.remove(slot.name);
        } else {
          unmet.put(slot.name, now);
        }
      }
      allocations.add(new Allocation(framework.id, agent.id, slot.name, offer));
    }

    void skip(FrameworkSlot framework, int index) {
      if (framework.skipped == null) {
        framework.skipped = new AgentBits();
        skippedAny.add(framework);
      }
      framework.skipped.set(index);
    }

    void restoreFrameworks() {
      for (Map.Entry<RoleSlot, String> entry : sittingOutFrameworks) {
        FrameworkSlot framework = frameworks.get(entry.getValue());
        if (framework != null && framework.offerable(entry.getKey().name)) {
          entry.getKey().frameworks.activate(entry.getValue());
        }
      }
      sittingOutFrameworks.clear();
    }

    /** Agents with free resources reserved to the role or to one of its ancestors. */
    AgentBits reservedFor(String role) {
      return reservedForRole.computeIfAbsent(role, r -> {
        AgentBits bits = null;
        for (String name = r; name != null; name = parent(name)) {
          RoleSlot slot = roles.get(name);
          if (slot != null && !slot.reserved.isEmpty()) {
            bits = bits == null ? slot.reserved : bits.or(slot.reserved);
          }
        }
        return bits;
      });
    }

    boolean worthOffering(FrameworkSlot framework, String role, Quantities quantities) {
      if (!meetsMinimum(quantities, config.minAllocatable())) {
        return false;
      }
      List<Map<String, Double>> own = framework.profile.minAllocatable().get(role);
      return own == null || own.isEmpty() || meetsMinimum(quantities, own);
    }
  }

  /** Per-name caps on what a role may be offered now: on any resource, and on unreserved ones. */
  private record Caps(Map<String, Double> any, Map<String, Double> unreserved) {
  }

  private static String parent(String role) {
    int slash = role.lastIndexOf('/');
    return slash < 0 ? null : role.substring(0, slash);
  }

  private static boolean meetsMinimum(Quantities quantities, List<Map<String, Double>> alternatives) {
    if (alternatives.isEmpty()) {
      return !quantities.isEmpty();
    }
    for (Map<String, Double> alternative : alternatives) {
      boolean met = true;
      for (Map.Entry<String, Double> need : alternative.entrySet()) {
        if (quantities.get(need.getKey()) < need.getValue()) {
          met = false;
          break;
        }
      }
      if (met) {
        return true;
      }
    }
    return false;
  }

  /**
   * Shrinks scalar resources to at most {@code max} per name (any resource), and unreserved ones to
   * at most {@code unreservedMax} per name; other resources pass unchanged.
   */
  static Resources trim(Resources resources, Map<String, Double> max, Map<String, Double> unreservedMax) {
    Map<String, Double> left = new HashMap<>(max);
    Map<String, Double> unreservedLeft = new HashMap<>(unreservedMax);
    List<Resource> kept = new ArrayList<>();
    for (Resource resource : resources) {
      if (!resource.hasScalar()) {
        kept.add(resource);
        continue;
      }
      double value = resource.getScalar().getValue();
      String name = resource.getName();
      double allowed = left.getOrDefault(name, Double.MAX_VALUE);
      boolean unreserved = Resources.role(resource).equals("*");
      if (unreserved) {
        allowed = Math.min(allowed, unreservedLeft.getOrDefault(name, Double.MAX_VALUE));
      }
      double take = Math.floor(Math.min(value, allowed) * 1000) / 1000;
      if (take <= 0) {
        continue;
      }
      if (left.containsKey(name)) {
        left.put(name, left.get(name) - take);
      }
      if (unreserved && unreservedLeft.containsKey(name)) {
        unreservedLeft.put(name, unreservedLeft.get(name) - take);
      }
      kept.add(take == value ? resource
          : resource.toBuilder().setScalar(resource.getScalar().toBuilder().setValue(take)).build());
    }
    return Resources.of(kept);
  }

  // ---------------------------------------------------------------------------------------------
  // Introspection

  /** The framework's dominant share (unweighted) over all its roles' allocations. */
  public double dominantShare(String frameworkId) {
    Quantities total = Quantities.EMPTY;
    for (RoleSlot slot : roles.values()) {
      if (slot.frameworks.contains(frameworkId)) {
        total = total.plus(slot.frameworks.allocation(frameworkId));
      }
    }
    return share(total);
  }

  /** What is offered or allocated to a role. */
  public Map<String, Double> roleAllocation(String role) {
    return roles.containsKey(role) ? roleSorter.allocation(role).toMap() : Map.of();
  }

  private double share(Quantities allocation) {
    return allocation.dominantShare(clusterTotal);
  }

  /** Metrics under Mesos's key names ({@code allocator/mesos/...}), plus per-framework shares. */
  public Map<String, Double> metrics() {
    Map<String, Double> out = new LinkedHashMap<>(metrics.snapshot());
    Quantities allocated = Quantities.EMPTY;
    for (RoleSlot slot : roles.values()) {
      allocated = allocated.plus(roleSorter.allocation(slot.name));
    }
    for (Map.Entry<String, Double> total : clusterTotal.toMap().entrySet()) {
      out.put("allocator/mesos/resources/" + total.getKey() + "/total", total.getValue());
      out.put("allocator/mesos/resources/" + total.getKey() + "/offered_or_allocated", allocated.get(total.getKey()));
    }
    for (RoleSlot slot : new TreeMap<>(roles).values()) {
      out.put("allocator/mesos/roles/" + slot.name + "/shares/dominant", share(roleSorter.allocation(slot.name)));
      long filters = 0;
      for (String frameworkId : slot.frameworks.sort()) {
        filters += frameworks.get(frameworkId).filteredUntil.size();
      }
      out.put("allocator/mesos/offer_filters/roles/" + slot.name + "/active", (double) filters);
      for (Map.Entry<String, Double> g : slot.quota.guarantees().entrySet()) {
        out.put("allocator/mesos/quota/roles/" + slot.name + "/resources/" + g.getKey() + "/guarantee", g.getValue());
      }
      for (Map.Entry<String, Double> l : slot.quota.limits().entrySet()) {
        out.put("allocator/mesos/quota/roles/" + slot.name + "/resources/" + l.getKey() + "/limit", l.getValue());
      }
    }
    for (String frameworkId : new TreeMap<>(frameworks).keySet()) {
      out.put("allocator/mesos/frameworks/" + frameworkId + "/shares/dominant", dominantShare(frameworkId));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // vmesos extensions: shares over time and why a framework waits (read-only, off the hot path)

  /**
   * Every role's share as the role sorter ranks it (weighted dominant share for DRF), from the
   * sorter's own state: O(roles), whatever the number of agents and tasks.
   */
  public List<Holds.RoleShare> roleShares() {
    List<Holds.RoleShare> shares = new ArrayList<>(roles.size());
    for (String role : new TreeMap<>(roles).keySet()) {
      shares.add(new Holds.RoleShare(role, roleSorter.weight(role), roleSorter.share(role)));
    }
    return shares;
  }

  /**
   * Every framework's share in each of its roles as that role's framework sorter ranks it: O(frameworks
   * × roles each), from the sorters' state.
   */
  public List<Holds.FrameworkShare> frameworkShares() {
    List<Holds.FrameworkShare> shares = new ArrayList<>(frameworks.size());
    for (String frameworkId : new TreeMap<>(frameworks).keySet()) {
      for (String role : new java.util.TreeSet<>(frameworks.get(frameworkId).profile.roles())) {
        RoleSlot slot = roles.get(role);
        if (slot != null && slot.frameworks.contains(frameworkId)) {
          shares.add(new Holds.FrameworkShare(frameworkId, role, slot.frameworks.share(frameworkId)));
        }
      }
    }
    return shares;
  }

  /**
   * What the allocator holds against a framework now: its suppressed roles, its decline filters still
   * in force at {@code now}, and per role the quota and the other roles' unmet guarantees. Null for a
   * framework the allocator does not know. Computed on request.
   */
  public Holds.Framework holds(String frameworkId, Instant now) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework == null) {
      return null;
    }
    int filters = 0;
    Instant soonest = null;
    for (Instant until : framework.filteredUntil.values()) {
      if (until.isAfter(now)) {
        filters++;
        soonest = soonest == null || until.isBefore(soonest) ? until : soonest;
      }
    }
    Map<String, Quantities> unmet = new HashMap<>();
    Quantities unmetTotal = Quantities.EMPTY;
    for (RoleSlot slot : roles.values()) {
      Quantities u = slot.unmetGuarantee();
      if (!u.isEmpty()) {
        unmet.put(slot.name, u);
        unmetTotal = unmetTotal.plus(u);
      }
    }
    List<Holds.Role> roleHolds = new ArrayList<>();
    for (String role : new java.util.TreeSet<>(framework.profile.roles())) {
      RoleSlot slot = roles.get(role);
      if (slot == null) {
        continue;
      }
      Quantities others = unmetTotal.minus(unmet.getOrDefault(role, Quantities.EMPTY));
      List<String> guaranteed = new ArrayList<>();
      for (String other : new java.util.TreeSet<>(unmet.keySet())) {
        if (!other.equals(role)) {
          guaranteed.add(other);
        }
      }
      roleHolds.add(new Holds.Role(role, slot.quota, roleSorter.allocation(role).toMap(), others.toMap(),
          guaranteed));
    }
    return new Holds.Framework(framework.active, Set.copyOf(framework.suppressed), filters, soonest,
        unreservedAvailable.toMap(), roleHolds);
  }

  private FrameworkSlot framework(String frameworkId) {
    FrameworkSlot framework = frameworks.get(frameworkId);
    if (framework == null) {
      throw new IllegalArgumentException("Unknown framework " + frameworkId);
    }
    return framework;
  }
}
