package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A framework across a master failover, against small HTTP servers speaking just enough of the
 * scheduler API: the session finds the new leader through its list of masters (and a standby's
 * 307), re-subscribes with its framework id, and an update the agent resends because the first
 * leader died before passing the acknowledgement on reaches the scheduler once.
 */
class SchedulerSessionFailoverTest {

  private static final FrameworkInfo INFO = FrameworkInfo.newBuilder().setUser("u").setName("failover").build();
  private static final SessionOptions OPTIONS = new SessionOptions(MediaType.JSON, true, Duration.ofMillis(50),
      Duration.ofMillis(200), Duration.ofSeconds(10), 2);

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A master: subscriptions get SUBSCRIBED (0.2 s heartbeats), then what the test writes; calls are recorded. */
  private final class FakeMaster {

    final BlockingQueue<Call> subscribes = new LinkedBlockingQueue<>();
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final BlockingQueue<HttpServerResponse> streams = new LinkedBlockingQueue<>();
    HttpServer server;

    /**
     * @param leaderPort where a subscription is redirected; null: this master leads. Either way
     *                   {@code /redirect} names this master (a standby may not know better yet).
     */
    FakeMaster start(Integer leaderPort) throws Exception {
      server = vertx.createHttpServer().requestHandler(request -> {
        if (request.path().equals("/redirect")) {
          request.response().setStatusCode(307).putHeader("Location", "//127.0.0.1:" + port()).end();
          return;
        }
        request.body().onSuccess(body -> {
          Call call = WireCodec.decode(body.getBytes(), MediaType.JSON, Call.getDefaultInstance());
          if (call.getType() != Call.Type.SUBSCRIBE) {
            calls.add(call);
            request.response().setStatusCode(202).end();
            return;
          }
          if (leaderPort != null) {
            request.response().setStatusCode(307).putHeader("Location", "//127.0.0.1:" + leaderPort)
                .end("Not the leading master");
            return;
          }
          subscribes.add(call);
          FrameworkID id = call.getSubscribe().getFrameworkInfo().hasId()
              ? call.getSubscribe().getFrameworkInfo().getId() : FrameworkID.newBuilder().setValue("fw-1").build();
          HttpServerResponse response = request.response().setChunked(true)
              .putHeader("Content-Type", "application/json").putHeader("Mesos-Stream-Id", "stream-" + port());
          response.write(record(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(
              Event.Subscribed.newBuilder().setFrameworkId(id).setHeartbeatIntervalSeconds(0.2)
                  .setMasterInfo(MasterInfo.newBuilder().setId("m").setIp(0).setPort(port()))).build()));
          long heartbeats = vertx.setPeriodic(100, t -> response.write(
              record(Event.newBuilder().setType(Event.Type.HEARTBEAT).build())));
          response.closeHandler(v -> vertx.cancelTimer(heartbeats));
          streams.add(response);
        });
      }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      return this;
    }

    int port() {
      return server.actualPort();
    }

    MasterAddress address() {
      return new MasterAddress("127.0.0.1", port());
    }

    void update(HttpServerResponse stream, TaskStatus status) {
      vertx.runOnContext(v -> stream.write(record(Event.newBuilder().setType(Event.Type.UPDATE)
          .setUpdate(Event.Update.newBuilder().setStatus(status)).build())));
    }

    Call nextCall() throws InterruptedException {
      Call call = calls.poll(5, TimeUnit.SECONDS);
      assertThat(call).as("a call").isNotNull();
      return call;
    }
  }

  private static Buffer record(Event event) {
    return Buffer.buffer(RecordIO.encode(WireCodec.encode(event, MediaType.JSON)));
  }

  private static TaskStatus status(String uuid, TaskState state) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).setState(state)
        .setAgentId(AgentID.newBuilder().setValue("agent-1"))
        .setUuid(ByteString.copyFromUtf8(uuid)).build();
  }

  private static final class Recording implements Scheduler {

    final BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> subscriptions = new LinkedBlockingQueue<>();

    @Override
    public void subscribed(SchedulerSession session, FrameworkID frameworkId, boolean resubscribed) {
      subscriptions.add(resubscribed);
    }

    @Override
    public void offers(SchedulerSession session, List<Offer> offers) {
    }

    @Override
    public void update(SchedulerSession session, TaskStatus status) {
      updates.add(status);
    }
  }

  @Test
  void anUpdateResentAfterAFailoverReachesTheSchedulerOnceAndIsAcknowledgedAgain() throws Exception {
    FakeMaster first = new FakeMaster().start(null);
    FakeMaster second = new FakeMaster().start(null);
    Recording scheduler = new Recording();
    SchedulerSession session = new SchedulerSession(vertx, List.of(first.address(), second.address()), INFO,
        scheduler, OPTIONS);
    session.start();
    try {
      HttpServerResponse firstStream = first.streams.poll(5, TimeUnit.SECONDS);
      assertThat(scheduler.subscriptions.poll(5, TimeUnit.SECONDS)).isFalse();
      first.update(firstStream, status("uuid-a", TaskState.TASK_RUNNING));
      assertThat(scheduler.updates.poll(5, TimeUnit.SECONDS).getUuid().toStringUtf8()).isEqualTo("uuid-a");
      assertThat(first.nextCall().getAcknowledge().getUuid().toStringUtf8()).isEqualTo("uuid-a");

      // The first leader dies with the acknowledgement: the agent resends the update to the next one.
      first.server.close().await(10, TimeUnit.SECONDS);
      HttpServerResponse secondStream = second.streams.poll(10, TimeUnit.SECONDS);
      assertThat(secondStream).as("subscribed to the second master of the list").isNotNull();
      assertThat(second.subscribes.poll().getSubscribe().getFrameworkInfo().getId().getValue()).isEqualTo("fw-1");
      assertThat(scheduler.subscriptions.poll(5, TimeUnit.SECONDS)).as("a re-subscription").isTrue();
      second.update(secondStream, status("uuid-a", TaskState.TASK_RUNNING));
      second.update(secondStream, status("uuid-b", TaskState.TASK_FINISHED));

      assertThat(second.nextCall().getAcknowledge().getUuid().toStringUtf8()).as("the repeat, acknowledged again")
          .isEqualTo("uuid-a");
      assertThat(second.nextCall().getAcknowledge().getUuid().toStringUtf8()).isEqualTo("uuid-b");
      TaskStatus next = scheduler.updates.poll(5, TimeUnit.SECONDS);
      assertThat(next.getUuid().toStringUtf8()).as("the repeat never reached the scheduler").isEqualTo("uuid-b");
      assertThat(scheduler.updates).isEmpty();
    } finally {
      session.stop(false).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnacknowledgedUpdateIsDeliveredAgain() throws Exception {
    FakeMaster master = new FakeMaster().start(null);
    Recording scheduler = new Recording();
    SchedulerSession session = new SchedulerSession(vertx, master.address(), INFO, scheduler,
        OPTIONS.withAutoAcknowledge(false));
    session.start();
    try {
      HttpServerResponse stream = master.streams.poll(5, TimeUnit.SECONDS);
      master.update(stream, status("uuid-a", TaskState.TASK_RUNNING));
      master.update(stream, status("uuid-a", TaskState.TASK_RUNNING));

      assertThat(scheduler.updates.poll(5, TimeUnit.SECONDS).getUuid().toStringUtf8()).isEqualTo("uuid-a");
      TaskStatus again = scheduler.updates.poll(5, TimeUnit.SECONDS);
      assertThat(again).as("not acknowledged by the scheduler: delivered again, as by Mesos").isNotNull();
      session.acknowledge(again).await(5, TimeUnit.SECONDS);
      master.update(stream, status("uuid-a", TaskState.TASK_RUNNING));
      master.update(stream, status("uuid-b", TaskState.TASK_FINISHED));

      assertThat(scheduler.updates.poll(5, TimeUnit.SECONDS).getUuid().toStringUtf8()).isEqualTo("uuid-b");
      // The scheduler's own acknowledgement, then the session's for the repeat (it may still be on its way).
      assertThat(master.nextCall().getAcknowledge().getUuid().toStringUtf8()).isEqualTo("uuid-a");
      assertThat(master.nextCall().getAcknowledge().getUuid().toStringUtf8()).isEqualTo("uuid-a");
      assertThat(master.calls).isEmpty();
    } finally {
      session.stop(false).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStandbyFirstInTheListRedirectsTheSubscriptionToTheLeader() throws Exception {
    FakeMaster leader = new FakeMaster().start(null);
    FakeMaster down = new FakeMaster().start(null);
    MasterAddress unreachable = down.address();
    down.server.close().await(10, TimeUnit.SECONDS);
    // A standby that names itself on /redirect, but answers SUBSCRIBE with a 307 to the leader.
    FakeMaster standby = new FakeMaster().start(leader.port());
    Recording scheduler = new Recording();
    SchedulerSession session = new SchedulerSession(vertx,
        MasterAddress.parseList(unreachable + "," + standby.address()), INFO, scheduler, OPTIONS);
    session.start();
    try {
      assertThat(leader.subscribes.poll(10, TimeUnit.SECONDS)).as("subscribed at the leader").isNotNull();
      assertThat(scheduler.subscriptions.poll(5, TimeUnit.SECONDS)).isFalse();
      assertThat(standby.subscribes).isEmpty();
    } finally {
      session.stop(false).await(10, TimeUnit.SECONDS);
    }
  }
}
