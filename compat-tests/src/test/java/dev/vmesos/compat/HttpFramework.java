package dev.vmesos.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * One subscribed framework of the plain HTTP client: its event stream, its id, and the steps every
 * scenario repeats (take an offer, follow a task's updates acknowledging each, tear down), each
 * asserting what a Mesos master answers.
 */
final class HttpFramework implements AutoCloseable {

  static final Duration EVENT_TIMEOUT = Duration.ofSeconds(15);

  private final SchedulerHttp api;
  private final EventStream events;
  private final FrameworkID id;
  private final Event.Subscribed subscribed;
  private final Deque<Offer> pending = new ArrayDeque<>();
  private int scanned;
  private boolean tornDown;

  private HttpFramework(SchedulerHttp api, EventStream events, FrameworkID id, Event.Subscribed subscribed) {
    this.api = api;
    this.events = events;
    this.id = id;
    this.subscribed = subscribed;
  }

  /** SUBSCRIBE, then the 200 with the requested Content-Type and a stream id, then SUBSCRIBED. */
  static HttpFramework subscribe(SchedulerHttp api, FrameworkInfo info, String name)
      throws IOException, InterruptedException {
    EventStream events = api.subscribe(Calls.subscribe(info), name);
    try {
      assertThat(events.response().statusCode()).as("SUBSCRIBE status; headers %s", events.response().headers().map())
          .isEqualTo(200);
      assertThat(events.response().headers().firstValue("Content-Type")).as("SUBSCRIBE Content-Type")
          .contains(api.media().type);
      assertThat(events.streamId()).as("Mesos-Stream-Id").isNotBlank();
      Event first = events.next(EVENT_TIMEOUT).event();
      assertThat(first.getType()).as("first event: %s", first).isEqualTo(Event.Type.SUBSCRIBED);
      FrameworkID id = first.getSubscribed().getFrameworkId();
      assertThat(id.getValue()).isNotEmpty();
      if (info.hasId()) {
        assertThat(id).isEqualTo(info.getId());
      }
      return new HttpFramework(api, events, id, first.getSubscribed());
    } catch (RuntimeException | Error e) {
      events.close();
      throw e;
    }
  }

  FrameworkID id() {
    return id;
  }

  Event.Subscribed subscribed() {
    return subscribed;
  }

  EventStream events() {
    return events;
  }

  SchedulerHttp api() {
    return api;
  }

  /** Sends a call on this framework's current stream, whatever the answer. */
  SchedulerHttp.Reply call(Call call) throws IOException, InterruptedException {
    return api.call(call, events.streamId());
  }

  /** Sends a call that must be accepted: 202 with an empty body. */
  void accepted(Call call) throws IOException, InterruptedException {
    SchedulerHttp.Reply reply = call(call);
    assertThat(reply.status()).as("%s", reply).isEqualTo(202);
    assertThat(reply.body()).as("%s", reply).isEmpty();
  }

  /**
   * The oldest offer not yet taken: offers that arrived while the test waited for something else are
   * still outstanding at the master, so they are kept, not lost.
   */
  Offer awaitOffer() throws InterruptedException {
    collectOffers();
    if (pending.isEmpty()) {
      events.await(e -> e.getType() == Event.Type.OFFERS, EVENT_TIMEOUT, "OFFERS");
      collectOffers();
    }
    return pending.poll();
  }

  /** Takes offers until together they hold at least {@code cpus} and {@code mem}: the whole agent. */
  List<Offer> awaitOffersOf(double cpus, double mem) throws InterruptedException {
    long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
    while (true) {
      collectOffers();
      double haveCpus = pending.stream().mapToDouble(o -> Calls.scalarIn(o, "cpus")).sum();
      double haveMem = pending.stream().mapToDouble(o -> Calls.scalarIn(o, "mem")).sum();
      if (haveCpus >= cpus - 1e-9 && haveMem >= mem - 1e-9) {
        List<Offer> offers = List.copyOf(pending);
        pending.clear();
        return offers;
      }
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      events.await(e -> e.getType() == Event.Type.OFFERS, left,
          "offers adding up to cpus " + cpus + " and mem " + mem + " (have " + haveCpus + ", " + haveMem + ")");
    }
  }

  private void collectOffers() {
    List<EventStream.Received> seen = events.seen();
    for (; scanned < seen.size(); scanned++) {
      Event event = seen.get(scanned).event();
      if (event.getType() == Event.Type.OFFERS) {
        assertThat(event.getOffers().getOffersList()).as("%s", event).isNotEmpty();
        for (Offer offer : event.getOffers().getOffersList()) {
          assertThat(offer.getFrameworkId()).as("offer %s", offer).isEqualTo(id);
          assertThat(offer.getId().getValue()).as("offer %s", offer).isNotEmpty();
          assertThat(offer.getAgentId().getValue()).as("offer %s", offer).isNotEmpty();
          assertThat(offer.getHostname()).as("offer %s", offer).isNotEmpty();
          pending.add(offer);
        }
      }
    }
  }

  /** The next UPDATE for {@code task}, other events skipped. */
  TaskStatus awaitUpdate(TaskID task) throws InterruptedException {
    return events.await(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().equals(task),
        EVENT_TIMEOUT, "UPDATE for " + task.getValue()).event().getUpdate().getStatus();
  }

  /** Sends ACKNOWLEDGE with the status's uuid bytes, as every reliable update needs; 202. */
  void acknowledge(TaskStatus status) throws IOException, InterruptedException {
    assertThat(status.hasUuid()).as("update to acknowledge carries a uuid: %s", status).isTrue();
    assertThat(status.getUuid().size()).as("uuid bytes of %s", status).isEqualTo(16);
    accepted(Calls.acknowledge(id, status));
  }

  /** Follows {@code task}'s updates, acknowledging each, until it reaches {@code last}; returns the states. */
  List<TaskState> followUntil(TaskID task, TaskState last) throws IOException, InterruptedException {
    List<TaskState> states = new ArrayList<>();
    while (states.isEmpty() || states.get(states.size() - 1) != last) {
      TaskStatus status = awaitUpdate(task);
      states.add(status.getState());
      acknowledge(status);
      assertThat(states).as("updates of %s so far", task.getValue()).hasSizeLessThan(8);
    }
    return states;
  }

  /** TEARDOWN: 202, and the master ends this framework's stream. */
  void teardown() throws IOException, InterruptedException {
    tornDown = true;
    accepted(Calls.teardown(id));
    events.awaitEnd(Duration.ofSeconds(10));
  }

  /** Forgets this subscription without tearing the framework down (it failed over elsewhere). */
  void abandon() {
    tornDown = true;
    events.close();
  }

  /** Tears down (without asserting) a framework a failed test left, so that it frees the agent. */
  @Override
  public void close() {
    try {
      if (!tornDown) {
        tornDown = true;
        call(Calls.teardown(id));
      }
    } catch (IOException | RuntimeException e) {
      System.out.println("[compat] teardown of " + id.getValue() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      events.close();
    }
  }
}
