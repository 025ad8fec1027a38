package dev.vmesos.master.operator;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The master's legacy (v0) JSON: {@code /state}, {@code /state-summary}, {@code /flags}. Keys and
 * value shapes are those of Mesos's {@code readonly_handler.cpp} and the {@code json()} writers of
 * {@code common/http.cpp}, which the web UI, monitoring exporters and scripts read: {@code slaves}
 * and {@code slave_id} names, resources as name-to-number maps, enum names as strings, times in
 * seconds. Reads the master only through its public accessors; builds a fresh object per call.
 */
final class StateJson {

  /** The task states {@code /state-summary} counts per agent and framework, in Mesos's order. */
  private static final List<TaskState> SUMMARY_STATES = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
      TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_FINISHED, TaskState.TASK_KILLED,
      TaskState.TASK_FAILED, TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_UNREACHABLE);

  private final Master master;
  private final BuildInfo build;
  private final SortedMap<String, String> flags;
  private final RegistrationTimes times;
  private final double startTime;
  private final double electedTime;

  StateJson(Master master, BuildInfo build, SortedMap<String, String> flags, RegistrationTimes times,
            double startTime, double electedTime) {
    this.master = master;
    this.build = build;
    this.flags = flags;
    this.times = times;
    this.startTime = startTime;
    this.electedTime = electedTime;
  }

  JsonObject version() {
    return build.json();
  }

  JsonObject flags() {
    return new JsonObject().put("flags", flagsObject());
  }

  private JsonObject flagsObject() {
    JsonObject json = new JsonObject();
    flags.forEach(json::put);
    return json;
  }

  /** {@code /state}: everything, in the key order Mesos writes. */
  JsonObject state() {
    MasterInfo info = master.masterInfo();
    Usage usage = new Usage(master);
    JsonObject state = build.json()
        .put("start_time", startTime)
        .put("elected_time", electedTime)
        .put("id", info.getId())
        .put("pid", info.getPid())
        .put("hostname", info.getHostname())
        .put("capabilities", ProtoJson.array(info.getCapabilitiesList()))
        .put("activated_slaves", (double) master.agents().size())
        .put("deactivated_slaves", 0.0)
        .put("unreachable_slaves", (double) master.unreachableAgents().size());
    if (info.hasDomain()) {
      state.put("domain", ProtoJson.object(info.getDomain()));
    }
    state.put("leader", info.getPid())
        .put("leader_info", ProtoJson.object(info))
        .put("flags", flagsObject());
    JsonArray slaves = new JsonArray();
    for (Agent agent : master.agents().values()) {
      slaves.add(slave(agent, usage));
    }
    // As Mesos: the agents of the recovered registry that have not re-registered with this leader yet.
    JsonArray recovered = new JsonArray();
    for (Agent agent : master.recoveringAgents().values()) {
      recovered.add(recoveredSlave(agent));
    }
    state.put("slaves", slaves).put("recovered_slaves", recovered);
    JsonArray frameworks = new JsonArray();
    for (Framework framework : master.frameworks().values()) {
      frameworks.add(fullFramework(framework, usage, true));
    }
    JsonArray completed = new JsonArray();
    for (Framework framework : master.completedFrameworks()) {
      completed.add(fullFramework(framework, usage, false));
    }
    return state.put("frameworks", frameworks)
        .put("completed_frameworks", completed)
        .put("orphan_tasks", new JsonArray())
        .put("unregistered_frameworks", new JsonArray());
  }

  /**
   * {@code /frameworks}: the registered and the completed frameworks in full, as in {@code /state};
   * {@code frameworkId} non-null keeps only that framework (Mesos's {@code ?framework_id=}).
   */
  JsonObject frameworks(String frameworkId) {
    Usage usage = new Usage(master);
    JsonArray frameworks = new JsonArray();
    for (Framework framework : master.frameworks().values()) {
      if (frameworkId == null || frameworkId.equals(framework.id())) {
        frameworks.add(fullFramework(framework, usage, true));
      }
    }
    JsonArray completed = new JsonArray();
    for (Framework framework : master.completedFrameworks()) {
      if (frameworkId == null || frameworkId.equals(framework.id())) {
        completed.add(fullFramework(framework, usage, false));
      }
    }
    return new JsonObject().put("frameworks", frameworks).put("completed_frameworks", completed)
        .put("unregistered_frameworks", new JsonArray());
  }

  /** {@code /slaves}: the registered and the recovered agents, as in {@code /state}; one with {@code agentId}. */
  JsonObject slaves(String agentId) {
    Usage usage = new Usage(master);
    JsonArray slaves = new JsonArray();
    for (Agent agent : master.agents().values()) {
      if (agentId == null || agentId.equals(agent.id())) {
        slaves.add(slave(agent, usage));
      }
    }
    JsonArray recovered = new JsonArray();
    for (Agent agent : master.recoveringAgents().values()) {
      if (agentId == null || agentId.equals(agent.id())) {
        recovered.add(recoveredSlave(agent));
      }
    }
    return new JsonObject().put("slaves", slaves).put("recovered_slaves", recovered);
  }

  /** {@code /state-summary}: agents and frameworks without tasks, with task counts by state. */
  JsonObject stateSummary() {
    Usage usage = new Usage(master);
    Map<String, Map<TaskState, Integer>> byAgent = new java.util.HashMap<>();
    Map<String, Set<String>> frameworksOnAgent = new java.util.HashMap<>();
    JsonArray frameworks = new JsonArray();
    for (Framework framework : master.frameworks().values()) {
      Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
      Set<String> agentIds = new LinkedHashSet<>();
      for (Task task : framework.tasks().values()) {
        counts.merge(task.state(), 1, Integer::sum);
        byAgent.computeIfAbsent(task.agentId(), k -> new EnumMap<>(TaskState.class))
            .merge(task.state(), 1, Integer::sum);
        agentIds.add(task.agentId());
        frameworksOnAgent.computeIfAbsent(task.agentId(), k -> new LinkedHashSet<>()).add(framework.id());
      }
      // As Mesos's TaskStateSummaries: the completed tasks count too.
      for (Task task : framework.completedTasks()) {
        counts.merge(task.state(), 1, Integer::sum);
        byAgent.computeIfAbsent(task.agentId(), k -> new EnumMap<>(TaskState.class))
            .merge(task.state(), 1, Integer::sum);
      }
      JsonObject json = frameworkSummary(framework, usage, true);
      putCounts(json, counts);
      frameworks.add(json.put("slave_ids", new JsonArray(List.copyOf(agentIds))));
    }
    JsonArray slaves = new JsonArray();
    for (Agent agent : master.agents().values()) {
      JsonObject json = slave(agent, usage);
      putCounts(json, byAgent.getOrDefault(agent.id(), Map.of()));
      slaves.add(json.put("framework_ids",
          new JsonArray(List.copyOf(frameworksOnAgent.getOrDefault(agent.id(), Set.of())))));
    }
    return new JsonObject()
        .put("hostname", master.masterInfo().getHostname())
        .put("slaves", slaves)
        .put("frameworks", frameworks);
  }

  private static void putCounts(JsonObject json, Map<TaskState, Integer> counts) {
    for (TaskState state : SUMMARY_STATES) {
      json.put(state.name(), counts.getOrDefault(state, 0));
    }
  }

  private JsonObject slave(Agent agent, Usage usage) {
    AgentInfo info = agent.info();
    JsonObject json = new JsonObject()
        .put("id", agent.id())
        .put("hostname", info.getHostname())
        .put("port", info.getPort())
        .put("attributes", ResourcesJson.attributes(info.getAttributesList()));
    if (info.hasDomain()) {
      json.put("domain", ProtoJson.object(info.getDomain()));
    }
    Resources total = agent.total();
    return json
        .put("pid", "slave(1)@" + info.getHostname() + ":" + info.getPort())
        .put("registered_time", seconds(times.agentRegistered(agent.id())).orElse(startTime))
        .put("resources", ResourcesJson.of(total))
        .put("used_resources", ResourcesJson.of(usage.usedOn(agent.id())))
        .put("offered_resources", ResourcesJson.of(usage.offeredOn(agent.id())))
        .put("reserved_resources", ResourcesJson.byReservationRole(total))
        .put("unreserved_resources", ResourcesJson.of(total.unreserved()))
        .put("active", true)
        .put("deactivated", false)
        .put("version", build.version())
        .put("capabilities", new JsonArray());
  }

  /** A recovered agent as Mesos writes its SlaveInfo in {@code recovered_slaves}. */
  private static JsonObject recoveredSlave(Agent agent) {
    AgentInfo info = agent.info();
    return new JsonObject()
        .put("id", agent.id())
        .put("hostname", info.getHostname())
        .put("port", info.getPort())
        .put("attributes", ResourcesJson.attributes(info.getAttributesList()))
        .put("resources", ResourcesJson.of(agent.total()));
  }

  /** The fields Mesos's {@code Summary<Framework>} writes (no pid: every framework here is HTTP). */
  private static JsonObject frameworkSummary(Framework framework, Usage usage, boolean registered) {
    FrameworkInfo info = framework.info();
    boolean connected = registered && framework.connected();
    return new JsonObject()
        .put("id", framework.id())
        .put("name", info.getName())
        .put("used_resources", ResourcesJson.of(registered ? usage.usedBy(framework.id()) : Resources.empty()))
        .put("offered_resources", ResourcesJson.of(registered ? usage.offeredTo(framework.id()) : Resources.empty()))
        .put("capabilities", ProtoJson.array(info.getCapabilitiesList()))
        .put("hostname", info.getHostname())
        .put("webui_url", info.getWebuiUrl())
        .put("active", connected)
        .put("connected", connected)
        .put("recovered", false);
  }

  /** Mesos's {@code FullFrameworkWriter}: the summary plus user, times, role(s), tasks and offers. */
  private JsonObject fullFramework(Framework framework, Usage usage, boolean registered) {
    FrameworkInfo info = framework.info();
    JsonObject json = frameworkSummary(framework, usage, registered)
        .put("user", info.getUser())
        .put("failover_timeout", info.getFailoverTimeout())
        .put("checkpoint", info.getCheckpoint())
        .put("registered_time", seconds(times.frameworkRegistered(framework.id())).orElse(startTime))
        .put("unregistered_time", seconds(times.frameworkUnregistered(framework.id())).orElse(0.0));
    if (info.hasPrincipal()) {
      json.put("principal", info.getPrincipal());
    }
    Resources held = registered ? usage.usedBy(framework.id()).plus(usage.offeredTo(framework.id()))
        : Resources.empty();
    json.put("resources", ResourcesJson.of(held));
    seconds(times.frameworkReregistered(framework.id())).ifPresent(t -> json.put("reregistered_time", t));
    if (info.getRolesCount() > 0) {
      json.put("roles", new JsonArray(List.copyOf(info.getRolesList())));
    } else {
      json.put("role", info.hasRole() ? info.getRole() : "*");
    }
    JsonArray tasks = new JsonArray();
    JsonArray unreachableTasks = new JsonArray();
    JsonArray completedTasks = new JsonArray();
    for (Task task : framework.tasks().values()) {
      // A removed framework's tasks are over (the master moves them to its completed tasks).
      if (!registered) {
        completedTasks.add(task(task, info));
      } else if (task.state() == TaskState.TASK_UNREACHABLE) {
        unreachableTasks.add(task(task, info));
      } else {
        tasks.add(task(task, info));
      }
    }
    for (Task task : framework.completedTasks()) {
      completedTasks.add(task(task, info));
    }
    JsonArray offers = new JsonArray();
    for (Offer offer : framework.offers().values()) {
      offers.add(offer(framework, offer));
    }
    json.put("tasks", tasks)
        .put("unreachable_tasks", unreachableTasks)
        .put("completed_tasks", completedTasks)
        .put("offers", offers)
        .put("executors", registered ? executors(framework) : new JsonArray());
    if (info.hasLabels()) {
      json.put("labels", ProtoJson.array(info.getLabels().getLabelsList()));
    }
    return json;
  }

  /** Mesos's {@code FullFrameworkWriter} executors: each of its executors with the agent it runs on. */
  static JsonArray executors(Framework framework) {
    JsonArray executors = new JsonArray();
    framework.executors().forEach((agentId, byId) -> byId.values()
        .forEach(executor -> executors.add(executor(framework, executor).put("slave_id", agentId))));
    return executors;
  }

  /** Mesos's {@code json(ExecutorInfo)} of {@code common/http.cpp}. */
  static JsonObject executor(Framework framework, ExecutorInfo info) {
    Resources resources = Resources.of(info.getResourcesList());
    JsonObject command = new JsonObject();
    CommandInfo commandInfo = info.getCommand();
    if (commandInfo.hasShell()) {
      command.put("shell", commandInfo.getShell());
    }
    if (commandInfo.hasValue()) {
      command.put("value", commandInfo.getValue());
    }
    command.put("argv", new JsonArray(List.copyOf(commandInfo.getArgumentsList())));
    if (commandInfo.hasEnvironment()) {
      command.put("environment", ProtoJson.object(commandInfo.getEnvironment()));
    }
    JsonArray uris = new JsonArray();
    for (CommandInfo.URI uri : commandInfo.getUrisList()) {
      uris.add(new JsonObject().put("value", uri.getValue()).put("executable", uri.getExecutable()));
    }
    command.put("uris", uris);
    JsonObject json = new JsonObject()
        .put("executor_id", info.getExecutorId().getValue())
        .put("name", info.getName())
        .put("framework_id", info.hasFrameworkId() ? info.getFrameworkId().getValue() : framework.id())
        .put("command", command)
        .put("resources", ResourcesJson.of(resources));
    if (!info.getResourcesList().isEmpty()) {
      Resource first = info.getResources(0);
      json.put("role", first.hasAllocationInfo() ? first.getAllocationInfo().getRole() : framework.role());
    }
    if (info.hasLabels()) {
      json.put("labels", ProtoJson.array(info.getLabels().getLabelsList()));
    }
    if (info.hasType()) {
      json.put("type", info.getType().name());
    }
    return json;
  }

  /** Mesos's {@code json(Task)}: v0 names, resources as a map, each status as state and time. */
  static JsonObject task(Task task, FrameworkInfo frameworkInfo) {
    TaskInfo info = task.info();
    JsonObject json = new JsonObject()
        .put("id", task.id())
        .put("name", info.getName())
        .put("framework_id", task.frameworkId())
        .put("executor_id", info.hasExecutor() ? info.getExecutor().getExecutorId().getValue() : "")
        .put("slave_id", task.agentId())
        .put("state", task.state().name())
        .put("resources", ResourcesJson.of(task.resources()))
        .put("role", task.role());
    JsonArray statuses = new JsonArray();
    for (TaskStatus status : OperatorState.statuses(task)) {
      statuses.add(status(status));
    }
    json.put("statuses", statuses);
    if (info.hasCommand() && info.getCommand().hasUser()) {
      json.put("user", info.getCommand().getUser());
    }
    if (info.hasLabels()) {
      json.put("labels", ProtoJson.array(info.getLabels().getLabelsList()));
    }
    if (info.hasDiscovery()) {
      json.put("discovery", ProtoJson.object(info.getDiscovery()));
    }
    if (info.hasContainer()) {
      json.put("container", ProtoJson.object(info.getContainer()));
    }
    return json;
  }

  private static JsonObject status(TaskStatus status) {
    JsonObject json = new JsonObject()
        .put("state", status.getState().name())
        .put("timestamp", status.getTimestamp());
    if (status.hasLabels()) {
      json.put("labels", ProtoJson.array(status.getLabels().getLabelsList()));
    }
    if (status.hasContainerStatus()) {
      json.put("container_status", ProtoJson.object(status.getContainerStatus()));
    }
    if (status.hasHealthy()) {
      json.put("healthy", status.getHealthy());
    }
    return json;
  }

  private static JsonObject offer(Framework framework, Offer offer) {
    Resources resources = Usage.offerResources(framework, offer);
    String role = Usage.offerRole(framework, offer);
    return new JsonObject()
        .put("id", offer.getId().getValue())
        .put("framework_id", framework.id())
        .put("allocation_info", new JsonObject().put("role", role))
        .put("slave_id", offer.getAgentId().getValue())
        .put("resources", ResourcesJson.of(resources));
  }

  private static java.util.OptionalDouble seconds(java.util.OptionalLong millis) {
    return millis.isPresent() ? java.util.OptionalDouble.of(millis.getAsLong() / 1000.0)
        : java.util.OptionalDouble.empty();
  }
}
