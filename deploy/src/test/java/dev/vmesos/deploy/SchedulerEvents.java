package dev.vmesos.deploy;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** What the end-to-end tests' schedulers do with the events their client queues. */
final class SchedulerEvents {

  private SchedulerEvents() {
  }

  /** The next event of {@code type}, skipping others; fails the test after {@code seconds}. */
  static Event next(BlockingQueue<Event> events, Event.Type type, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      Event event = events.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == type) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " event within " + seconds + " s");
  }

  /** The status of an UPDATE event, acknowledged when it asks for it (it has a uuid). */
  static TaskStatus acknowledged(Event update, SchedulerClient client) throws Exception {
    TaskStatus status = update.getUpdate().getStatus();
    if (status.hasUuid()) {
      client.call(Calls.acknowledge(status)).await(10, TimeUnit.SECONDS);
    }
    return status;
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
