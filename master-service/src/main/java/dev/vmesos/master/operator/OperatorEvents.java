package dev.vmesos.master.operator;

import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Task;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.master.Protos.Event;
import dev.vmesos.api.v1.master.Protos.Response;
import java.time.Duration;

/** Factories for the operator API's events (the stream answering {@code SUBSCRIBE}). */
final class OperatorEvents {

  private OperatorEvents() {
  }

  static Event subscribed(Response.GetState state, Duration heartbeatInterval) {
    return Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setGetState(state)
            .setHeartbeatIntervalSeconds(heartbeatInterval.toMillis() / 1000.0))
        .build();
  }

  static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }

  static Event taskAdded(Task task) {
    return Event.newBuilder().setType(Event.Type.TASK_ADDED)
        .setTaskAdded(Event.TaskAdded.newBuilder().setTask(task)).build();
  }

  static Event taskUpdated(String frameworkId, TaskStatus status, TaskState state) {
    return Event.newBuilder().setType(Event.Type.TASK_UPDATED)
        .setTaskUpdated(Event.TaskUpdated.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setStatus(status)
            .setState(state))
        .build();
  }

  static Event agentAdded(Response.GetAgents.Agent agent) {
    return Event.newBuilder().setType(Event.Type.AGENT_ADDED)
        .setAgentAdded(Event.AgentAdded.newBuilder().setAgent(agent)).build();
  }

  static Event agentRemoved(String agentId) {
    return Event.newBuilder().setType(Event.Type.AGENT_REMOVED)
        .setAgentRemoved(Event.AgentRemoved.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId)))
        .build();
  }

  static Event frameworkAdded(Response.GetFrameworks.Framework framework) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_ADDED)
        .setFrameworkAdded(Event.FrameworkAdded.newBuilder().setFramework(framework)).build();
  }

  static Event frameworkUpdated(Response.GetFrameworks.Framework framework) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_UPDATED)
        .setFrameworkUpdated(Event.FrameworkUpdated.newBuilder().setFramework(framework)).build();
  }

  static Event frameworkRemoved(FrameworkInfo info) {
    return Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED)
        .setFrameworkRemoved(Event.FrameworkRemoved.newBuilder().setFrameworkInfo(info)).build();
  }
}
