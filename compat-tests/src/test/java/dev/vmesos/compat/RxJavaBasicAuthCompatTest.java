package dev.vmesos.compat;

import static com.mesosphere.mesos.rx.java.SinkOperations.sink;
import static org.assertj.core.api.Assertions.assertThat;

import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.Mesos4xxException;
import com.mesosphere.mesos.rx.java.MesosClient;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMesosClientBuilder;
import com.mesosphere.mesos.rx.java.protobuf.SchedulerCalls;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import rx.Observable;
import rx.subjects.PublishSubject;

/**
 * mesos-rxjava 0.2.0, unmodified, through HTTP Basic against vmesos with
 * {@code --authenticate_http_frameworks}. The library's only way to send a credential is the
 * user-info of its Mesos URI ({@code http://principal:secret@host:port/api/v1/scheduler}), which it
 * turns into {@code Authorization: Basic} on every call. It cannot speak HTTPS (its RxNetty client
 * is built without an SSL engine and it has no hook for one), so this runs over plain HTTP; the
 * official-protobuf client covers HTTPS ({@link SecureSchedulerCompatTest}).
 */
@Timeout(90)
class RxJavaBasicAuthCompatTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path dir;

  private static VmesosProcess vmesos;

  @BeforeAll
  static void start() throws Exception {
    Path credentials = dir.resolve("credentials");
    Files.writeString(credentials, "rx rx-secret\n");
    vmesos = VmesosProcess.start(Duration.ofSeconds(60), List.of("--authenticate_http_frameworks=true",
        "--credentials=" + credentials), java.util.Map.of());
  }

  @AfterAll
  static void stop() {
    if (vmesos != null) {
      vmesos.close();
    }
  }

  private static URI withUserInfo(String userInfo) {
    URI uri = vmesos.schedulerUri();
    return URI.create(uri.getScheme() + "://" + userInfo + "@" + uri.getHost() + ":" + uri.getPort() + uri.getPath());
  }

  private record Outcome(Call.Type type, Throwable error) {
  }

  @Test
  void theClientAuthenticatesWithTheCredentialOfItsUriAndRunsATask() throws Exception {
    FrameworkID id = FrameworkID.newBuilder().setValue("compat-rx-auth-" + UUID.randomUUID()).build();
    FrameworkInfo info = FrameworkInfo.newBuilder().setId(id).setUser("root").setName("compat-rx-auth")
        .setPrincipal("rx").setFailoverTimeout(0).build();
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    PublishSubject<Optional<SinkOperation<Call>>> calls = PublishSubject.create();
    java.util.function.Function<Call, SinkOperation<Call>> tracked = call -> sink(call,
        () -> outcomes.add(new Outcome(call.getType(), null)), e -> outcomes.add(new Outcome(call.getType(), e)));

    MesosClient<Call, Event> client = ProtobufMesosClientBuilder.schedulerUsingProtos()
        .mesosUri(withUserInfo("rx:rx-secret"))
        .applicationUserAgentEntry(UserAgentEntries.literal("vmesos-compat-tests", "0.1.0"))
        .onBackpressureBuffer()
        .subscribe(SchedulerCalls.subscribe(id, info))
        .processStream(unicast -> {
          Observable<Event> shared = unicast.share();
          Observable<Optional<SinkOperation<Call>>> watch = shared.doOnNext(events::add).map(e -> Optional.empty());
          Observable<Optional<SinkOperation<Call>>> acks = shared
              .filter(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid())
              .map(e -> e.getUpdate().getStatus())
              .map(s -> Optional.of(tracked.apply(SchedulerCalls.ackUpdate(id, s.getUuid(), s.getAgentId(),
                  s.getTaskId()))));
          return watch.mergeWith(acks).mergeWith(calls);
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
      assertThat(next(events, Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId()).isEqualTo(id);
      Offer offer = next(events, Event.Type.OFFERS).getOffers().getOffers(0);
      TaskID task = TaskID.newBuilder().setValue("rx-auth-" + UUID.randomUUID()).build();
      calls.onNext(Optional.of(tracked.apply(Calls.launch(id, offer,
          Calls.commandTask(task.getValue(), offer, "echo authenticated", 0.1, 32, true)))));
      TaskState last = null;
      for (int i = 0; i < 6 && last != TaskState.TASK_FINISHED; i++) {
        Event update = next(events, Event.Type.UPDATE);
        if (update.getUpdate().getStatus().getTaskId().equals(task)) {
          last = update.getUpdate().getStatus().getState();
        }
      }
      assertThat(last).isEqualTo(TaskState.TASK_FINISHED);
      calls.onNext(Optional.of(tracked.apply(Call.newBuilder().setFrameworkId(id).setType(Call.Type.TEARDOWN)
          .build())));
      // Every call through the sink is accepted (202): the client sends its credential on each.
      List<Outcome> answered = new java.util.ArrayList<>();
      while (answered.stream().noneMatch(o -> o.type() == Call.Type.TEARDOWN)) {
        Outcome outcome = outcomes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(outcome).as("answers so far %s", answered).isNotNull();
        assertThat(outcome.error()).as("%s", outcome.type()).isNull();
        answered.add(outcome);
      }
      assertThat(answered).extracting(Outcome::type).contains(Call.Type.ACCEPT, Call.Type.ACKNOWLEDGE);
      calls.onCompleted();
      assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("how the stream ended").isNull();
    } finally {
      subscription.unsubscribe();
    }
  }

  @Test
  void aWrongCredentialEndsTheClientsStreamWithTheMasters401() throws Exception {
    FrameworkID id = FrameworkID.newBuilder().setValue("compat-rx-refused-" + UUID.randomUUID()).build();
    FrameworkInfo info = FrameworkInfo.newBuilder().setId(id).setUser("root").setName("compat-rx-refused")
        .setPrincipal("rx").build();
    MesosClient<Call, Event> client = ProtobufMesosClientBuilder.schedulerUsingProtos()
        .mesosUri(withUserInfo("rx:guess"))
        .applicationUserAgentEntry(UserAgentEntries.literal("vmesos-compat-tests", "0.1.0"))
        .subscribe(SchedulerCalls.subscribe(id, info))
        .processStream(unicast -> unicast.map(e -> Optional.<SinkOperation<Call>>empty()))
        .build();
    AwaitableSubscription subscription = client.openStream();
    Throwable error = CompletableFuture.supplyAsync(() -> {
      try {
        subscription.await();
        return null;
      } catch (Throwable t) {
        return t;
      }
    }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(error).isInstanceOf(Mesos4xxException.class);
    assertThat(((Mesos4xxException) error).getContext().getStatusCode()).isEqualTo(401);
  }

  private static Event next(BlockingQueue<Event> events, Event.Type type) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(event).as("a %s event within %s", type, WAIT).isNotNull();
      if (event.getType() == type) {
        return event;
      }
    }
  }
}
