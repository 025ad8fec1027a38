package dev.vmesos.agent;

import dev.vmesos.agent.cgroups.CgroupIsolator;
import dev.vmesos.agent.cgroups.ContainerCgroup;
import dev.vmesos.agent.container.Container;
import dev.vmesos.agent.container.ContainerCheckpoints;
import dev.vmesos.agent.container.Containerizers;
import dev.vmesos.agent.container.DockerContainerizer;
import dev.vmesos.agent.container.EndedContainer;
import dev.vmesos.agent.container.ProcessContainerizer;
import dev.vmesos.agent.docker.ContainerLabels;
import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.executor.CustomExecutors;
import dev.vmesos.agent.task.CommandExecutor;
import dev.vmesos.api.internal.Internal.ContainerCheckpoint;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent restarted on its work_dir does before it registers, as Mesos's agent recovery
 * with {@code --recover=reconnect}: it takes back the command tasks and custom executors of
 * checkpointing frameworks whose containers a previous run started (running or ended meanwhile),
 * and kills and forgets every other container of that run (other frameworks' tasks, containers
 * with no checkpoint), with their cgroups. Runs on the agent verticle's context.
 */
final class AgentRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRecovery.class);

  private final Context context;
  private final ContainerCheckpoints checkpoints;
  private final Containerizers containerizers;
  private final CgroupIsolator isolator;
  private final CommandExecutor executor;
  private final CustomExecutors customExecutors;

  /** @param isolator null when cgroups are off */
  AgentRecovery(Context context, ContainerCheckpoints checkpoints, Containerizers containerizers,
      CgroupIsolator isolator, CommandExecutor executor, CustomExecutors customExecutors) {
    this.context = context;
    this.checkpoints = checkpoints;
    this.containerizers = containerizers;
    this.isolator = isolator;
    this.executor = executor;
    this.customExecutors = customExecutors;
  }

  /**
   * Recovers; completes with the agent id of the previous run, if there was one.
   *
   * @param pending each task's unacknowledged updates, by {@code frameworkId/taskId}
   */
  Future<Optional<AgentID>> run(Map<String, List<StatusUpdate>> pending) {
    return context.executeBlocking(() -> {
      ContainerCheckpoints.Found found = checkpoints.recover();
      List<ContainerCgroup> cgroups = isolator != null && isolator.enabled() ? isolator.recover() : List.of();
      return new Scan(found, cgroups);
    }, false).compose(scan -> recoverAll(scan, pending).map(scan.found().agentId()));
  }

  private record Scan(ContainerCheckpoints.Found found, List<ContainerCgroup> cgroups) {
  }

  private Future<Void> recoverAll(Scan scan, Map<String, List<StatusUpdate>> pending) {
    ContainerCheckpoints.Found found = scan.found();
    if (found.checkpoints().isEmpty() && found.orphans().isEmpty() && scan.cgroups().isEmpty()) {
      return cleanUpDocker(found.agentId(), Set.of());
    }
    LOG.info("Recovering agent {}: {} checkpointed container(s), {} other(s)",
        found.agentId().map(AgentID::getValue).orElse("(never registered)"), found.checkpoints().size(),
        found.orphans().size());
    Set<String> kept = new HashSet<>();
    List<String> unwanted = new ArrayList<>(found.orphans());
    List<Future<?>> recovered = new ArrayList<>();
    for (ContainerCheckpoint checkpoint : found.checkpoints()) {
      kept.add(checkpoint.getContainerId());
      if (checkpoint.hasExecutorInfo()) {
        recovered.add(context.executeBlocking(() -> checkpoints.readExecutorTasks(checkpoint.getContainerId()), false)
            .compose(given -> container(checkpoint, scan.cgroups())
                .onSuccess(container -> customExecutors.recover(checkpoint, given, pending, container))));
        continue;
      }
      String key = checkpoint.getFrameworkInfo().getId().getValue() + "/" + checkpoint.getTask().getTaskId().getValue();
      List<StatusUpdate> updates = pending.getOrDefault(key, List.of());
      Optional<TaskState> lastState = updates.isEmpty() ? Optional.empty()
          : Optional.of(updates.get(updates.size() - 1).getStatus().getState());
      recovered.add(container(checkpoint, scan.cgroups())
          .onSuccess(container -> executor.recover(checkpoint, lastState, container)));
    }
    return Future.all(recovered)
        .compose(v -> killUnwanted(unwanted, scan.cgroups(), kept))
        .compose(v -> cleanUpDocker(found.agentId(), kept));
  }

  /** The container of a checkpointed task, through the containerizer that started it. */
  private Future<Container> container(ContainerCheckpoint checkpoint, List<ContainerCgroup> cgroups) {
    String containerId = checkpoint.getContainerId();
    if (checkpoint.getDocker()) {
      Optional<DockerContainerizer> docker = containerizers.docker();
      if (docker.isEmpty()) {
        LOG.error("Container {} is a Docker container but --containerizers no longer has docker: its task is lost",
            containerId);
        return Future.succeededFuture(new EndedContainer(containerId));
      }
      double mem = Resources.of(checkpoint.hasTask() ? checkpoint.getTask().getResourcesList()
          : checkpoint.getExecutorInfo().getResourcesList()).scalar("mem");
      return docker.get().recover(containerId, Path.of(checkpoint.getSandbox()), mem);
    }
    Optional<ProcessContainerizer> mesos = containerizers.mesos();
    if (mesos.isEmpty()) {
      LOG.error("Container {} is a process but --containerizers no longer has mesos: its task is lost", containerId);
      return Future.succeededFuture(new EndedContainer(containerId));
    }
    Optional<ContainerCgroup> cgroup = cgroups.stream().filter(c -> c.containerId().equals(containerId)).findFirst();
    return context.executeBlocking(() -> mesos.get().recover(containerId, cgroup), false);
  }

  /** Kills what no task wants any more and forgets it: processes by pid file, cgroups by name. */
  private Future<Void> killUnwanted(List<String> unwanted, List<ContainerCgroup> cgroups, Set<String> kept) {
    return context.executeBlocking(() -> {
      for (String containerId : unwanted) {
        containerizers.mesos().ifPresent(mesos -> mesos.killOrphan(containerId));
        checkpoints.remove(containerId);
      }
      for (ContainerCgroup cgroup : cgroups) {
        if (!kept.contains(cgroup.containerId())) {
          LOG.info("Destroying the cgroup of orphaned container {}", cgroup.containerId());
          isolator.kill(cgroup);
          isolator.destroy(cgroup);
        }
      }
      return null;
    }, false);
  }

  /** Removes this agent's Docker containers that no recovered task owns ({@code --docker_kill_orphans}). */
  private Future<Void> cleanUpDocker(Optional<AgentID> agentId, Set<String> kept) {
    Optional<DockerContainerizer> docker = containerizers.docker();
    if (docker.isEmpty() || agentId.isEmpty()) {
      return Future.succeededFuture();
    }
    return docker.get().engine().list(agentId.get().getValue()).compose(containers -> {
      List<Future<?>> removals = new ArrayList<>();
      for (ContainerSummary container : containers) {
        if (!container.label(ContainerLabels.CONTAINER_ID).map(kept::contains).orElse(false)) {
          LOG.info("Removing orphaned Docker container {}", container.name());
          removals.add(docker.get().engine().remove(container.id()));
        }
      }
      return Future.join(removals).<Void>mapEmpty();
    }).recover(e -> {
      LOG.warn("Could not clean up orphaned Docker containers: {}", e.getMessage());
      return Future.succeededFuture();
    });
  }
}
