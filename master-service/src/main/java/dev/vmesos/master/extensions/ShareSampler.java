package dev.vmesos.master.extensions;

import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.Holds;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes one share sample from the allocator's sorters: O(roles + frameworks) per sample, whatever
 * the number of agents and tasks, since the sorters already keep every client's allocation and share
 * (the sample reads them; it walks no agent and no task).
 */
final class ShareSampler {

  private final Master master;
  private final Clock clock;

  ShareSampler(Master master, Clock clock) {
    this.master = master;
    this.clock = clock;
  }

  ShareSample sample() {
    HierarchicalAllocator allocator = master.allocator();
    List<ShareSample.Role> roles = new ArrayList<>();
    for (Holds.RoleShare share : allocator.roleShares()) {
      roles.add(new ShareSample.Role(share.role(), share.weight(), share.share()));
    }
    List<ShareSample.Framework> frameworks = new ArrayList<>();
    for (Holds.FrameworkShare share : allocator.frameworkShares()) {
      Framework framework = master.frameworks().get(share.frameworkId());
      frameworks.add(new ShareSample.Framework(share.frameworkId(),
          framework == null ? "" : framework.info().getName(), share.role(),
          framework == null ? null : framework.info().getUser(), share.share()));
    }
    return new ShareSample(clock.millis() / 1000.0, roles, frameworks);
  }
}
