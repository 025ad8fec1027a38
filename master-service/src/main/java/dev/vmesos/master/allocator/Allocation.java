package dev.vmesos.master.allocator;

import dev.vmesos.api.resources.Resources;

/**
 * Resources on one agent offered to one framework for one of its roles: the master turns each into
 * an offer. The resources carry {@code allocation_info.role}.
 */
public record Allocation(String frameworkId, String agentId, String role, Resources resources) {
}
