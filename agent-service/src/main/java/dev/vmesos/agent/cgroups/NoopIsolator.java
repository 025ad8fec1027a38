package dev.vmesos.agent.cgroups;

import java.util.List;
import java.util.Optional;

/**
 * Used where cgroups cannot be: tasks run unconfined and the launcher's own process-tree kill is
 * all there is. {@link #description} says why.
 */
final class NoopIsolator implements CgroupIsolator {

  private final String reason;

  NoopIsolator(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public String description() {
    return "no cgroups isolation: " + reason;
  }

  @Override
  public ContainerCgroup prepare(String containerId, double cpus, double memMb) {
    new CgroupLimits(cpus, memMb);   // refuses what the real isolators refuse, so callers see one contract
    CgroupsOptions.validateName("container id", containerId).ifPresent(bad -> {
      throw new IllegalArgumentException(bad);
    });
    return new ContainerCgroup(containerId, List.of());
  }

  @Override
  public Optional<Limitation> limitation(ContainerCgroup cgroup) {
    return Optional.empty();
  }

  @Override
  public Optional<CgroupUsage> usage(ContainerCgroup cgroup) {
    return Optional.empty();
  }

  @Override
  public int kill(ContainerCgroup cgroup) {
    return 0;
  }

  @Override
  public void destroy(ContainerCgroup cgroup) {
  }

  @Override
  public List<ContainerCgroup> recover() {
    return List.of();
  }
}
