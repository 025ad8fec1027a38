package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call made after the client was closed (a framework shutting down while a timer still fires a
 * DECLINE or a SUPPRESS) fails its future; it used to throw on the client's event loop, where nobody
 * could handle it. Real HTTP server on loopback.
 */
class SchedulerClientClosedTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallOnAClosedClientFailsItsFuture() throws Exception {
    AtomicInteger unhandled = new AtomicInteger();
    vertx.exceptionHandler(e -> unhandled.incrementAndGet());
    AtomicInteger served = new AtomicInteger();
    HttpServer master = vertx.createHttpServer().requestHandler(r -> {
      served.incrementAndGet();
      r.response().setStatusCode(202).end();
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    SchedulerClient client = new SchedulerClient(vertx, "127.0.0.1", master.actualPort(), MediaType.JSON);
    Call revive = Call.newBuilder().setType(Call.Type.REVIVE).build();
    client.call(revive).await(10, TimeUnit.SECONDS);
    assertThat(served).hasValue(1);

    client.close().await(10, TimeUnit.SECONDS);
    Throwable failure = client.call(revive).transform(ar -> Future.succeededFuture(ar.cause()))
        .await(10, TimeUnit.SECONDS);

    assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(served).as("nothing was sent after close").hasValue(1);
    assertThat(unhandled).as("no exception escaped to the event loop").hasValue(0);
  }
}
