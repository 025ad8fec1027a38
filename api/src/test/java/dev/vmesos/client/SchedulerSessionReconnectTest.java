package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat watchdog against a master that goes silent: a small HTTP server speaking just enough
 * of the scheduler API (307 on {@code /redirect}, SUBSCRIBED with a 0.2 s heartbeat interval, then
 * nothing). After two silent intervals the session drops the stream and subscribes again, this time
 * with the framework id it was given, in both {@code Call.framework_id} and the FrameworkInfo.
 */
class SchedulerSessionReconnectTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSilentMasterIsDroppedAndTheFrameworkResubscribesWithItsId() throws Exception {
    BlockingQueue<Call> subscribes = new LinkedBlockingQueue<>();
    int[] port = new int[1];
    HttpServer silent = vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/redirect")) {
        request.response().setStatusCode(307).putHeader("Location", "//127.0.0.1:" + port[0]).end();
        return;
      }
      request.body().onSuccess(body -> {
        Call call = WireCodec.decode(body.getBytes(), MediaType.JSON, Call.getDefaultInstance());
        subscribes.add(call);
        Event subscribed = Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue("fw-silent"))
            .setHeartbeatIntervalSeconds(0.2)
            .setMasterInfo(MasterInfo.newBuilder().setId("m").setIp(0).setPort(port[0]))).build();
        request.response().setChunked(true).putHeader("Content-Type", "application/json")
            .putHeader("Mesos-Stream-Id", "stream-" + subscribes.size())
            .write(Buffer.buffer(RecordIO.encode(WireCodec.encode(subscribed, MediaType.JSON))));
        // and then silence: no HEARTBEAT ever
      });
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    port[0] = silent.actualPort();

    BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> subscriptions = new LinkedBlockingQueue<>();
    Scheduler scheduler = new Scheduler() {
      @Override
      public void subscribed(SchedulerSession session, FrameworkID frameworkId, boolean resubscribed) {
        subscriptions.add(resubscribed);
      }

      @Override
      public void offers(SchedulerSession session, List<Offer> offers) {
      }

      @Override
      public void update(SchedulerSession session, TaskStatus status) {
      }

      @Override
      public void disconnected(SchedulerSession session, String reason) {
        disconnects.add(reason);
      }
    };
    SessionOptions options = new SessionOptions(MediaType.JSON, true, Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofSeconds(10), 2);
    SchedulerSession session = new SchedulerSession(vertx, new MasterAddress("127.0.0.1", port[0]),
        FrameworkInfo.newBuilder().setUser("u").setName("watchdog").build(), scheduler, options);
    session.start();
    try {
      Call first = subscribes.poll(5, TimeUnit.SECONDS);
      assertThat(first.hasFrameworkId()).as("the first SUBSCRIBE has no id yet").isFalse();
      assertThat(subscriptions.poll(5, TimeUnit.SECONDS)).isFalse();

      String reason = disconnects.poll(5, TimeUnit.SECONDS);
      assertThat(reason).isEqualTo("no heartbeat from the master for 2 intervals of 0.2 s");

      Call second = subscribes.poll(5, TimeUnit.SECONDS);
      assertThat(second).as("subscribed again").isNotNull();
      assertThat(second.getFrameworkId().getValue()).isEqualTo("fw-silent");
      assertThat(second.getSubscribe().getFrameworkInfo().getId().getValue()).isEqualTo("fw-silent");
      assertThat(subscriptions.poll(5, TimeUnit.SECONDS)).as("told it is a re-subscription").isTrue();
    } finally {
      session.stop(false).await(10, TimeUnit.SECONDS);
      silent.close();
    }
  }

  @Test
  void anErrorEventEndsTheSessionWithTheMastersMessage() throws Exception {
    int[] port = new int[1];
    HttpServer refusing = vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/redirect")) {
        request.response().setStatusCode(307).putHeader("Location", "//127.0.0.1:" + port[0]).end();
        return;
      }
      Event error = Event.newBuilder().setType(Event.Type.ERROR)
          .setError(Event.Error.newBuilder().setMessage("Framework has been removed")).build();
      // As Mesos refuses a subscription: 200, one ERROR event, then the stream closes.
      request.response().setChunked(true).putHeader("Content-Type", "application/json")
          .putHeader("Mesos-Stream-Id", "s").end(Buffer.buffer(RecordIO.encode(WireCodec.encode(error, MediaType.JSON))));
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    port[0] = refusing.actualPort();
    Scheduler ignoring = new Scheduler() {
      @Override
      public void offers(SchedulerSession session, List<Offer> offers) {
      }

      @Override
      public void update(SchedulerSession session, TaskStatus status) {
      }
    };
    SchedulerSession session = new SchedulerSession(vertx, new MasterAddress("127.0.0.1", port[0]),
        FrameworkInfo.newBuilder().setUser("u").setName("refused").build(), ignoring, SessionOptions.defaults());
    Throwable failure = session.start().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(5, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(SchedulerSessionException.class)
        .hasMessage("the master sent ERROR: Framework has been removed");
    refusing.close();
  }
}
