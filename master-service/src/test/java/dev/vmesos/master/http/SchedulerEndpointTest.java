package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler endpoint over real HTTP: Mesos's statuses for bad input, and the stream it writes. */
@ExtendWith(io.vertx.junit5.VertxExtension.class)
class SchedulerEndpointTest {

  private static final String SUBSCRIBE =
      "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}";

  private Vertx vertx;
  private HttpClientAgent http;
  private io.vertx.core.Context clientContext;
  private int port;

  record Reply(int status, MultiMap headers, String body) {
  }

  /** An open subscription: its headers and the records received so far, as text. */
  record Stream(HttpClientResponse response, BlockingQueue<String> records, AtomicBoolean ended,
                AtomicBoolean splitRecord) {
    String next() throws InterruptedException {
      String record = records.poll(10, TimeUnit.SECONDS);
      assertThat(record).as("a record within 10 s").isNotNull();
      return record;
    }

    String nextOfType(String type) throws InterruptedException {
      for (int i = 0; i < 50; i++) {
        String record = next();
        if (record.startsWith("{\"type\":\"" + type + "\"")) {
          return record;
        }
      }
      throw new AssertionError("no " + type + " event");
    }
  }

  @BeforeEach
  void startMaster(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
    http = vertx.createHttpClient();
    clientContext = vertx.getOrCreateContext();
  }

  private Reply post(String path, HttpMethod method, Map<String, String> headers, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::putHeader);
    return onContext(() -> http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
        ).await(10, TimeUnit.SECONDS);
  }

  private Reply postJson(String body, Map<String, String> extra) throws Exception {
    java.util.HashMap<String, String> headers = new java.util.HashMap<>(extra);
    headers.put("Content-Type", "application/json");
    return post("/api/v1/scheduler", HttpMethod.POST, headers, body);
  }

  private Stream subscribe(String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/scheduler").putHeader("Content-Type", "application/json");
    BlockingQueue<String> records = new LinkedBlockingQueue<>();
    AtomicBoolean ended = new AtomicBoolean();
    AtomicBoolean split = new AtomicBoolean();
    HttpClientResponse response = onContext(() -> http.request(options).compose(req -> req.send(body)).map(resp -> {
      RecordIODecoder decoder = new RecordIODecoder();
      resp.handler(chunk -> {
        for (byte[] record : decoder.decode(chunk.getBytes())) {
          records.add(new String(record, StandardCharsets.UTF_8));
        }
        if (decoder.hasPartialRecord()) {
          split.set(true);
        }
      });
      resp.endHandler(v -> ended.set(true));
      return resp;
    })).await(10, TimeUnit.SECONDS);
    return new Stream(response, records, ended, split);
  }

  @Test
  void subscribeStreamsSubscribedThenHeartbeatThenOffersInMesosJson() throws Exception {
    Stream stream = subscribe(SUBSCRIBE);

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.response().getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(stream.response().getHeader("Mesos-Stream-Id")).matches("[0-9a-f-]{36}");
    assertThat(stream.response().getHeader("Transfer-Encoding")).isEqualTo("chunked");
    String subscribed = stream.next();
    assertThat(subscribed)
        .startsWith("{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"")
        .contains("\"heartbeat_interval_seconds\":15.0")
        .contains("\"master_info\":{\"id\":\"")
        .contains("\"port\":" + port);
    assertThat(stream.next()).isEqualTo("{\"type\":\"HEARTBEAT\"}");
    assertThat(stream.splitRecord()).as("every record arrives whole in one chunk").isFalse();
  }

  @Test
  void malformedRequestsGetMesosStatusesAndTheMasterKeepsServing() throws Exception {
    Reply get = post("/api/v1/scheduler", HttpMethod.GET, Map.of(), null);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isEqualTo("POST");

    assertThat(post("/api/v1/scheduler", HttpMethod.POST, Map.of(), SUBSCRIBE).status()).isEqualTo(400);
    assertThat(post("/api/v1/scheduler", HttpMethod.POST, Map.of("Content-Type", "text/plain"), SUBSCRIBE).status())
        .isEqualTo(415);

    Reply garbage = postJson("{not json", Map.of());
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(garbage.body()).contains("Failed to parse");

    Reply missingUser = postJson("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"n\"}}}",
        Map.of());
    assertThat(missingUser.status()).isEqualTo(400);
    assertThat(missingUser.body()).contains("user");

    assertThat(postJson("{\"type\":1,\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}", Map.of())
        .status()).as("an enum given as a number").isEqualTo(400);
    assertThat(postJson(SUBSCRIBE, Map.of("Accept", "text/html")).status()).isEqualTo(406);
    assertThat(postJson(SUBSCRIBE, Map.of("Mesos-Stream-Id", "x")).status()).isEqualTo(400);
    assertThat(postJson("{\"type\":\"UNKNOWN\"}", Map.of()).status()).isEqualTo(501);
    assertThat(postJson("{\"type\":\"REVIVE\"}", Map.of()).body()).contains("framework_id");

    Reply unknown = postJson("{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"nope\"}}", Map.of());
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("Framework cannot be found");

    assertThat(post("/nowhere", HttpMethod.GET, Map.of(), null).status()).isEqualTo(404);

    Stream stream = subscribe(SUBSCRIBE);
    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.next()).startsWith("{\"type\":\"SUBSCRIBED\"");
  }

  @Test
  void callsNeedTheCurrentStreamId() throws Exception {
    Stream stream = subscribe(SUBSCRIBE);
    String frameworkId = stream.next().replaceAll(".*\"framework_id\":\\{\"value\":\"([^\"]+)\".*", "$1");
    String revive = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + frameworkId + "\"}}";

    assertThat(postJson(revive, Map.of()).status()).isEqualTo(400);
    assertThat(postJson(revive, Map.of("Mesos-Stream-Id", "00000000-0000-0000-0000-000000000000")).status())
        .isEqualTo(400);
    Reply ok = postJson(revive, Map.of("Mesos-Stream-Id", stream.response().getHeader("Mesos-Stream-Id")));
    assertThat(ok.status()).isEqualTo(202);
    assertThat(ok.body()).isEmpty();
  }

  @Test
  void invalidFrameworkInfoGets200ThenErrorThenTheStreamEnds() throws Exception {
    Stream stream = subscribe("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":"
        + "{\"user\":\"u\",\"name\":\"n\",\"roles\":[\"a\"]}}}");

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.next()).startsWith("{\"type\":\"ERROR\",\"error\":{\"message\":\"").contains("MULTI_ROLE");
    awaitTrue(stream.ended());
  }

  @Test
  void resubscribingFailsTheOldStreamOver() throws Exception {
    String withId = "{\"type\":\"SUBSCRIBE\",\"framework_id\":{\"value\":\"my-fw\"},\"subscribe\":"
        + "{\"framework_info\":{\"id\":{\"value\":\"my-fw\"},\"user\":\"u\",\"name\":\"n\",\"failover_timeout\":60}}}";
    Stream first = subscribe(withId);
    assertThat(first.next()).contains("\"framework_id\":{\"value\":\"my-fw\"}");

    Stream second = subscribe(withId);

    assertThat(second.next()).startsWith("{\"type\":\"SUBSCRIBED\"");
    assertThat(first.nextOfType("ERROR")).contains("Framework failed over");
    awaitTrue(first.ended());
    assertThat(second.response().getHeader("Mesos-Stream-Id"))
        .isNotEqualTo(first.response().getHeader("Mesos-Stream-Id"));
  }

  private static void awaitTrue(AtomicBoolean flag) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!flag.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(flag.get()).isTrue();
  }

  /**
   * Runs a whole request, from opening it to reading its response, on one Vert.x context: Vert.x 5's
   * HTTP client driven from a plain thread now and then never completes a response it has received.
   */
  private <T> io.vertx.core.Future<T> onContext(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    return io.vertx.core.Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }
}
