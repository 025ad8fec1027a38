package dev.vmesos.examples.demo;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest useful framework: subscribes, launches one command task on the first offer big
 * enough, declines every other offer, acknowledges every update, and completes with the task's
 * terminal status. Prints what it sees as it happens.
 */
public final class OneTaskFramework {

  static final double TASK_CPUS = 0.1;
  static final double TASK_MEM = 32;

  private final SchedulerClient client;
  private final String command;
  private final PrintStream out;
  private final Promise<TaskStatus> done = Promise.promise();
  private final TaskID taskId = TaskID.newBuilder().setValue("demo-task-1").build();
  private boolean launched;

  public OneTaskFramework(Vertx vertx, String host, int port, MediaType mediaType, String command, PrintStream out) {
    this.client = new SchedulerClient(vertx, host, port, mediaType);
    this.command = command;
    this.out = out;
  }

  /** Runs the framework; completes with the task's terminal status (after acknowledging it). */
  public Future<TaskStatus> run() {
    FrameworkInfo info = FrameworkInfo.newBuilder()
        .setUser(System.getProperty("user.name", "root"))
        .setName("vmesos-demo")
        .setFailoverTimeout(0)
        .build();
    client.subscribe(info, this::onEvent, error -> {
      if (!done.future().isComplete()) {
        done.tryFail(error == null ? new IllegalStateException("The master closed the event stream") : error);
      }
    }).onFailure(done::tryFail);
    return done.future();
  }

  /** TEARDOWN, then closes the client. */
  public Future<Void> teardown() {
    return client.call(Calls.teardown()).eventually(client::close);
  }

  private void onEvent(Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> out.printf("[framework] SUBSCRIBED as %s (heartbeat every %.1f s)%n",
          event.getSubscribed().getFrameworkId().getValue(), event.getSubscribed().getHeartbeatIntervalSeconds());
      case HEARTBEAT -> out.println("[framework] HEARTBEAT");
      case OFFERS -> onOffers(event.getOffers().getOffersList());
      case RESCIND -> out.printf("[framework] RESCIND %s%n", event.getRescind().getOfferId().getValue());
      case UPDATE -> onUpdate(event.getUpdate().getStatus());
      case ERROR -> {
        out.printf("[framework] ERROR %s%n", event.getError().getMessage());
        done.tryFail(new IllegalStateException("Master sent ERROR: " + event.getError().getMessage()));
      }
      default -> out.printf("[framework] %s%n", event.getType());
    }
  }

  private void onOffers(List<Offer> offers) {
    List<OfferID> decline = new ArrayList<>();
    for (Offer offer : offers) {
      Resources resources = Resources.of(offer.getResourcesList());
      out.printf("[framework] OFFER %s from agent %s (%s): %s%n", offer.getId().getValue(),
          offer.getAgentId().getValue(), offer.getHostname(), resources);
      if (!launched && resources.scalar("cpus") >= TASK_CPUS && resources.scalar("mem") >= TASK_MEM) {
        launched = true;
        TaskInfo task = TaskInfo.newBuilder()
            .setName("demo task")
            .setTaskId(taskId)
            .setAgentId(offer.getAgentId())
            .setCommand(CommandInfo.newBuilder().setValue(command))
            .addResources(scalar("cpus", TASK_CPUS))
            .addResources(scalar("mem", TASK_MEM))
            .build();
        out.printf("[framework] ACCEPT %s: LAUNCH task %s running `%s` with cpus:%s; mem:%s%n",
            offer.getId().getValue(), taskId.getValue(), command, TASK_CPUS, TASK_MEM);
        client.call(Calls.launch(List.of(offer.getId()), List.of(task), 5)).onFailure(done::tryFail);
      } else {
        decline.add(offer.getId());
      }
    }
    if (!decline.isEmpty()) {
      out.printf("[framework] DECLINE %d offer(s) for 60 s%n", decline.size());
      client.call(Calls.decline(decline, 60)).onFailure(done::tryFail);
    }
  }

  private void onUpdate(TaskStatus status) {
    out.printf("[framework] UPDATE task %s: %s%s%n", status.getTaskId().getValue(), status.getState(),
        status.hasMessage() ? " (" + status.getMessage() + ")" : "");
    Future<Void> acked = status.getUuid().isEmpty()
        ? Future.succeededFuture()
        : client.call(Calls.acknowledge(status));
    acked.onFailure(done::tryFail);
    if (TaskStates.isTerminal(status.getState()) && status.getTaskId().equals(taskId)) {
      acked.onSuccess(v -> done.tryComplete(status));
    }
  }


  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
