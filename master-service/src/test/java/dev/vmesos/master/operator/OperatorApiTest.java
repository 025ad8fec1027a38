package dev.vmesos.master.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator surface of a running master over real HTTP: one agent registered on the event bus,
 * one framework subscribed through the scheduler API with a launched task (no agent runs it, so it
 * stays TASK_STAGING until the test reports otherwise).
 */
class OperatorApiTest {

  private static final String JSON = "application/json";
  private static final String PROTOBUF = "application/x-protobuf";

  private Vertx vertx;
  private HttpClientAgent http;
  private io.vertx.core.Context clientContext;
  private int port;
  private String agentId;
  private String frameworkId;
  private Records scheduler;
  private MasterVerticle verticle;

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
    byte[] nextBytes(long timeoutMs) throws InterruptedException {
      return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    JsonObject next() throws InterruptedException {
      byte[] record = nextBytes(10_000);
      assertThat(record).as("a record within 10 s").isNotNull();
      return new JsonObject(new String(record, StandardCharsets.UTF_8));
    }

    JsonObject nextOfType(String type) throws InterruptedException {
      for (int i = 0; i < 50; i++) {
        JsonObject record = next();
        if (type.equals(record.getString("type"))) {
          return record;
        }
      }
      throw new AssertionError("no " + type + " event");
    }
  }

  void start(MasterConfig config) throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(config.withPort(0));
    verticle = master;
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
    http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    clientContext = vertx.getOrCreateContext();
    AgentRegistered registered = vertx.eventBus().<AgentRegistered>request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
            .addAllResources(ResourcesParser.parse("cpus:4;mem:1024;ports:[31000-32000]").toList())).build())
        .await(10, TimeUnit.SECONDS).body();
    agentId = registered.getAgentId().getValue();

    scheduler = stream("/api/v1/scheduler", JSON, JSON,
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"alice\",\"name\":\"fw\"}}}");
    frameworkId = scheduler.nextOfType("SUBSCRIBED").getJsonObject("subscribed").getJsonObject("framework_id")
        .getString("value");
    launch("t1");
  }

  /** Takes the next offer and launches one task with cpus:1;mem:128 on it, declining the rest for 0 s. */
  private void launch(String taskId) throws Exception {
    JsonObject offer = scheduler.nextOfType("OFFERS").getJsonObject("offers").getJsonArray("offers").getJsonObject(0);
    JsonObject task = new JsonObject()
        .put("name", taskId)
        .put("task_id", new JsonObject().put("value", taskId))
        .put("agent_id", new JsonObject().put("value", agentId))
        .put("resources", new JsonArray()
            .add(scalar("cpus", 1))
            .add(scalar("mem", 128)))
        .put("command", new JsonObject().put("value", "sleep 100"));
    JsonObject accept = new JsonObject()
        .put("type", "ACCEPT")
        .put("framework_id", new JsonObject().put("value", frameworkId))
        .put("accept", new JsonObject()
            .put("offer_ids", new JsonArray().add(offer.getJsonObject("id")))
            .put("operations", new JsonArray().add(new JsonObject().put("type", "LAUNCH")
                .put("launch", new JsonObject().put("task_infos", new JsonArray().add(task)))))
            .put("filters", new JsonObject().put("refuse_seconds", 0)));
    Reply reply = request(HttpMethod.POST, "/api/v1/scheduler",
        Map.of("Content-Type", JSON, "Mesos-Stream-Id", scheduler.response().getHeader("Mesos-Stream-Id")),
        Buffer.buffer(accept.encode()));
    assertThat(reply.status()).isEqualTo(202);
  }

  private static JsonObject scalar(String name, double value) {
    return new JsonObject().put("name", name).put("type", "SCALAR")
        .put("scalar", new JsonObject().put("value", value));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private Reply request(HttpMethod method, String path, Map<String, String> headers, Buffer body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    headers.forEach(options::putHeader);
    return onContext(() -> http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b)))
        ).await(10, TimeUnit.SECONDS);
  }

  private Reply get(String path) throws Exception {
    return request(HttpMethod.GET, path, Map.of(), null);
  }

  private Reply operator(String json) throws Exception {
    return request(HttpMethod.POST, "/api/v1", Map.of("Content-Type", JSON), Buffer.buffer(json));
  }

  private Response operatorProtobuf(Call call) throws Exception {
    Reply reply = request(HttpMethod.POST, "/master/api/v1",
        Map.of("Content-Type", PROTOBUF, "Accept", PROTOBUF), Buffer.buffer(call.toByteArray()));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).isEqualTo(PROTOBUF);
    return Response.parseFrom(reply.body().getBytes());
  }

  private Records stream(String path, String contentType, String accept, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Content-Type", contentType).putHeader("Accept", accept);
    BlockingQueue<byte[]> records = new LinkedBlockingQueue<>();
    HttpClientResponse response = onContext(() -> http.request(options).compose(req -> req.send(body)).map(resp -> {
      RecordIODecoder decoder = new RecordIODecoder();
      resp.handler(chunk -> records.addAll(decoder.decode(chunk.getBytes())));
      return resp;
    })).await(10, TimeUnit.SECONDS);
    return new Records(response, records);
  }

  /** Polls {@code /state} until the condition holds (launches reach the master asynchronously). */
  private JsonObject stateWhere(java.util.function.Predicate<JsonObject> condition) throws Exception {
    JsonObject state = null;
    for (int i = 0; i < 100; i++) {
      state = get("/state").json();
      if (condition.test(state)) {
        return state;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("condition never held; last state: " + state);
  }

  private static JsonObject firstTask(JsonObject state) {
    JsonArray frameworks = state.getJsonArray("frameworks");
    if (frameworks.isEmpty() || frameworks.getJsonObject(0).getJsonArray("tasks").isEmpty()) {
      return null;
    }
    return frameworks.getJsonObject(0).getJsonArray("tasks").getJsonObject(0);
  }

  private void report(String taskId, TaskState state) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(java.nio.ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
    vertx.eventBus().request(Addresses.MASTER_LEADER, StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setUuid(bytes).setTimestamp(1700000000.5).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setAgentId(AgentID.newBuilder().setValue(agentId)))
        .build());
  }

  @Test
  void stateIsV0JsonWithTheAgentTheFrameworkAndItsStagingTask() throws Exception {
    start(MasterConfig.defaults());
    JsonObject state = stateWhere(s -> firstTask(s) != null);

    assertThat(state.fieldNames()).contains("version", "build_date", "build_time", "build_user", "start_time",
        "elected_time", "id", "pid", "hostname", "activated_slaves", "deactivated_slaves", "unreachable_slaves",
        "leader", "leader_info", "flags", "slaves", "frameworks", "completed_frameworks", "orphan_tasks",
        "unregistered_frameworks");
    assertThat(state.getString("version")).isEqualTo("1.11.0");
    assertThat(state.getString("leader")).isEqualTo(state.getString("pid")).startsWith("master@127.0.0.1:");
    assertThat(state.getJsonArray("orphan_tasks")).isEmpty();
    assertThat(state.getJsonArray("unregistered_frameworks")).isEmpty();
    assertThat(state.getDouble("activated_slaves")).isEqualTo(1.0);
    assertThat(state.getJsonObject("flags").getString("port")).isEqualTo("0");

    JsonObject slave = state.getJsonArray("slaves").getJsonObject(0);
    assertThat(slave.getString("id")).isEqualTo(agentId);
    assertThat(slave.getString("hostname")).isEqualTo("127.0.0.1");
    assertThat(slave.getInteger("port")).isEqualTo(5051);
    assertThat(slave.getBoolean("active")).isTrue();
    assertThat(slave.getValue("registered_time")).isInstanceOf(Number.class);
    assertThat(slave.getJsonObject("resources").getValue("cpus")).isEqualTo(4.0);
    assertThat(slave.getJsonObject("resources").getValue("mem")).isEqualTo(1024.0);
    assertThat(slave.getJsonObject("resources").getValue("ports")).isEqualTo("[31000-32000]");
    assertThat(slave.getJsonObject("used_resources").getValue("cpus")).isEqualTo(1.0);
    assertThat(slave.getJsonObject("unreserved_resources").getValue("cpus")).isEqualTo(4.0);
    assertThat(slave.getJsonObject("reserved_resources")).isEmpty();

    JsonObject framework = state.getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getString("id")).isEqualTo(frameworkId);
    assertThat(framework.getString("name")).isEqualTo("fw");
    assertThat(framework.getString("user")).isEqualTo("alice");
    assertThat(framework.getString("role")).isEqualTo("*");
    assertThat(framework.getBoolean("active")).isTrue();
    assertThat(framework.getBoolean("connected")).isTrue();
    assertThat(framework.getDouble("failover_timeout")).isEqualTo(0.0);
    assertThat(framework.getJsonObject("used_resources").getValue("cpus")).isEqualTo(1.0);
    assertThat(framework.getJsonArray("completed_tasks")).isEmpty();

    JsonObject task = firstTask(state);
    assertThat(task.getString("id")).isEqualTo("t1");
    assertThat(task.getString("name")).isEqualTo("t1");
    assertThat(task.getString("framework_id")).isEqualTo(frameworkId);
    assertThat(task.getString("executor_id")).isEmpty();
    assertThat(task.getString("slave_id")).isEqualTo(agentId);
    assertThat(task.getString("state")).isEqualTo("TASK_STAGING");
    assertThat(task.getJsonObject("resources").getValue("cpus")).isEqualTo(1.0);
    assertThat(task.getJsonObject("resources").getValue("mem")).isEqualTo(128.0);
    assertThat(task.getJsonArray("statuses")).as("no agent has reported on the task yet").isEmpty();

    assertThat(get("/state.json").json().getString("id")).isEqualTo(state.getString("id"));

    Reply jsonp = get("/master/state?jsonp=cb");
    assertThat(jsonp.status()).isEqualTo(200);
    assertThat(jsonp.headers().get("Content-Type")).isEqualTo("text/javascript");
    assertThat(jsonp.text()).startsWith("cb({").endsWith("});");
    assertThat(new JsonObject(jsonp.text().substring(3, jsonp.text().length() - 2)).getString("id"))
        .isEqualTo(state.getString("id"));
    assertThat(get("/state").headers().get("Content-Type")).isEqualTo("application/json");

    report("t1", TaskState.TASK_RUNNING);
    JsonObject running = firstTask(stateWhere(s -> "TASK_RUNNING".equals(firstTask(s).getString("state"))));
    assertThat(running.getJsonArray("statuses").getJsonObject(0))
        .isEqualTo(new JsonObject().put("state", "TASK_RUNNING").put("timestamp", 1700000000.5));
  }

  @Test
  void summaryFlagsVersionAndMetrics() throws Exception {
    start(MasterConfig.defaults());
    stateWhere(s -> firstTask(s) != null);

    JsonObject summary = get("/state-summary").json();
    JsonObject slave = summary.getJsonArray("slaves").getJsonObject(0);
    assertThat(slave.getInteger("TASK_STAGING")).isEqualTo(1);
    assertThat(slave.getJsonArray("framework_ids").getString(0)).isEqualTo(frameworkId);
    JsonObject framework = summary.getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getJsonArray("slave_ids").getString(0)).isEqualTo(agentId);
    assertThat(framework.containsKey("tasks")).isFalse();

    JsonObject flags = get("/master/flags").json().getJsonObject("flags");
    assertThat(flags.getString("allocation_interval")).isEqualTo("1secs");
    assertThat(flags.getString("heartbeat_interval")).isEqualTo("15secs");
    assertThat(flags.getString("role_sorter")).isEqualTo("drf");

    JsonObject version = get("/version").json();
    assertThat(version.getString("version")).isEqualTo("1.11.0");
    assertThat(version.fieldNames()).contains("build_date", "build_time", "build_user");

    Reply snapshot = get("/metrics/snapshot");
    assertThat(snapshot.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject metrics = snapshot.json();
    assertThat(metrics.getDouble("master/tasks_staging")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/tasks_running")).isEqualTo(0.0);
    assertThat(metrics.getDouble("master/elected")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/slaves_active")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/frameworks_active")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/cpus_total")).isEqualTo(4.0);
    assertThat(metrics.getDouble("master/cpus_used")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/cpus_percent")).isEqualTo(0.25);
    assertThat(metrics.getDouble("master/uptime_secs")).isGreaterThanOrEqualTo(0.0);
    assertThat(metrics.getDouble("allocator/mesos/allocation_runs")).isGreaterThan(0.0);

    report("t1", TaskState.TASK_FINISHED);
    for (int i = 0; i < 100 && get("/metrics/snapshot").json().getDouble("master/tasks_finished") == 0; i++) {
      Thread.sleep(100);
    }
    metrics = get("/metrics/snapshot").json();
    assertThat(metrics.getDouble("master/tasks_finished")).isEqualTo(1.0);
    assertThat(metrics.getDouble("master/tasks_staging")).isEqualTo(0.0);
    assertThat(metrics.getDouble("master/messages_status_update")).isEqualTo(1.0);
  }

  @Test
  void getStateInJsonAndProtobuf() throws Exception {
    start(MasterConfig.defaults());
    stateWhere(s -> firstTask(s) != null);

    Reply reply = operator("{\"type\":\"GET_STATE\"}");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).isEqualTo(JSON);
    assertThat(reply.text()).startsWith("{\"type\":\"GET_STATE\",\"get_state\":{\"get_tasks\":{\"tasks\":[{");
    JsonObject state = reply.json().getJsonObject("get_state");
    JsonObject task = state.getJsonObject("get_tasks").getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getJsonObject("task_id").getString("value")).isEqualTo("t1");
    assertThat(task.getString("state")).isEqualTo("TASK_STAGING");
    assertThat(task.getJsonObject("agent_id").getString("value")).isEqualTo(agentId);
    JsonObject agent = state.getJsonObject("get_agents").getJsonArray("agents").getJsonObject(0);
    assertThat(agent.getJsonObject("agent_info").getJsonObject("id").getString("value")).isEqualTo(agentId);
    assertThat(agent.getBoolean("active")).isTrue();
    assertThat(agent.getString("version")).isEqualTo("1.11.0");
    JsonObject framework = state.getJsonObject("get_frameworks").getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getJsonObject("framework_info").getJsonObject("id").getString("value"))
        .isEqualTo(frameworkId);
    assertThat(framework.getBoolean("connected")).isTrue();

    Response response = operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_STATE).build());
    assertThat(response.getType()).isEqualTo(Response.Type.GET_STATE);
    Response.GetState proto = response.getGetState();
    assertThat(proto.getGetTasks().getTasks(0).getTaskId().getValue()).isEqualTo("t1");
    assertThat(proto.getGetTasks().getTasks(0).getState()).isEqualTo(TaskState.TASK_STAGING);
    assertThat(proto.getGetAgents().getAgents(0).getAgentInfo().getId().getValue()).isEqualTo(agentId);
    assertThat(proto.getGetAgents().getAgents(0).getAllocatedResourcesList()).isNotEmpty();
    assertThat(proto.getGetFrameworks().getFrameworks(0).getFrameworkInfo().getId().getValue())
        .isEqualTo(frameworkId);
    assertThat(proto.getGetFrameworks().getFrameworks(0).getOffersList()).as("offers in the v1 resource format")
        .allSatisfy(offer -> assertThat(offer.getResourcesList())
            .allMatch(r -> r.hasAllocationInfo() && !r.hasRole()));

    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_HEALTH).build()).getGetHealth()
        .getHealthy()).isTrue();
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_VERSION).build()).getGetVersion()
        .getVersionInfo().getVersion()).isEqualTo("1.11.0");
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_FLAGS).build()).getGetFlags()
        .getFlagsList()).anyMatch(f -> f.getName().equals("hostname") && f.getValue().equals("127.0.0.1"));
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_METRICS).build()).getGetMetrics()
        .getMetricsList()).anyMatch(m -> m.getName().equals("master/tasks_staging") && m.getValue() == 1.0);
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_MASTER).build()).getGetMaster()
        .getMasterInfo().getPort()).isEqualTo(port);
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_EXECUTORS).build()).getType())
        .isEqualTo(Response.Type.GET_EXECUTORS);
    assertThat(operator("{\"type\":\"GET_TASKS\"}").json().getString("type")).isEqualTo("GET_TASKS");
    assertThat(operator("{\"type\":\"GET_AGENTS\"}").json().getJsonObject("get_agents").getJsonArray("agents"))
        .hasSize(1);
    assertThat(operator("{\"type\":\"GET_FRAMEWORKS\"}").json().getJsonObject("get_frameworks")
        .getJsonArray("frameworks")).hasSize(1);
  }

  @Test
  void rolesWeightsAndQuotaRoundTrip() throws Exception {
    start(MasterConfig.defaults());
    stateWhere(s -> firstTask(s) != null);

    JsonObject roles = operator("{\"type\":\"GET_ROLES\"}").json();
    assertThat(roles.getString("type")).isEqualTo("GET_ROLES");
    JsonObject star = roles.getJsonObject("get_roles").getJsonArray("roles").getJsonObject(0);
    assertThat(star.getString("name")).isEqualTo("*");
    assertThat(star.getDouble("weight")).isEqualTo(1.0);
    assertThat(star.getJsonArray("frameworks").getJsonObject(0).getString("value")).isEqualTo(frameworkId);

    assertThat(operator("{\"type\":\"GET_WEIGHTS\"}").text()).isEqualTo("{\"type\":\"GET_WEIGHTS\",\"get_weights\":{}}");
    Reply update = operator("{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":"
        + "[{\"role\":\"web\",\"weight\":2.5}]}}");
    assertThat(update.status()).isEqualTo(200);
    assertThat(update.body().length()).isZero();
    assertThat(operator("{\"type\":\"GET_WEIGHTS\"}").text()).isEqualTo(
        "{\"type\":\"GET_WEIGHTS\",\"get_weights\":{\"weight_infos\":[{\"weight\":2.5,\"role\":\"web\"}]}}");
    assertThat(operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_ROLES).build()).getGetRoles()
        .getRolesList()).anyMatch(r -> r.getName().equals("web") && r.getWeight() == 2.5);
    assertThat(operator("{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":"
        + "[{\"role\":\"web\",\"weight\":-1}]}}").status()).isEqualTo(400);
    assertThat(operator("{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":"
        + "[{\"role\":\"a b\",\"weight\":1}]}}").status()).isEqualTo(400);

    assertThat(operator("{\"type\":\"GET_QUOTA\"}").text())
        .isEqualTo("{\"type\":\"GET_QUOTA\",\"get_quota\":{\"status\":{}}}");
    Reply quota = operator("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\","
        + "\"guarantees\":{\"cpus\":{\"value\":1}},\"limits\":{\"cpus\":{\"value\":2},\"mem\":{\"value\":512}}}]}}");
    assertThat(quota.status()).isEqualTo(200);
    JsonObject config = operator("{\"type\":\"GET_QUOTA\"}").json().getJsonObject("get_quota")
        .getJsonObject("status").getJsonArray("configs").getJsonObject(0);
    assertThat(config.getString("role")).isEqualTo("web");
    assertThat(config.getJsonObject("guarantees").getJsonObject("cpus").getDouble("value")).isEqualTo(1.0);
    assertThat(config.getJsonObject("limits").getJsonObject("mem").getDouble("value")).isEqualTo(512.0);
    assertThat(get("/metrics/snapshot").json().getDouble("allocator/mesos/quota/roles/web/resources/cpus/limit"))
        .as("the allocator applies the quota").isEqualTo(2.0);

    Reply invalid = operator("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":["
        + "{\"role\":\"db\",\"limits\":{\"cpus\":{\"value\":1}}},"
        + "{\"role\":\"web\",\"guarantees\":{\"cpus\":{\"value\":3}},\"limits\":{\"cpus\":{\"value\":2}}}]}}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.text()).contains("web");
    Response.GetQuota unchanged = operatorProtobuf(Call.newBuilder().setType(Call.Type.GET_QUOTA).build())
        .getGetQuota();
    assertThat(unchanged.getStatus().getConfigsList()).as("all or nothing").hasSize(1);
    assertThat(unchanged.getStatus().getConfigs(0).getLimitsMap().get("cpus").getValue()).isEqualTo(2.0);

    assertThat(operator("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\"}]}}")
        .status()).isEqualTo(200);
    assertThat(operator("{\"type\":\"GET_QUOTA\"}").text()).as("an empty config removes the quota")
        .isEqualTo("{\"type\":\"GET_QUOTA\",\"get_quota\":{\"status\":{}}}");
  }

  @Test
  void subscribeStreamsSubscribedThenChanges() throws Exception {
    start(MasterConfig.defaults());
    stateWhere(s -> firstTask(s) != null);

    Records events = stream("/api/v1", JSON, JSON, "{\"type\":\"SUBSCRIBE\"}");
    assertThat(events.response().statusCode()).isEqualTo(200);
    assertThat(events.response().getHeader("Content-Type")).isEqualTo(JSON);
    assertThat(events.response().getHeader("Transfer-Encoding")).isEqualTo("chunked");
    JsonObject subscribed = events.next();
    assertThat(subscribed.getString("type")).isEqualTo("SUBSCRIBED");
    assertThat(subscribed.getJsonObject("subscribed").getDouble("heartbeat_interval_seconds")).isEqualTo(15.0);
    JsonObject snapshot = subscribed.getJsonObject("subscribed").getJsonObject("get_state");
    assertThat(snapshot.getJsonObject("get_tasks").getJsonArray("tasks").getJsonObject(0)
        .getJsonObject("task_id").getString("value")).isEqualTo("t1");
    assertThat(snapshot.getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);

    launch("t2");
    JsonObject added = events.nextOfType("TASK_ADDED");
    JsonObject task = added.getJsonObject("task_added").getJsonObject("task");
    assertThat(task.getJsonObject("task_id").getString("value")).isEqualTo("t2");
    assertThat(task.getString("state")).isEqualTo("TASK_STAGING");
    assertThat(task.getJsonObject("framework_id").getString("value")).isEqualTo(frameworkId);

    report("t2", TaskState.TASK_RUNNING);
    JsonObject updated = events.nextOfType("TASK_UPDATED").getJsonObject("task_updated");
    assertThat(updated.getString("state")).isEqualTo("TASK_RUNNING");
    assertThat(updated.getJsonObject("status").getJsonObject("task_id").getString("value")).isEqualTo("t2");

    vertx.eventBus().request(Addresses.MASTER_LEADER, RegisterAgent.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.2").setPort(5051)
            .addAllResources(ResourcesParser.parse("cpus:2;mem:512").toList())).build())
        .await(10, TimeUnit.SECONDS);
    JsonObject agent = events.nextOfType("AGENT_ADDED").getJsonObject("agent_added").getJsonObject("agent");
    assertThat(agent.getJsonObject("agent_info").getString("hostname")).isEqualTo("127.0.0.2");

    Reply teardown = operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\""
        + frameworkId + "\"}}}");
    assertThat(teardown.status()).isEqualTo(200);
    JsonObject removed = events.nextOfType("FRAMEWORK_REMOVED").getJsonObject("framework_removed");
    assertThat(removed.getJsonObject("framework_info").getJsonObject("id").getString("value"))
        .isEqualTo(frameworkId);
    JsonObject state = get("/state").json();
    assertThat(state.getJsonArray("frameworks")).isEmpty();
    JsonObject completed = state.getJsonArray("completed_frameworks").getJsonObject(0);
    assertThat(completed.getString("id")).isEqualTo(frameworkId);
    assertThat(completed.getBoolean("active")).isFalse();
    assertThat(completed.getJsonArray("completed_tasks")).hasSize(2);
    assertThat(operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + frameworkId
        + "\"}}}").status()).as("already gone").isEqualTo(400);
  }

  @Test
  void subscribeInProtobufWithDelayedHeartbeats() throws Exception {
    start(MasterConfig.defaults().withHeartbeatInterval(Duration.ofSeconds(1)));
    Records events = stream("/master/api/v1", PROTOBUF, PROTOBUF,
        new String(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build().toByteArray(), StandardCharsets.ISO_8859_1));
    assertThat(events.response().getHeader("Content-Type")).isEqualTo(PROTOBUF);
    dev.vmesos.api.v1.master.Protos.Event subscribed =
        dev.vmesos.api.v1.master.Protos.Event.parseFrom(events.nextBytes(10_000));
    assertThat(subscribed.getType()).isEqualTo(dev.vmesos.api.v1.master.Protos.Event.Type.SUBSCRIBED);
    assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(1.0);
    assertThat(events.nextBytes(600)).as("the first heartbeat waits one interval").isNull();
    byte[] next = events.nextBytes(5_000);
    assertThat(next).isNotNull();
    assertThat(dev.vmesos.api.v1.master.Protos.Event.parseFrom(next).getType())
        .isEqualTo(dev.vmesos.api.v1.master.Protos.Event.Type.HEARTBEAT);
  }

  @Test
  void badOperatorRequestsGetMesosStatuses() throws Exception {
    start(MasterConfig.defaults());

    Reply get = get("/api/v1");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isEqualTo("POST");
    assertThat(request(HttpMethod.POST, "/api/v1", Map.of(), Buffer.buffer("{\"type\":\"GET_HEALTH\"}")).status())
        .isEqualTo(400);
    assertThat(request(HttpMethod.POST, "/api/v1", Map.of("Content-Type", "text/plain"),
        Buffer.buffer("{\"type\":\"GET_HEALTH\"}")).status()).isEqualTo(415);
    Reply garbage = operator("{not json");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(garbage.text()).contains("Failed to parse");
    assertThat(operator("{}").status()).isEqualTo(400);
    assertThat(operator("{\"type\":\"UPDATE_WEIGHTS\"}").text()).contains("update_weights");
    Map<String, String> html = new HashMap<>(Map.of("Content-Type", JSON, "Accept", "text/html"));
    assertThat(request(HttpMethod.POST, "/api/v1", html, Buffer.buffer("{\"type\":\"GET_HEALTH\"}")).status())
        .isEqualTo(406);
    assertThat(operator("{\"type\":\"UNKNOWN\"}").status()).isEqualTo(501);
    Reply unsupported = operator("{\"type\":\"START_MAINTENANCE\"}");
    assertThat(unsupported.status()).isEqualTo(501);
    assertThat(unsupported.text()).contains("START_MAINTENANCE");
    // Logging calls: the verbosity; SET without its message is 400; no --log_dir, so no /master/log (404).
    assertThat(operator("{\"type\":\"GET_LOGGING_LEVEL\"}").text())
        .isEqualTo("{\"type\":\"GET_LOGGING_LEVEL\",\"get_logging_level\":{\"level\":0}}");
    assertThat(operator("{\"type\":\"SET_LOGGING_LEVEL\"}").text()).contains("set_logging_level");
    assertThat(operator("{\"type\":\"SET_LOGGING_LEVEL\"}").status()).isEqualTo(400);
    assertThat(operator("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"/master/log\",\"offset\":0}}")
        .status()).isEqualTo(404);
    assertThat(operator("{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"/master/log\"}}").status())
        .isEqualTo(404);
    assertThat(operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"nope\"}}}").status())
        .isEqualTo(400);

    Reply health = operator("{\"type\":\"GET_HEALTH\"}");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.text()).isEqualTo("{\"type\":\"GET_HEALTH\",\"get_health\":{\"healthy\":true}}");
  }
  /**
   * Runs a whole request, from opening it to reading its response, on one Vert.x context: Vert.x 5's
   * HTTP client driven from a plain thread now and then never completes a response it has received.
   */
  @Test
  void aRuntimeUpdateIsAnsweredOnlyOnceItIsDurable() throws Exception {
    start(MasterConfig.defaults());
    java.util.concurrent.CompletableFuture<Void> durable = new java.util.concurrent.CompletableFuture<>();
    verticle.master().setDurability(() -> durable);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1").putHeader("Content-Type", JSON);
    io.vertx.core.Future<Integer> answered = onContext(() -> http.request(options)
        .compose(req -> req.send("{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":"
            + "[{\"role\":\"web\",\"weight\":2.5}]}}"))
        .map(HttpClientResponse::statusCode));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!operator("{\"type\":\"GET_WEIGHTS\"}").text().contains("web")) {
      assertThat(System.nanoTime()).as("the weight applied within 10 s").isLessThan(deadline);
    }
    assertThat(answered.isComplete()).as("not answered before it is durable").isFalse();
    durable.complete(null);
    assertThat(answered.await(10, TimeUnit.SECONDS)).isEqualTo(200);

    verticle.master().setDurability(() -> java.util.concurrent.CompletableFuture.failedFuture(
        new IllegalStateException("no majority")));
    Reply refused = operator("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":"
        + "[{\"role\":\"web\",\"guarantees\":{\"cpus\":{\"value\":1}}}]}}");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.text()).contains("no majority");
  }

  private <T> io.vertx.core.Future<T> onContext(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    return io.vertx.core.Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }
}
