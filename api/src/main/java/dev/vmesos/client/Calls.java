package dev.vmesos.client;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.Filters;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import java.util.Collection;
import java.util.List;

/** Builders for scheduler calls. The framework id is filled in by {@link SchedulerClient#call}. */
public final class Calls {

  private Calls() {
  }

  public static Call subscribe(FrameworkInfo info) {
    Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
    if (info.hasId()) {
      call.setFrameworkId(info.getId());
    }
    return call.build();
  }

  /** ACCEPT of offers with one LAUNCH operation for the given tasks. */
  public static Call launch(Collection<OfferID> offerIds, List<TaskInfo> tasks, double refuseSeconds) {
    return Call.newBuilder().setType(Call.Type.ACCEPT)
        .setAccept(Call.Accept.newBuilder()
            .addAllOfferIds(offerIds)
            .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)))
            .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)))
        .build();
  }

  public static Call decline(Collection<OfferID> offerIds, double refuseSeconds) {
    return Call.newBuilder().setType(Call.Type.DECLINE)
        .setDecline(Call.Decline.newBuilder().addAllOfferIds(offerIds)
            .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)))
        .build();
  }

  /** ACKNOWLEDGE of a status update; only updates that carry a uuid need one. */
  public static Call acknowledge(TaskStatus status) {
    return acknowledge(status.getAgentId(), status.getTaskId(), status.getUuid());
  }

  public static Call acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
    return Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(agentId).setTaskId(taskId).setUuid(uuid))
        .build();
  }

  public static Call kill(TaskID taskId, AgentID agentId) {
    Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(taskId);
    if (agentId != null) {
      kill.setAgentId(agentId);
    }
    return Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build();
  }

  public static Call revive() {
    return Call.newBuilder().setType(Call.Type.REVIVE).build();
  }

  public static Call suppress() {
    return Call.newBuilder().setType(Call.Type.SUPPRESS).build();
  }

  /** Implicit reconciliation: the master answers with the latest status of every task. */
  public static Call reconcileAll() {
    return Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance())
        .build();
  }

  public static Call teardown() {
    return Call.newBuilder().setType(Call.Type.TEARDOWN).build();
  }

  static Call withFramework(Call call, FrameworkID frameworkId) {
    return call.hasFrameworkId() || frameworkId == null ? call : call.toBuilder().setFrameworkId(frameworkId).build();
  }
}
