package dev.vmesos.compat;

import static com.mesosphere.mesos.rx.java.SinkOperations.sink;
import static org.assertj.core.api.Assertions.assertThat;

import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.MesosClient;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMesosClientBuilder;
import com.mesosphere.mesos.rx.java.protobuf.SchedulerCalls;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import rx.Observable;
import rx.subjects.PublishSubject;

/**
 * mesos-rxjava 0.2.0, unmodified, as its Sleepy example uses it: it probes {@code GET /redirect},
 * subscribes with protobuf and a framework id of its own choosing, sends every call through its sink
 * (which treats anything but 202 as an error) with the stream id it captured, and ends when the master
 * ends the stream. The test only watches the events and feeds the sink; every wait has a deadline.
 */
@ExtendWith(VmesosExtension.class)
class RxJavaSchedulerCompatTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** What became of one call sent through the client's sink. */
  private record Outcome(Call.Type type, Throwable error) {
    @Override
    public String toString() {
      return type + (error == null ? " accepted" : " failed: " + error);
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<Event> seen = new ArrayList<>();
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final PublishSubject<Optional<SinkOperation<Call>>> calls = PublishSubject.create();

  @Test
  @Timeout(60)
  void sleepyStyleSchedulerLaunchesAcknowledgesDeclinesAndTearsDown(VmesosProcess vmesos) throws Exception {
    // Like the Sleepy example: the client picks its own framework id.
    FrameworkID id = FrameworkID.newBuilder().setValue("compat-rxjava-" + UUID.randomUUID()).build();
    FrameworkInfo info = FrameworkInfo.newBuilder().setId(id).setUser("root").setName("compat-rxjava")
        .setFailoverTimeout(0).build();

    MesosClient<Call, Event> client = ProtobufMesosClientBuilder.schedulerUsingProtos()
        .mesosUri(vmesos.schedulerUri())
        .applicationUserAgentEntry(UserAgentEntries.literal("vmesos-compat-tests", "0.1.0"))
        .onBackpressureBuffer()
        .subscribe(SchedulerCalls.subscribe(id, info))
        .processStream(unicast -> {
          Observable<Event> shared = unicast.share();
          Observable<Optional<SinkOperation<Call>>> watch = shared
              .doOnNext(e -> System.out.println("[compat] rxjava <- " + e.toString().replace('\n', ' ')))
              .doOnNext(events::add)
              .map(e -> Optional.empty());
          Observable<Optional<SinkOperation<Call>>> acknowledgements = shared
              .filter(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid())
              .map(e -> e.getUpdate().getStatus())
              .map(s -> Optional.of(tracked(SchedulerCalls.ackUpdate(id, s.getUuid(), s.getAgentId(), s.getTaskId()))));
          return watch.mergeWith(acknowledgements).mergeWith(calls);
        })
        .build();

    AwaitableSubscription subscription = client.openStream();
    CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
      try {
        subscription.await();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    try {
      Event subscribed = next(e -> true, "SUBSCRIBED");
      assertThat(subscribed.getType()).as("first event %s", subscribed).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(subscribed.getSubscribed().getFrameworkId()).isEqualTo(id);

      // Launch the Sleepy way: role "*" resources, on the first offer.
      Offer offer = next(e -> e.getType() == Event.Type.OFFERS, "OFFERS").getOffers().getOffers(0);
      TaskID task = TaskID.newBuilder().setValue("rx-echo-" + UUID.randomUUID()).build();
      Call launch = Calls.launch(id, offer, Calls.commandTask(task.getValue(), offer, "echo compat", 0.1, 32, true));
      send(launch);
      expectAccepted(Call.Type.ACCEPT);

      List<TaskState> states = new ArrayList<>();
      while (!states.contains(TaskState.TASK_FINISHED)) {
        TaskStatus status = next(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getTaskId().equals(task), "UPDATE of " + task.getValue())
            .getUpdate().getStatus();
        states.add(status.getState());
        expectAccepted(Call.Type.ACKNOWLEDGE);
        assertThat(states).hasSizeLessThan(6);
      }
      assertThat(states).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);

      // Decline all of the agent for a minute: it must not come back while the test watches.
      List<Offer> offers = offersOfWholeAgent();
      Call decline = SchedulerCalls.decline(id, offers.stream().map(Offer::getId).toList()).toBuilder()
          .setDecline(Call.Decline.newBuilder()
              .addAllOfferIds(offers.stream().map(Offer::getId).toList())
              .setFilters(Filters.newBuilder().setRefuseSeconds(60)))
          .build();
      send(decline);
      expectAccepted(Call.Type.DECLINE);
      assertThat(poll(e -> e.getType() == Event.Type.OFFERS, Duration.ofSeconds(2)))
          .as("an offer inside the decline filter").isEmpty();

      send(Call.newBuilder().setFrameworkId(id).setType(Call.Type.TEARDOWN).build());
      expectAccepted(Call.Type.TEARDOWN);
      calls.onCompleted();
      // The master ends the stream; the client's stream, and so its subscription, completes cleanly.
      Throwable error = ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(error).as("how the rxjava stream ended").isNull();
    } finally {
      subscription.unsubscribe();
    }
  }

  private SinkOperation<Call> tracked(Call call) {
    System.out.println("[compat] rxjava -> " + call.toString().replace('\n', ' '));
    return sink(call, () -> outcomes.add(new Outcome(call.getType(), null)),
        e -> outcomes.add(new Outcome(call.getType(), e)));
  }

  private void send(Call call) {
    calls.onNext(Optional.of(tracked(call)));
  }

  /** The next outcome of a call of {@code type} must be a 202 (the client calls anything else an error). */
  private void expectAccepted(Call.Type type) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Outcome outcome = outcomes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(outcome).as("an answer to %s within %s", type, WAIT).isNotNull();
      if (outcome.type() == type) {
        assertThat(outcome.error()).as("%s", outcome).isNull();
        return;
      }
      // An acknowledgement racing ahead of what the test waits for: still no error allowed.
      assertThat(outcome.error()).as("%s", outcome).isNull();
    }
  }

  /** Every offer seen or still coming, until together they are the whole agent. */
  private List<Offer> offersOfWholeAgent() throws InterruptedException {
    List<Offer> offers = new ArrayList<>();
    for (Event e : seen) {
      if (e.getType() == Event.Type.OFFERS) {
        offers.addAll(e.getOffers().getOffersList());
      }
    }
    offers.remove(0); // the one the task was launched on
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (offers.stream().mapToDouble(o -> Calls.scalarIn(o, "cpus")).sum() < VmesosProcess.AGENT_CPUS - 1e-9
        || offers.stream().mapToDouble(o -> Calls.scalarIn(o, "mem")).sum() < VmesosProcess.AGENT_MEM - 1e-9) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      offers.addAll(poll(e -> e.getType() == Event.Type.OFFERS, left)
          .orElseThrow(() -> new AssertionError("offers of the whole agent; have " + offers))
          .getOffers().getOffersList());
    }
    return offers;
  }

  private Event next(Predicate<Event> wanted, String what) throws InterruptedException {
    return poll(wanted, WAIT).orElseThrow(() -> new AssertionError("no " + what + " within " + WAIT + "; seen " + seen));
  }

  private Optional<Event> poll(Predicate<Event> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (event == null) {
        return Optional.empty();
      }
      seen.add(event);
      if (wanted.test(event)) {
        return Optional.of(event);
      }
    }
  }
}
