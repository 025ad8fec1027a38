package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a framework author sees when the master address is wrong: one line naming the address and
 * what went wrong, after retrying for {@code giveUpAfter} when nothing listens, at once when what
 * listens is not a master. Real sockets and a real HTTP server on loopback; no master involved.
 */
class SchedulerSessionBadInputTest {

  private final Vertx vertx = Vertx.vertx();
  private static final FrameworkInfo INFO = FrameworkInfo.newBuilder().setUser("u").setName("bad-input").build();
  private static final Scheduler IGNORING = new Scheduler() {
    @Override
    public void offers(SchedulerSession session, List<Offer> offers) {
    }

    @Override
    public void update(SchedulerSession session, TaskStatus status) {
    }
  };

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anUnreachableMasterIsRetriedThenReportedInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    SessionOptions options = SessionOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
        .withGiveUpAfter(Duration.ofSeconds(2));
    long start = System.nanoTime();
    SchedulerSession session = new SchedulerSession(vertx, new MasterAddress("127.0.0.1", port), INFO, IGNORING, options);
    Throwable failure = session.start().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(10, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(failure).isInstanceOf(SchedulerSessionException.class);
    assertThat(failure.getMessage()).contains("127.0.0.1:" + port).contains("unreachable")
        .contains("gave up after 2 s").doesNotContain("\n");
    assertThat(seconds).as("retried for giveUpAfter, no longer").isBetween(1.9, 6.0);
  }

  @Test
  void anHttpServerThatIsNotAMasterFailsAtOnce() throws Exception {
    HttpServer notAMaster = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(404).end("nope"))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    SchedulerSession session = new SchedulerSession(vertx, new MasterAddress("127.0.0.1", notAMaster.actualPort()),
        INFO, IGNORING, SessionOptions.defaults());
    Throwable failure = session.start().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(5, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(SchedulerSessionException.class);
    assertThat(failure.getMessage()).isEqualTo("http://127.0.0.1:" + notAMaster.actualPort()
        + " is not a Mesos master: GET /redirect answered 404 (a master answers 307)");
  }

  @Test
  void aMasterWithoutALeaderIsRetried() throws Exception {
    HttpServer standby = vertx.createHttpServer()
        .requestHandler(r -> r.response().setStatusCode(503).end("No leader elected"))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    SessionOptions options = SessionOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(200))
        .withGiveUpAfter(Duration.ofSeconds(1));
    SchedulerSession session = new SchedulerSession(vertx, new MasterAddress("127.0.0.1", standby.actualPort()),
        INFO, IGNORING, options);
    Throwable failure = session.start().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(10, TimeUnit.SECONDS);
    assertThat(failure.getMessage()).contains("HTTP 503: No leader elected").contains("gave up after 1 s");
  }
}
