package dev.vmesos.master.allocator.bench;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.Allocation;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.FrameworkProfile;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.MutableClock;
import dev.vmesos.master.allocator.Quota;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster of Mesos's {@code BENCHMARK_HierarchicalAllocator_WithQuotaParam.LargeAndSmallQuota}
 * (src/tests/hierarchical_allocator_benchmarks.cpp): agents of {@code cpus:2;mem:2048;disk:2048};
 * "small" roles with a quota of half an agent (agents get chopped between roles) and "large" roles
 * with a quota of two agents (a role's quota spans agents); one framework per role; {@code small / 5
 * + large * 5} agents. With Mesos's largest parameter, 2,500 small + 500 large roles, that is 3,000
 * roles, frameworks and agents, and the first round makes 3,500 allocations (2,500 half agents and
 * 1,000 whole ones); the second round makes none.
 *
 * <p>Each quota is both guarantee and limit: in the Mesos of that benchmark (2019) a role with quota
 * got nothing beyond it, which is why the first round stops at 3,500 allocations and leaves 750
 * agents unoffered.
 */
final class QuotaCluster {

  static final Resources AGENT = ResourcesParser.parse("cpus:2;mem:2048;disk:2048");
  static final Map<String, Double> SMALL_QUOTA = Map.of("cpus", 1.0, "mem", 1024.0, "disk", 1024.0);
  static final Map<String, Double> LARGE_QUOTA = Map.of("cpus", 4.0, "mem", 4096.0, "disk", 4096.0);

  /** Mesos's {@code QuotaParam(2500, 500, 1)}, the shape of PERFORMANCE.md's figure. */
  static final int MESOS_SMALL_ROLES = 2500;
  static final int MESOS_LARGE_ROLES = 500;

  private final HierarchicalAllocator allocator;
  private final List<String> roles = new ArrayList<>();
  private final int agents;

  private QuotaCluster(int smallRoles, int largeRoles) {
    this.allocator = new HierarchicalAllocator(AllocatorConfig.defaults(), new MutableClock());
    this.agents = smallRoles / 5 + largeRoles * 5;
  }

  /** Agents, then frameworks, then quotas: upstream's order. */
  static QuotaCluster build(int smallRoles, int largeRoles) {
    QuotaCluster cluster = new QuotaCluster(smallRoles, largeRoles);
    for (int i = 0; i < cluster.agents; i++) {
      cluster.allocator.addAgent("agent" + i, AGENT, List.of());
    }
    for (int i = 0; i < smallRoles; i++) {
      cluster.addRole("smallQuotaRole" + i);
    }
    for (int i = 0; i < largeRoles; i++) {
      cluster.addRole("largeQuotaRole" + i);
    }
    for (int i = 0; i < smallRoles; i++) {
      cluster.allocator.updateQuota("smallQuotaRole" + i, new Quota(SMALL_QUOTA, SMALL_QUOTA));
    }
    for (int i = 0; i < largeRoles; i++) {
      cluster.allocator.updateQuota("largeQuotaRole" + i, new Quota(LARGE_QUOTA, LARGE_QUOTA));
    }
    return cluster;
  }

  private void addRole(String role) {
    roles.add(role);
    allocator.addFramework("framework_" + role, FrameworkProfile.of(role));
  }

  List<Allocation> allocate() {
    return allocator.allocate();
  }

  HierarchicalAllocator allocator() {
    return allocator;
  }

  List<String> roles() {
    return roles;
  }

  int agents() {
    return agents;
  }
}
