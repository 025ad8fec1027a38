package dev.vmesos.master.state;

import com.google.protobuf.ByteString;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.Address;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.URL;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Factories for the scheduler events and master-made statuses the master sends. */
public final class Events {

  private Events() {
  }

  public static Event subscribed(String frameworkId, Duration heartbeatInterval, MasterInfo masterInfo) {
    return Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setHeartbeatIntervalSeconds(heartbeatInterval.toMillis() / 1000.0)
            .setMasterInfo(masterInfo))
        .build();
  }

  public static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }

  public static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR)
        .setError(Event.Error.newBuilder().setMessage(message)).build();
  }

  public static Event update(TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.UPDATE)
        .setUpdate(Event.Update.newBuilder().setStatus(status)).build();
  }

  public static Event rescind(String offerId) {
    return Event.newBuilder().setType(Event.Type.RESCIND)
        .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offerId))).build();
  }

  /** Operation feedback for an operation the master did not perform, or does not know. */
  public static Event operationStatus(dev.vmesos.api.v1.Protos.OperationID operationId, String agentId,
                                      dev.vmesos.api.v1.Protos.OperationState state, String message) {
    dev.vmesos.api.v1.Protos.OperationStatus.Builder status = dev.vmesos.api.v1.Protos.OperationStatus.newBuilder()
        .setOperationId(operationId).setState(state).setMessage(message);
    if (agentId != null && !agentId.isEmpty()) {
      status.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    return Event.newBuilder().setType(Event.Type.UPDATE_OPERATION_STATUS)
        .setUpdateOperationStatus(Event.UpdateOperationStatus.newBuilder().setStatus(status)).build();
  }

  /** An executor's message for its scheduler. */
  public static Event message(AgentID agentId, dev.vmesos.api.v1.Protos.ExecutorID executorId, ByteString data) {
    return Event.newBuilder().setType(Event.Type.MESSAGE)
        .setMessage(Event.Message.newBuilder().setAgentId(agentId).setExecutorId(executorId).setData(data))
        .build();
  }

  /** An agent was lost (FAILURE with only agent_id), or an executor on it ended (with executor_id and status). */
  public static Event failure(String agentId, dev.vmesos.api.v1.Protos.ExecutorID executorId, Integer status) {
    Event.Failure.Builder failure = Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId));
    if (executorId != null) {
      failure.setExecutorId(executorId);
    }
    if (status != null) {
      failure.setStatus(status);
    }
    return Event.newBuilder().setType(Event.Type.FAILURE).setFailure(failure).build();
  }

  public static Event offers(List<Offer> offers) {
    return Event.newBuilder().setType(Event.Type.OFFERS)
        .setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build();
  }

  /**
   * An offer as this framework can read it: without {@code allocation_info} unless it is MULTI_ROLE,
   * with the pre-refinement {@code role} fields unless it is RESERVATION_REFINEMENT (as Mesos does).
   */
  public static Offer offer(String offerId, Framework framework, Agent agent, String role, Resources resources) {
    FrameworkInfo info = framework.info();
    boolean multiRole = FrameworkValidation.hasCapability(info, FrameworkInfo.Capability.Type.MULTI_ROLE);
    boolean refinement = FrameworkValidation.hasCapability(info,
        FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    Resources shown = multiRole ? resources : resources.unallocated();
    List<Resource> list = refinement ? shown.toList() : shown.toPreRefinement();
    Offer.Builder offer = Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue(offerId))
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id()))
        .setAgentId(AgentID.newBuilder().setValue(agent.id()))
        .setHostname(agent.info().getHostname())
        .setUrl(URL.newBuilder().setScheme("http")
            .setAddress(Address.newBuilder().setHostname(agent.info().getHostname())
                .setIp(agent.info().getHostname())
                .setPort(agent.info().getPort()))
            .setPath("/slave(1)"))
        .addAllResources(list)
        .addAllAttributes(agent.info().getAttributesList());
    if (multiRole) {
      offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
    }
    return offer.build();
  }

  /** A status made by the master itself: it carries no uuid and needs no acknowledgement. */
  public static TaskStatus masterStatus(TaskID taskId, String agentId, TaskState state, TaskStatus.Reason reason,
                                        String message, Clock clock) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(taskId)
        .setState(state)
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setTimestamp(clock.millis() / 1000.0);
    if (agentId != null && !agentId.isEmpty()) {
      status.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    if (reason != null) {
      status.setReason(reason);
    }
    if (message != null) {
      status.setMessage(message);
    }
    return status.build();
  }

  /** The latest known status of a task, answered to RECONCILE: no uuid, reason RECONCILIATION. */
  public static TaskStatus reconciled(Task task, Clock clock) {
    TaskStatus latest = task.latestStatus();
    TaskStatus.Builder status = latest == null
        ? masterStatus(task.info().getTaskId(), task.agentId(), task.state(), null, null, clock).toBuilder()
        : latest.toBuilder();
    return status.clearUuid()
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
        .setTimestamp(clock.millis() / 1000.0)
        .build();
  }

  /** The canonical text form of a 16-byte uuid, for logs. */
  public static String uuidString(ByteString uuid) {
    if (uuid.size() != 16) {
      return uuid.isEmpty() ? "no uuid" : "bad uuid";
    }
    ByteBuffer buffer = uuid.asReadOnlyByteBuffer();
    return new UUID(buffer.getLong(), buffer.getLong()).toString();
  }
}
