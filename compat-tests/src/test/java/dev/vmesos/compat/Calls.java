package dev.vmesos.compat;

import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;

/** Scheduler calls built from the official Mesos 1.11.0 classes, the way a client writes them. */
final class Calls {

  private Calls() {
  }

  static FrameworkInfo framework(String name) {
    return FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(0).build();
  }

  static Call subscribe(FrameworkInfo info) {
    Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
    if (info.hasId()) {
      call.setFrameworkId(info.getId());
    }
    return call.build();
  }

  static Call launch(FrameworkID framework, Offer offer, TaskInfo... tasks) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.ACCEPT)
        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
            .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(List.of(tasks))))
            // Returns the rest of the offer for a second only, so that the next offer comes soon.
            .setFilters(Filters.newBuilder().setRefuseSeconds(1)))
        .build();
  }

  static Call decline(FrameworkID framework, List<Offer> offers, double refuseSeconds) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.DECLINE)
        .setDecline(Call.Decline.newBuilder().addAllOfferIds(offers.stream().map(Offer::getId).toList())
            .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)))
        .build();
  }

  static Call revive(FrameworkID framework) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.REVIVE).build();
  }

  static Call kill(FrameworkID framework, TaskID task, AgentID agent) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.KILL)
        .setKill(Call.Kill.newBuilder().setTaskId(task).setAgentId(agent))
        .build();
  }

  static Call acknowledge(FrameworkID framework, TaskStatus status) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder()
            .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid()))
        .build();
  }

  /** Implicit reconciliation with no tasks, explicit with some (agent may be null). */
  static Call reconcile(FrameworkID framework, List<TaskID> tasks, AgentID agent) {
    Call.Reconcile.Builder reconcile = Call.Reconcile.newBuilder();
    for (TaskID task : tasks) {
      Call.Reconcile.Task.Builder entry = Call.Reconcile.Task.newBuilder().setTaskId(task);
      if (agent != null) {
        entry.setAgentId(agent);
      }
      reconcile.addTasks(entry);
    }
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.RECONCILE).setReconcile(reconcile).build();
  }

  static Call teardown(FrameworkID framework) {
    return Call.newBuilder().setFrameworkId(framework).setType(Call.Type.TEARDOWN).build();
  }

  /**
   * A command task on the offer's agent using {@code cpus}/{@code mem} of it. {@code legacyRole}: the
   * resources carry {@code role: "*"} as pre-1.x clients (and mesos-rxjava's example) write them;
   * otherwise the modern form, with no role at all.
   */
  static TaskInfo commandTask(String id, Offer offer, String command, double cpus, double mem, boolean legacyRole) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .addResources(scalar("cpus", cpus, legacyRole))
        .addResources(scalar("mem", mem, legacyRole))
        .build();
  }

  @SuppressWarnings("deprecation") // Resource.role: the legacy form is the point
  static Resource scalar(String name, double value, boolean legacyRole) {
    Resource.Builder resource = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value));
    if (legacyRole) {
      resource.setRole("*");
    }
    return resource.build();
  }

  /** The scalar total of resource {@code name} in an offer (0 when absent). */
  static double scalarIn(Offer offer, String name) {
    return offer.getResourcesList().stream().filter(r -> r.getName().equals(name))
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }
}
