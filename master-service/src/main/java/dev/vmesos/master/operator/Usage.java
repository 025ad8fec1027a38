package dev.vmesos.master.operator;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import java.util.HashMap;
import java.util.Map;

/**
 * What is used by tasks and held in offers, by agent and by framework, computed once from the
 * master's frameworks for one response. Resources carry {@code allocation_info} (the role they are
 * allocated to), as the master's v1 API reports them.
 */
final class Usage {

  private final Map<String, Resources> usedByAgent = new HashMap<>();
  private final Map<String, Resources> offeredByAgent = new HashMap<>();
  private final Map<String, Resources> usedByFramework = new HashMap<>();
  private final Map<String, Resources> offeredByFramework = new HashMap<>();

  Usage(Master master) {
    for (Framework framework : master.frameworks().values()) {
      for (Task task : framework.tasks().values()) {
        if (holdsResources(task)) {
          Resources resources = task.resources();
          usedByAgent.merge(task.agentId(), resources, Resources::plus);
          usedByFramework.merge(framework.id(), resources, Resources::plus);
        }
      }
      for (Offer offer : framework.offers().values()) {
        Resources resources = offerResources(framework, offer);
        offeredByAgent.merge(offer.getAgentId().getValue(), resources, Resources::plus);
        offeredByFramework.merge(framework.id(), resources, Resources::plus);
      }
    }
  }

  /** A task holds its resources until it is terminal (the master recovers them then). */
  static boolean holdsResources(Task task) {
    return !TaskStates.isTerminal(task.state());
  }

  /**
   * An offer's resources, canonical and allocated to the offer's role. Offers to frameworks without
   * MULTI_ROLE carry no {@code allocation_info}; their role is the framework's.
   */
  static Resources offerResources(Framework framework, Offer offer) {
    return Resources.of(offer.getResourcesList()).unallocated().allocatedTo(offerRole(framework, offer));
  }

  /** The role an offer is made for (offers to frameworks without MULTI_ROLE do not say). */
  static String offerRole(Framework framework, Offer offer) {
    return offer.hasAllocationInfo() ? offer.getAllocationInfo().getRole() : framework.role();
  }

  Resources usedOn(String agentId) {
    return usedByAgent.getOrDefault(agentId, Resources.empty());
  }

  Resources offeredOn(String agentId) {
    return offeredByAgent.getOrDefault(agentId, Resources.empty());
  }

  Resources usedBy(String frameworkId) {
    return usedByFramework.getOrDefault(frameworkId, Resources.empty());
  }

  Resources offeredTo(String frameworkId) {
    return offeredByFramework.getOrDefault(frameworkId, Resources.empty());
  }

  Resources totalUsed() {
    return usedByAgent.values().stream().reduce(Resources.empty(), Resources::plus);
  }
}
