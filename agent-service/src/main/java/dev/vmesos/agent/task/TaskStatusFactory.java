package dev.vmesos.agent.task;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.ContainerID;
import dev.vmesos.api.v1.Protos.ContainerStatus;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import dev.vmesos.api.v1.Protos.TaskStatus.Source;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.UUID;

/** Builds the {@link TaskStatus}es the agent reports: ids, timestamp and a fresh 16-byte uuid. */
public final class TaskStatusFactory {

  private final Clock clock;

  public TaskStatusFactory(Clock clock) {
    this.clock = clock;
  }

  /**
   * A status of {@code task}; {@code reason} and {@code message} may be
   * null. The container status is added once the task has a process.
   */
  public TaskStatus status(AgentTask task, TaskState state, Source source, Reason reason, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(task.taskId())
        .setState(state)
        .setSource(source)
        .setAgentId(task.agentId())
        .setExecutorId(task.executorId())
        .setTimestamp(clock.millis() / 1000.0)
        .setUuid(randomUuid());
    if (reason != null) {
      status.setReason(reason);
    }
    if (message != null) {
      status.setMessage(message);
    }
    ContainerStatus.Builder container = ContainerStatus.newBuilder()
        .setContainerId(ContainerID.newBuilder().setValue(task.containerId()));
    task.pid().ifPresent(pid -> container.setExecutorPid(pid.intValue()));
    return status.setContainerStatus(container).build();
  }

  /** 16 random bytes, as Mesos's {@code UUID::random().toBytes()}. */
  public static ByteString randomUuid() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return ByteString.copyFrom(bytes.array());
  }
}
