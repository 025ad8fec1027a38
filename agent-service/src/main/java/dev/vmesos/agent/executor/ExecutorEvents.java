package dev.vmesos.agent.executor;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ContainerID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.executor.Protos.Event;
import java.util.Optional;

/** Static factories for the executor API's events (agent to executor). */
final class ExecutorEvents {

  private ExecutorEvents() {
  }

  static Event subscribed(ExecutorInfo executor, FrameworkInfo framework, AgentInfo agent, String containerId) {
    return Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setExecutorInfo(executor)
            .setFrameworkInfo(framework)
            .setAgentInfo(agent)
            .setContainerId(ContainerID.newBuilder().setValue(containerId)))
        .build();
  }

  static Event launch(TaskInfo task) {
    return Event.newBuilder().setType(Event.Type.LAUNCH)
        .setLaunch(Event.Launch.newBuilder().setTask(task)).build();
  }

  static Event kill(TaskID taskId, Optional<KillPolicy> policy) {
    Event.Kill.Builder kill = Event.Kill.newBuilder().setTaskId(taskId);
    policy.ifPresent(kill::setKillPolicy);
    return Event.newBuilder().setType(Event.Type.KILL).setKill(kill).build();
  }

  static Event acknowledged(TaskID taskId, ByteString uuid) {
    return Event.newBuilder().setType(Event.Type.ACKNOWLEDGED)
        .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(taskId).setUuid(uuid)).build();
  }

  static Event message(ByteString data) {
    return Event.newBuilder().setType(Event.Type.MESSAGE)
        .setMessage(Event.Message.newBuilder().setData(data)).build();
  }

  static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR)
        .setError(Event.Error.newBuilder().setMessage(message)).build();
  }

  static Event shutdown() {
    return Event.newBuilder().setType(Event.Type.SHUTDOWN).build();
  }

  static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }
}
