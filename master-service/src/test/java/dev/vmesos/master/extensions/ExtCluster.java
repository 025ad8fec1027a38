package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.ha.LeaderElection;
import dev.vmesos.master.security.MasterSecurity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real master on a loopback port, reached over real HTTP: agents register on the event bus (a
 * consumer of each agent's address takes the launches, so tasks stay STAGING and hold their
 * resources), frameworks subscribe through the scheduler API and answer offers as a test tells them.
 */
final class ExtCluster implements AutoCloseable {

  static final String JSON = "application/json";

  final Vertx vertx;
  final MasterVerticle verticle;
  final HttpClientAgent http;
  final Context clientContext;
  final int port;

  record Reply(int status, MultiMap headers, Buffer body) {
    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }
  }

  /** An open RecordIO stream: its response and the records received so far. */
  record Records(HttpClientResponse response, BlockingQueue<byte[]> queue) {
    /** The next record within 10 s. */
    JsonObject next() throws InterruptedException {
      byte[] record = queue.poll(10, TimeUnit.SECONDS);
      assertThat(record).as("a record within 10 s").isNotNull();
      return new JsonObject(new String(record, StandardCharsets.UTF_8));
    }

    /** The next record if one is there, else null. */
    JsonObject poll() {
      byte[] record = queue.poll();
      return record == null ? null : new JsonObject(new String(record, StandardCharsets.UTF_8));
    }

    JsonObject nextOfType(String type) throws InterruptedException {
      for (int i = 0; i < 200; i++) {
        JsonObject record = next();
        if (type.equals(record.getString("type"))) {
          return record;
        }
      }
      throw new AssertionError("no " + type + " event");
    }
  }

  /** A framework subscribed through the scheduler API. */
  final class Fw {
    final String id;
    final String role;
    final Records events;
    final String streamId;

    Fw(String id, String role, Records events, String streamId) {
      this.id = id;
      this.role = role;
      this.events = events;
      this.streamId = streamId;
    }

    int call(JsonObject call) throws Exception {
      call.put("framework_id", new JsonObject().put("value", id));
      Reply reply = request(HttpMethod.POST, "/api/v1/scheduler",
          Map.of("Content-Type", JSON, "Mesos-Stream-Id", streamId), Buffer.buffer(call.encode()));
      assertThat(reply.status()).as("scheduler call %s: %s", call.getString("type"), reply.text()).isEqualTo(202);
      return reply.status();
    }

    /** Launches tasks of {@code cpus}/{@code mem} each on one offer; leftover refused for {@code refuse} s. */
    void launch(JsonObject offer, int tasks, double cpus, double mem, double refuse) throws Exception {
      JsonArray infos = new JsonArray();
      for (int i = 0; i < tasks; i++) {
        String taskId = id + "-t" + taskCounter++;
        infos.add(new JsonObject()
            .put("name", taskId)
            .put("task_id", new JsonObject().put("value", taskId))
            .put("agent_id", offer.getJsonObject("agent_id"))
            .put("resources", new JsonArray().add(scalar("cpus", cpus)).add(scalar("mem", mem)))
            .put("command", new JsonObject().put("value", "sleep 1000")));
      }
      call(new JsonObject().put("type", "ACCEPT").put("accept", new JsonObject()
          .put("offer_ids", new JsonArray().add(offer.getJsonObject("id")))
          .put("operations", new JsonArray().add(new JsonObject().put("type", "LAUNCH")
              .put("launch", new JsonObject().put("task_infos", infos))))
          .put("filters", new JsonObject().put("refuse_seconds", refuse))));
    }

    void decline(JsonObject offer, double refuse) throws Exception {
      call(new JsonObject().put("type", "DECLINE").put("decline", new JsonObject()
          .put("offer_ids", new JsonArray().add(offer.getJsonObject("id")))
          .put("filters", new JsonObject().put("refuse_seconds", refuse))));
    }

    /** The offers of the next OFFERS event within 10 s. */
    List<JsonObject> nextOffers() throws InterruptedException {
      JsonArray offers = events.nextOfType("OFFERS").getJsonObject("offers").getJsonArray("offers");
      List<JsonObject> list = new ArrayList<>();
      offers.forEach(o -> list.add((JsonObject) o));
      return list;
    }

    /** The offers of every OFFERS event received so far, without waiting. */
    List<JsonObject> offersSoFar() {
      List<JsonObject> list = new ArrayList<>();
      for (JsonObject event = events.poll(); event != null; event = events.poll()) {
        if ("OFFERS".equals(event.getString("type"))) {
          event.getJsonObject("offers").getJsonArray("offers").forEach(o -> list.add((JsonObject) o));
        }
      }
      return list;
    }
  }

  private int taskCounter;
  final List<String> agents = new ArrayList<>();

  /** Starts a master with these flags (besides --port=0). */
  static ExtCluster start(String... flags) throws Exception {
    return start(MasterSecurity.none(), null, flags);
  }

  /** @param election null: a single master, elected at once */
  static ExtCluster start(MasterSecurity security, LeaderElection election, String... flags) throws Exception {
    String[] args = new String[flags.length + 1];
    System.arraycopy(flags, 0, args, 0, flags.length);
    args[flags.length] = "--port=0";
    MasterConfig config = MasterConfig.fromFlags(Flags.parse(args, Map.of()));
    return new ExtCluster(config, security, election);
  }

  private ExtCluster(MasterConfig config, MasterSecurity security, LeaderElection election) throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    verticle = (election == null ? new MasterVerticle(config)
        : new MasterVerticle(config, election, null)).withSecurity(security);
    vertx.deployVerticle(verticle).await(20, TimeUnit.SECONDS);
    port = verticle.actualPort();
    http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    clientContext = vertx.getOrCreateContext();
  }

  /** Registers an agent with these resources; a consumer takes what the master sends it. */
  String addAgent(String resources) throws Exception {
    AgentRegistered registered = vertx.eventBus().<AgentRegistered>request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("host" + agents.size())
            .setPort(5051).addAllResources(ResourcesParser.parse(resources).toList())).build())
        .await(10, TimeUnit.SECONDS).body();
    String agentId = registered.getAgentId().getValue();
    vertx.eventBus().<Object>consumer(Addresses.agent(agentId), message -> {
      if (message.replyAddress() != null) {
        message.reply(Ack.getDefaultInstance());
      }
    }).completion().await(10, TimeUnit.SECONDS);
    agents.add(agentId);
    return agentId;
  }

  Fw subscribe(String name, String role) throws Exception {
    return subscribe(name, role, "alice");
  }

  Fw subscribe(String name, String role, String user) throws Exception {
    Records events = stream("/api/v1/scheduler", Map.of("Content-Type", JSON, "Accept", JSON),
        new JsonObject().put("type", "SUBSCRIBE").put("subscribe", new JsonObject().put("framework_info",
            new JsonObject().put("user", user).put("name", name).put("roles", new JsonArray().add(role))
                .put("capabilities", new JsonArray().add(new JsonObject().put("type", "MULTI_ROLE"))))).encode());
    String id = events.nextOfType("SUBSCRIBED").getJsonObject("subscribed").getJsonObject("framework_id")
        .getString("value");
    return new Fw(id, role, events, events.response().getHeader("Mesos-Stream-Id"));
  }

  static JsonObject scalar(String name, double value) {
    return new JsonObject().put("name", name).put("type", "SCALAR").put("scalar", new JsonObject().put("value", value));
  }

  static double scalarOf(JsonObject offer, String name) {
    for (Object o : offer.getJsonArray("resources")) {
      JsonObject resource = (JsonObject) o;
      if (name.equals(resource.getString("name"))) {
        return resource.getJsonObject("scalar").getDouble("value");
      }
    }
    return 0;
  }

  Reply request(HttpMethod method, String path, Map<String, String> headers, Buffer body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::putHeader);
    return onContext(() -> http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b))))
        .await(10, TimeUnit.SECONDS);
  }

  /** A vmesos call with a raw body. */
  Reply vmesosRaw(String body) throws Exception {
    return request(HttpMethod.POST, VmesosApi.PATH, Map.of("Content-Type", JSON), Buffer.buffer(body));
  }

  /** A vmesos call that must succeed; its {@code get_...} part. */
  JsonObject vmesos(String type) throws Exception {
    Reply reply = vmesosRaw("{\"type\":\"" + type + "\"}");
    assertThat(reply.status()).as("%s: %s", type, reply.text()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).isEqualTo(JSON);
    JsonObject json = reply.json();
    assertThat(json.getString("type")).isEqualTo(type);
    return json.getJsonObject(type.toLowerCase(java.util.Locale.ROOT));
  }

  /** Polls a vmesos call until its answer satisfies {@code condition}, for up to 20 s. */
  JsonObject vmesosUntil(String type, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject answer;
    do {
      answer = vmesos(type);
      if (condition.test(answer)) {
        return answer;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(type + " never satisfied the condition within 20 s; last answer: " + answer.encode());
  }

  Records stream(String path, Map<String, String> headers, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    headers.forEach(options::putHeader);
    BlockingQueue<byte[]> records = new LinkedBlockingQueue<>();
    HttpClientResponse response = onContext(() -> http.request(options).compose(req -> req.send(body)).map(resp -> {
      RecordIODecoder decoder = new RecordIODecoder();
      resp.handler(chunk -> records.addAll(decoder.decode(chunk.getBytes())));
      return resp;
    })).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    return new Records(response, records);
  }

  /** The vmesos SUBSCRIBE stream. */
  Records subscribeShares() throws Exception {
    return stream(VmesosApi.PATH, Map.of("Content-Type", JSON, "Accept", JSON), "{\"type\":\"SUBSCRIBE\"}");
  }

  <T> Future<T> onContext(Supplier<Future<T>> work) {
    return Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }

  static Map<String, Double> shape(double cpus, double mem) {
    Map<String, Double> shape = new HashMap<>();
    shape.put("cpus", cpus);
    shape.put("mem", mem);
    return shape;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
