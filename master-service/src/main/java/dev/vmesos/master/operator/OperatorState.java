package dev.vmesos.master.operator;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Role;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.TimeInfo;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.Protos.WeightInfo;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.api.v1.master.Protos.Response.GetAgents;
import dev.vmesos.api.v1.master.Protos.Response.GetFrameworks;
import dev.vmesos.api.v1.quota.Protos.QuotaConfig;
import dev.vmesos.api.v1.quota.Protos.QuotaInfo;
import dev.vmesos.api.v1.quota.Protos.QuotaStatus;
import dev.vmesos.master.allocator.HierarchicalAllocator;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The master's state as v1 operator API messages ({@code GET_STATE}, {@code GET_AGENTS},
 * {@code GET_FRAMEWORKS}, {@code GET_TASKS}, {@code GET_ROLES}, {@code GET_WEIGHTS},
 * {@code GET_QUOTA}), also used for the operator event stream. Reads the master only through its
 * public accessors. Resources are in the post-refinement format with {@code allocation_info} where
 * allocated, as the real master's v1 API writes them.
 */
final class OperatorState {

  private final Master master;
  private final String agentVersion;
  private final RegistrationTimes times;

  OperatorState(Master master, String agentVersion, RegistrationTimes times) {
    this.master = master;
    this.agentVersion = agentVersion;
    this.times = times;
  }

  Response.GetState state() {
    return Response.GetState.newBuilder()
        .setGetTasks(tasks())
        .setGetExecutors(executors())
        .setGetFrameworks(frameworks())
        .setGetAgents(agents())
        .build();
  }

  GetAgents agents() {
    Usage usage = new Usage(master);
    GetAgents.Builder agents = GetAgents.newBuilder();
    for (Agent agent : master.agents().values()) {
      agents.addAgents(agent(agent, usage));
    }
    for (Agent agent : master.recoveringAgents().values()) {
      agents.addRecoveredAgents(agent.info());
    }
    return agents.build();
  }

  GetAgents.Agent agent(Agent agent) {
    return agent(agent, new Usage(master));
  }

  private GetAgents.Agent agent(Agent agent, Usage usage) {
    GetAgents.Agent.Builder builder = GetAgents.Agent.newBuilder()
        .setAgentInfo(agent.info())
        .setActive(true)
        .setVersion(agentVersion)
        .setPid("slave(1)@" + agent.info().getHostname() + ":" + agent.info().getPort())
        .addAllTotalResources(agent.total().toList())
        .addAllAllocatedResources(usage.usedOn(agent.id()).toList())
        .addAllOfferedResources(usage.offeredOn(agent.id()).toList());
    setTime(times.agentRegistered(agent.id()), builder::setRegisteredTime);
    return builder.build();
  }

  GetFrameworks frameworks() {
    Usage usage = new Usage(master);
    GetFrameworks.Builder frameworks = GetFrameworks.newBuilder();
    for (Framework framework : master.frameworks().values()) {
      frameworks.addFrameworks(framework(framework, usage, true));
    }
    for (Framework framework : master.completedFrameworks()) {
      frameworks.addCompletedFrameworks(framework(framework, usage, false));
    }
    return frameworks.build();
  }

  GetFrameworks.Framework framework(Framework framework) {
    return framework(framework, new Usage(master), master.frameworks().get(framework.id()) == framework);
  }

  private GetFrameworks.Framework framework(Framework framework, Usage usage, boolean registered) {
    boolean connected = registered && framework.connected();
    GetFrameworks.Framework.Builder builder = GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(framework.info())
        .setActive(connected)
        .setConnected(connected)
        .setRecovered(false);
    setTime(times.frameworkRegistered(framework.id()), builder::setRegisteredTime);
    setTime(times.frameworkReregistered(framework.id()), builder::setReregisteredTime);
    if (!registered) {
      setTime(times.frameworkUnregistered(framework.id()), builder::setUnregisteredTime);
    }
    if (registered) {
      for (Offer offer : framework.offers().values()) {
        builder.addOffers(offer(framework, offer));
      }
      builder
          .addAllAllocatedResources(usage.usedBy(framework.id()).toList())
          .addAllOfferedResources(usage.offeredTo(framework.id()).toList());
    }
    return builder.build();
  }

  /**
   * An offer as the operator API shows it: resources in the post-refinement format and allocated to
   * the offer's role, whatever format the framework itself was sent.
   */
  private static Offer offer(Framework framework, Offer offer) {
    Resources resources = Usage.offerResources(framework, offer);
    return offer.toBuilder()
        .clearResources()
        .addAllResources(resources.toList())
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(Usage.offerRole(framework, offer)))
        .build();
  }

  /**
   * Tasks of registered frameworks (TASK_UNREACHABLE ones apart, as Mesos keeps them), and the
   * completed tasks of every framework the master remembers, registered or removed.
   */
  Response.GetTasks tasks() {
    Response.GetTasks.Builder tasks = Response.GetTasks.newBuilder();
    for (Framework framework : master.frameworks().values()) {
      for (Task task : framework.tasks().values()) {
        if (task.state() == TaskState.TASK_UNREACHABLE) {
          tasks.addUnreachableTasks(task(task));
        } else {
          tasks.addTasks(task(task));
        }
      }
      for (Task task : framework.completedTasks()) {
        tasks.addCompletedTasks(task(task));
      }
    }
    for (Framework framework : master.completedFrameworks()) {
      for (Task task : framework.tasks().values()) {
        tasks.addCompletedTasks(task(task));
      }
      for (Task task : framework.completedTasks()) {
        tasks.addCompletedTasks(task(task));
      }
    }
    return tasks.build();
  }

  /** The executors of registered frameworks, each with its agent (GET_EXECUTORS). */
  Response.GetExecutors executors() {
    Response.GetExecutors.Builder executors = Response.GetExecutors.newBuilder();
    for (Framework framework : master.frameworks().values()) {
      framework.executors().forEach((agentId, byId) -> byId.values().forEach(info -> executors.addExecutors(
          Response.GetExecutors.Executor.newBuilder()
              .setExecutorInfo(info.hasFrameworkId() ? info : info.toBuilder()
                  .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id())).build())
              .setAgentId(AgentID.newBuilder().setValue(agentId)))));
    }
    return executors.build();
  }

  /** Mesos's {@code Task} message for a tracked task. */
  static dev.vmesos.api.v1.Protos.Task task(Task task) {
    TaskInfo info = task.info();
    dev.vmesos.api.v1.Protos.Task.Builder builder = dev.vmesos.api.v1.Protos.Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId()))
        .setAgentId(AgentID.newBuilder().setValue(task.agentId()))
        .setState(task.state())
        .addAllResources(task.resources().toList())
        .addAllStatuses(statuses(task));
    if (info.hasExecutor()) {
      builder.setExecutorId(info.getExecutor().getExecutorId());
    }
    TaskStatus latest = task.latestStatus();
    if (latest != null && latest.hasUuid()) {
      builder.setStatusUpdateState(latest.getState()).setStatusUpdateUuid(latest.getUuid());
    }
    if (info.hasLabels()) {
      builder.setLabels(info.getLabels());
    }
    if (info.hasDiscovery()) {
      builder.setDiscovery(info.getDiscovery());
    }
    if (info.hasContainer()) {
      builder.setContainer(info.getContainer());
    }
    if (info.hasHealthCheck()) {
      builder.setHealthCheck(info.getHealthCheck());
    }
    if (info.hasKillPolicy()) {
      builder.setKillPolicy(info.getKillPolicy());
    }
    if (info.hasCommand() && info.getCommand().hasUser()) {
      builder.setUser(info.getCommand().getUser());
    }
    builder.putAllLimits(info.getLimitsMap());
    return builder.build();
  }

  /**
   * The statuses a task went through, as Mesos's master keeps them (one per state in a row); the
   * placeholder STAGING status the master makes at launch is not one (Mesos lists no status for a
   * task no agent reported on).
   */
  static List<TaskStatus> statuses(Task task) {
    return task.statuses();
  }

  /** Every role the allocator knows, with its weight, frameworks and what it is offered or allocated. */
  Response.GetRoles roles() {
    HierarchicalAllocator allocator = master.allocator();
    Map<String, Double> weights = allocator.weights();
    Map<String, Set<String>> frameworksByRole = new TreeMap<>();
    for (Framework framework : master.frameworks().values()) {
      for (String role : framework.roles()) {
        frameworksByRole.computeIfAbsent(role, k -> new TreeSet<>()).add(framework.id());
      }
    }
    Set<String> names = new TreeSet<>(allocator.roleNames());
    names.addAll(frameworksByRole.keySet());
    Response.GetRoles.Builder roles = Response.GetRoles.newBuilder();
    for (String name : names) {
      Role.Builder role = Role.newBuilder().setName(name).setWeight(weights.getOrDefault(name, 1.0));
      for (String frameworkId : frameworksByRole.getOrDefault(name, Set.of())) {
        role.addFrameworks(FrameworkID.newBuilder().setValue(frameworkId));
      }
      new TreeMap<>(allocator.roleAllocation(name)).forEach((resource, amount) -> {
        if (amount > 0) {
          role.addResources(scalar(resource, amount, name));
        }
      });
      roles.addRoles(role);
    }
    return roles.build();
  }

  /** Weights that differ from the default of 1 (Mesos lists only weights that were set). */
  Response.GetWeights weights() {
    Response.GetWeights.Builder weights = Response.GetWeights.newBuilder();
    master.allocator().weights().forEach((role, weight) -> {
      if (weight != 1.0) {
        weights.addWeightInfos(WeightInfo.newBuilder().setRole(role).setWeight(weight));
      }
    });
    return weights.build();
  }

  /** Every role's quota as a config (guarantees and limits) and, for old clients, an info. */
  QuotaStatus quota() {
    QuotaStatus.Builder status = QuotaStatus.newBuilder();
    for (Map.Entry<String, Quota> entry : master.allocator().quotas().entrySet()) {
      Quota quota = entry.getValue();
      QuotaConfig.Builder config = QuotaConfig.newBuilder().setRole(entry.getKey());
      quota.guarantees().forEach((name, value) -> config.putGuarantees(name, scalar(value)));
      quota.limits().forEach((name, value) -> config.putLimits(name, scalar(value)));
      status.addConfigs(config);
      List<Resource> guarantee = new ArrayList<>();
      new TreeMap<>(quota.guarantees()).forEach((name, value) -> guarantee.add(scalar(name, value, null)));
      status.addInfos(QuotaInfo.newBuilder().setRole(entry.getKey()).addAllGuarantee(guarantee));
    }
    return status.build();
  }

  private static Value.Scalar scalar(double value) {
    return Value.Scalar.newBuilder().setValue(value).build();
  }

  private static Resource scalar(String name, double value, String allocatedTo) {
    Resource.Builder resource = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(scalar(value));
    if (allocatedTo != null) {
      resource.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocatedTo));
    }
    return resource.build();
  }

  private static void setTime(OptionalLong millis, java.util.function.Consumer<TimeInfo> setter) {
    if (millis.isPresent()) {
      setter.accept(TimeInfo.newBuilder().setNanoseconds(millis.getAsLong() * 1_000_000).build());
    }
  }
}
