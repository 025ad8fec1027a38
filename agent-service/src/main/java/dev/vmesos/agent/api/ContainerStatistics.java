package dev.vmesos.agent.api;

import dev.vmesos.agent.cgroups.CgroupUsage;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.v1.Protos.ContainerID;
import dev.vmesos.api.v1.Protos.ContainerStatus;
import dev.vmesos.api.v1.Protos.ResourceStatistics;
import dev.vmesos.api.v1.agent.Protos.Response;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;

/**
 * A container's usage as Mesos reports it ({@code ResourceStatistics}): the figures its cgroups
 * count (process containers in cgroups), and always the timestamp and the limits it was given. The
 * JSON shapes are those of Mesos's {@code /monitor/statistics} and {@code /containers}.
 */
final class ContainerStatistics {

  private static final double MIB = 1024 * 1024;

  private ContainerStatistics() {
  }

  /** Reads the container's cgroups: blocking, call off the event loop. */
  static ResourceStatistics of(AgentView.ContainerView container, Clock clock) {
    ResourceStatistics.Builder statistics = ResourceStatistics.newBuilder()
        .setTimestamp(clock.millis() / 1000.0)
        .setCpusLimit(container.cpus())
        .setMemLimitBytes((long) (container.memMb() * MIB));
    Optional<CgroupUsage> usage = container.container() == null ? Optional.empty() : container.container().usage();
    usage.ifPresent(u -> {
      statistics.setCpusUserTimeSecs(u.cpusUserTimeSecs())
          .setCpusSystemTimeSecs(u.cpusSystemTimeSecs())
          .setCpusNrPeriods((int) u.cpusNrPeriods())
          .setCpusNrThrottled((int) u.cpusNrThrottled())
          .setCpusThrottledTimeSecs(u.cpusThrottledTimeSecs())
          .setMemTotalBytes(u.memTotalBytes())
          .setMemRssBytes(u.memRssBytes());
      if (u.cpusLimit() > 0) {
        statistics.setCpusLimit(u.cpusLimit());
      }
      if (u.memLimitBytes() > 0) {
        statistics.setMemLimitBytes(u.memLimitBytes());
      }
    });
    return statistics.build();
  }

  static Response.GetContainers.Container proto(AgentView.ContainerView container, ResourceStatistics statistics) {
    ContainerStatus.Builder status = ContainerStatus.newBuilder()
        .setContainerId(ContainerID.newBuilder().setValue(container.containerId()));
    container.pid().ifPresent(pid -> status.setExecutorPid((int) pid));
    return Response.GetContainers.Container.newBuilder()
        .setFrameworkId(container.frameworkId())
        .setExecutorId(container.executorId())
        .setExecutorName(container.executorName())
        .setContainerId(ContainerID.newBuilder().setValue(container.containerId()))
        .setContainerStatus(status)
        .setResourceStatistics(statistics)
        .build();
  }

  /** One entry of {@code /monitor/statistics}. */
  static JsonObject monitorJson(AgentView.ContainerView container, ResourceStatistics statistics) {
    return new JsonObject()
        .put("executor_id", container.executorId().getValue())
        .put("executor_name", container.executorName())
        .put("framework_id", container.frameworkId().getValue())
        .put("source", container.executorId().getValue())
        .put("statistics", new JsonObject(MesosJson.print(statistics)));
  }

  /** One entry of {@code /containers}. */
  static JsonObject containersJson(AgentView.ContainerView container, ResourceStatistics statistics) {
    JsonObject status = new JsonObject().put("container_id", new JsonObject().put("value", container.containerId()));
    container.pid().ifPresent(pid -> status.put("executor_pid", pid));
    return monitorJson(container, statistics)
        .put("container_id", container.containerId())
        .put("status", status);
  }
}
