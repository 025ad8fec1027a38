package dev.vmesos.master.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.json.MesosJson;
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
import dev.vmesos.master.security.MasterSecurity;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mesos parity of the master's operator surface, over real HTTP against a running master: completed
 * tasks and frameworks (with their final states, bounded), the legacy endpoints' shapes, numbers as
 * Mesos writes them, executors, and the flags. One agent is registered on the event bus; schedulers
 * subscribe through the scheduler API; the test plays the agent's status updates.
 */
class MasterHistoryTest {

  private static final String JSON = "application/json";

  private Vertx vertx;
  private HttpClientAgent http;
  private io.vertx.core.Context clientContext;
  private int port;
  private String agentId;

  record Reply(int status, MultiMap headers, Buffer body) {
    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }
  }

  /** A subscribed scheduler: its event stream, framework id and stream id. */
  record Scheduler(HttpClientResponse response, BlockingQueue<byte[]> queue, String id, String streamId) {
    JsonObject next() throws InterruptedException {
      byte[] record = queue.poll(10, TimeUnit.SECONDS);
      assertThat(record).as("an event within 10 s").isNotNull();
      return new JsonObject(new String(record, StandardCharsets.UTF_8));
    }

    JsonObject nextOfType(String type) throws InterruptedException {
      for (int i = 0; i < 100; i++) {
        JsonObject event = next();
        if (type.equals(event.getString("type"))) {
          return event;
        }
      }
      throw new AssertionError("no " + type + " event");
    }
  }

  private void start(MasterVerticle master) throws Exception {
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    port = master.actualPort();
    http = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    clientContext = vertx.getOrCreateContext();
    AgentRegistered registered = vertx.eventBus().<AgentRegistered>request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
            .addAllResources(ResourcesParser.parse("cpus:4;mem:1024;cpus(web):1").toList())).build())
        .await(10, TimeUnit.SECONDS).body();
    agentId = registered.getAgentId().getValue();
    // The agent's end of the bus takes launches (else the master reports them lost after its retries).
    vertx.eventBus().consumer(Addresses.agent(agentId), message -> agentMessages.add(message.body()));
  }

  /** What the master sent the agent. */
  private final BlockingQueue<Object> agentMessages = new LinkedBlockingQueue<>();

  private void start() throws Exception {
    start(new MasterVerticle(MasterConfig.defaults().withPort(0)));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private Scheduler subscribe(String name, String user) throws Exception {
    return subscribe(name, user, new JsonArray());
  }

  private Scheduler subscribe(String name, String user, JsonArray capabilities) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/scheduler").putHeader("Content-Type", JSON).putHeader("Accept", JSON);
    BlockingQueue<byte[]> records = new LinkedBlockingQueue<>();
    String body = new JsonObject().put("type", "SUBSCRIBE").put("subscribe", new JsonObject()
        .put("framework_info", new JsonObject().put("user", user).put("name", name)
            .put("capabilities", capabilities))).encode();
    HttpClientResponse response = onContext(() -> http.request(options).compose(req -> req.send(body)).map(resp -> {
      RecordIODecoder decoder = new RecordIODecoder();
      resp.handler(chunk -> records.addAll(decoder.decode(chunk.getBytes())));
      return resp;
    })).await(10, TimeUnit.SECONDS);
    Scheduler partial = new Scheduler(response, records, null, null);
    String id = partial.nextOfType("SUBSCRIBED").getJsonObject("subscribed").getJsonObject("framework_id")
        .getString("value");
    return new Scheduler(response, records, id, response.getHeader("Mesos-Stream-Id"));
  }

  private static JsonObject scalar(String name, double value) {
    return new JsonObject().put("name", name).put("type", "SCALAR")
        .put("scalar", new JsonObject().put("value", value));
  }

  private JsonObject taskInfo(String taskId, JsonObject executor) {
    JsonObject task = new JsonObject()
        .put("name", taskId)
        .put("task_id", new JsonObject().put("value", taskId))
        .put("agent_id", new JsonObject().put("value", agentId))
        .put("resources", new JsonArray().add(scalar("cpus", 0.1)).add(scalar("mem", 16)));
    if (executor == null) {
      task.put("command", new JsonObject().put("value", "sleep 100"));
    } else {
      task.put("executor", executor);
    }
    return task;
  }

  /** Takes the next offer and launches the tasks on it (each scheduler launches once). */
  private void launch(Scheduler scheduler, JsonObject... tasks) throws Exception {
    JsonObject offer = scheduler.nextOfType("OFFERS").getJsonObject("offers").getJsonArray("offers").getJsonObject(0);
    JsonObject accept = new JsonObject()
        .put("type", "ACCEPT")
        .put("framework_id", new JsonObject().put("value", scheduler.id()))
        .put("accept", new JsonObject()
            .put("offer_ids", new JsonArray().add(offer.getJsonObject("id")))
            .put("operations", new JsonArray().add(new JsonObject().put("type", "LAUNCH")
                .put("launch", new JsonObject().put("task_infos", new JsonArray(List.of((Object[]) tasks))))))
            // The rest of the agent is not offered to it again for a minute, so another framework gets it.
            .put("filters", new JsonObject().put("refuse_seconds", 60)));
    assertThat(schedulerCall(scheduler, accept).status()).isEqualTo(202);
  }

  private void launch(Scheduler scheduler, String... taskIds) throws Exception {
    List<JsonObject> tasks = new ArrayList<>();
    for (String id : taskIds) {
      tasks.add(taskInfo(id, null));
    }
    launch(scheduler, tasks.toArray(new JsonObject[0]));
  }

  private Reply schedulerCall(Scheduler scheduler, JsonObject call) throws Exception {
    return request(HttpMethod.POST, "/api/v1/scheduler",
        Map.of("Content-Type", JSON, "Mesos-Stream-Id", scheduler.streamId()), Buffer.buffer(call.encode()));
  }

  /** Plays the agent: a status update of the task, as the agent sends it; returns its uuid. */
  private ByteString report(Scheduler scheduler, String taskId, TaskState state, double timestamp) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(java.nio.ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
    vertx.eventBus().request(Addresses.MASTER_LEADER, StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(scheduler.id()))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setUuid(bytes).setTimestamp(timestamp).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setAgentId(AgentID.newBuilder().setValue(agentId)))
        .build());
    return bytes;
  }

  /** The scheduler acknowledges an update, as a framework does once it has handled it. */
  private void acknowledge(Scheduler scheduler, String taskId, ByteString uuid) throws Exception {
    JsonObject ack = new JsonObject().put("type", "ACKNOWLEDGE")
        .put("framework_id", new JsonObject().put("value", scheduler.id()))
        .put("acknowledge", new JsonObject()
            .put("agent_id", new JsonObject().put("value", agentId))
            .put("task_id", new JsonObject().put("value", taskId))
            .put("uuid", Base64.getEncoder().encodeToString(uuid.toByteArray())));
    assertThat(schedulerCall(scheduler, ack).status()).isEqualTo(202);
  }

  /** A task runs, finishes, and its terminal update is acknowledged: it is then completed. */
  private void runToCompletion(Scheduler scheduler, String taskId, TaskState finalState, double startedAt)
      throws Exception {
    report(scheduler, taskId, TaskState.TASK_RUNNING, startedAt);
    ByteString last = report(scheduler, taskId, finalState, startedAt + 1);
    waitFor(() -> get("/state").json(), s -> tasksOf(s, "tasks").stream()
        .anyMatch(t -> t.getString("id").equals(taskId) && t.getString("state").equals(finalState.name())));
    acknowledge(scheduler, taskId, last);
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

  private Response operatorProtobuf(Call.Type type) throws Exception {
    Reply reply = request(HttpMethod.POST, "/master/api/v1", Map.of("Content-Type", "application/x-protobuf",
        "Accept", "application/x-protobuf"), Buffer.buffer(Call.newBuilder().setType(type).build().toByteArray()));
    assertThat(reply.status()).isEqualTo(200);
    return Response.parseFrom(reply.body().getBytes());
  }

  interface Read<T> {
    T get() throws Exception;
  }

  /** Reads until the condition holds, within 10 s (the master applies updates asynchronously). */
  private static <T> T waitFor(Read<T> read, Predicate<T> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    T value = read.get();
    while (!condition.test(value)) {
      assertThat(System.nanoTime()).as("condition within 10 s; last: " + value).isLessThan(deadline);
      Thread.sleep(50);
      value = read.get();
    }
    return value;
  }

  /** Every task of one list ("tasks", "completed_tasks" ...) of the registered frameworks in /state. */
  private static List<JsonObject> tasksOf(JsonObject state, String list) {
    List<JsonObject> tasks = new ArrayList<>();
    for (Object framework : state.getJsonArray("frameworks")) {
      ((JsonObject) framework).getJsonArray(list).forEach(t -> tasks.add((JsonObject) t));
    }
    return tasks;
  }

  private static List<String> ids(JsonArray tasks) {
    List<String> ids = new ArrayList<>();
    tasks.forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void aFinishedTaskIsCompletedWithItsFinalStateInStateTasksAndGetTasks() throws Exception {
    start();
    Scheduler scheduler = subscribe("history", "alice");
    launch(scheduler, "done", "failing", "running");
    report(scheduler, "running", TaskState.TASK_RUNNING, 1700000003.0);
    runToCompletion(scheduler, "done", TaskState.TASK_FINISHED, 1700000000.0);
    runToCompletion(scheduler, "failing", TaskState.TASK_FAILED, 1700000001.0);

    JsonObject state = waitFor(() -> get("/state").json(), s -> tasksOf(s, "completed_tasks").size() == 2);
    assertThat(ids(new JsonArray(new ArrayList<>(tasksOf(state, "tasks"))))).containsExactly("running");
    List<JsonObject> completed = tasksOf(state, "completed_tasks");
    assertThat(completed).extracting(t -> t.getString("id")).containsExactly("done", "failing");
    JsonObject done = completed.get(0);
    assertThat(done.getString("state")).isEqualTo("TASK_FINISHED");
    assertThat(done.getString("framework_id")).isEqualTo(scheduler.id());
    assertThat(done.getString("slave_id")).isEqualTo(agentId);
    assertThat(done.getJsonArray("statuses")).as("the status history, as Mesos keeps it").containsExactly(
        new JsonObject().put("state", "TASK_RUNNING").put("timestamp", 1700000000.0),
        new JsonObject().put("state", "TASK_FINISHED").put("timestamp", 1700000001.0));
    assertThat(completed.get(1).getString("state")).isEqualTo("TASK_FAILED");

    JsonObject summary = get("/state-summary").json().getJsonArray("frameworks").getJsonObject(0);
    assertThat(summary.getInteger("TASK_FINISHED")).as("completed tasks count, as in Mesos").isEqualTo(1);
    assertThat(summary.getInteger("TASK_FAILED")).isEqualTo(1);
    assertThat(summary.getInteger("TASK_RUNNING")).isEqualTo(1);

    JsonObject tasks = get("/tasks").json();
    assertThat(tasks.getJsonArray("tasks")).extracting(t -> ((JsonObject) t).getString("id") + "="
        + ((JsonObject) t).getString("state"))
        .as("newest first status first")
        .containsExactly("running=TASK_RUNNING", "failing=TASK_FAILED", "done=TASK_FINISHED");

    Response.GetTasks getTasks = operatorProtobuf(Call.Type.GET_TASKS).getGetTasks();
    assertThat(getTasks.getTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("running");
    assertThat(getTasks.getCompletedTasksList()).extracting(t -> t.getTaskId().getValue() + "=" + t.getState())
        .containsExactly("done=TASK_FINISHED", "failing=TASK_FAILED");
    assertThat(getTasks.getCompletedTasks(0).getStatusesList()).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    JsonObject json = operator("{\"type\":\"GET_TASKS\"}").json().getJsonObject("get_tasks");
    assertThat(json.getJsonArray("completed_tasks").getJsonObject(0).getString("state")).isEqualTo("TASK_FINISHED");
    assertThat(operator("{\"type\":\"GET_STATE\"}").json().getJsonObject("get_state").getJsonObject("get_tasks")
        .getJsonArray("completed_tasks")).hasSize(2);
  }

  @Test
  void aTornDownFrameworksTasksEndKilledAndItBecomesACompletedFramework() throws Exception {
    start();
    Scheduler scheduler = subscribe("doomed", "alice");
    launch(scheduler, "staging", "running");
    report(scheduler, "running", TaskState.TASK_RUNNING, 1700000000.0);
    waitFor(() -> get("/state").json(), s -> tasksOf(s, "tasks").stream()
        .anyMatch(t -> t.getString("state").equals("TASK_RUNNING")));

    Reply teardown = operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\""
        + scheduler.id() + "\"}}}");
    assertThat(teardown.status()).isEqualTo(200);

    JsonObject state = get("/state").json();
    assertThat(state.getJsonArray("frameworks")).isEmpty();
    JsonObject framework = state.getJsonArray("completed_frameworks").getJsonObject(0);
    assertThat(framework.getString("id")).isEqualTo(scheduler.id());
    assertThat(framework.getJsonArray("tasks")).isEmpty();
    JsonArray completed = framework.getJsonArray("completed_tasks");
    assertThat(completed).extracting(t -> ((JsonObject) t).getString("id") + "=" + ((JsonObject) t).getString("state"))
        .containsExactly("staging=TASK_KILLED", "running=TASK_KILLED");
    JsonArray statuses = completed.getJsonObject(1).getJsonArray("statuses");
    assertThat(statuses).extracting(s -> ((JsonObject) s).getString("state"))
        .containsExactly("TASK_RUNNING", "TASK_KILLED");

    Response.GetFrameworks frameworks = operatorProtobuf(Call.Type.GET_FRAMEWORKS).getGetFrameworks();
    assertThat(frameworks.getFrameworksList()).isEmpty();
    assertThat(frameworks.getCompletedFrameworks(0).getFrameworkInfo().getId().getValue()).isEqualTo(scheduler.id());
    Response.GetTasks tasks = operatorProtobuf(Call.Type.GET_TASKS).getGetTasks();
    assertThat(tasks.getTasksList()).isEmpty();
    assertThat(tasks.getCompletedTasksList()).extracting(t -> t.getState())
        .containsExactly(TaskState.TASK_KILLED, TaskState.TASK_KILLED);
    assertThat(tasks.getCompletedTasks(1).getStatuses(1).getReason())
        .isEqualTo(TaskStatus.Reason.REASON_FRAMEWORK_REMOVED);
    assertThat(tasks.getCompletedTasks(1).getStatuses(1).getMessage())
        .isEqualTo("Framework " + scheduler.id() + " removed");

    assertThat(get("/tasks").json().getJsonArray("tasks"))
        .extracting(t -> ((JsonObject) t).getString("state")).containsOnly("TASK_KILLED").hasSize(2);
    assertThat(get("/master/frameworks").json().getJsonArray("completed_frameworks").getJsonObject(0)
        .getString("id")).isEqualTo(scheduler.id());
    assertThat(get("/metrics/snapshot").json().getDouble("master/tasks_killed")).isEqualTo(2.0);
  }

  @Test
  void historyIsBoundedOldestFirstOut() throws Exception {
    start(new MasterVerticle(MasterConfig.defaults().withPort(0)).withHistory(new MasterConfig.History(2, 3)));
    Scheduler scheduler = subscribe("busy", "alice");
    launch(scheduler, "t1", "t2", "t3", "t4", "t5");
    for (int i = 1; i <= 5; i++) {
      runToCompletion(scheduler, "t" + i, TaskState.TASK_FINISHED, 1700000000.0 + 10 * i);
    }
    JsonObject state = waitFor(() -> get("/state").json(), s -> tasksOf(s, "tasks").isEmpty()
        && tasksOf(s, "completed_tasks").stream().anyMatch(t -> t.getString("id").equals("t5")));
    assertThat(tasksOf(state, "completed_tasks")).extracting(t -> t.getString("id"))
        .as("--max_completed_tasks_per_framework=3 keeps the newest three").containsExactly("t3", "t4", "t5");
    assertThat(operatorProtobuf(Call.Type.GET_TASKS).getGetTasks().getCompletedTasksList())
        .extracting(t -> t.getTaskId().getValue()).containsExactly("t3", "t4", "t5");

    List<String> removed = new ArrayList<>();
    removed.add(scheduler.id());
    for (int i = 0; i < 2; i++) {
      removed.add(subscribe("short-lived-" + i, "alice").id());
    }
    for (String id : removed) {
      assertThat(operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + id + "\"}}}")
          .status()).isEqualTo(200);
    }
    JsonArray completed = get("/state").json().getJsonArray("completed_frameworks");
    assertThat(completed).extracting(f -> ((JsonObject) f).getString("id"))
        .as("--max_completed_frameworks=2 keeps the last two removed").containsExactly(removed.get(1), removed.get(2));
    assertThat(operatorProtobuf(Call.Type.GET_FRAMEWORKS).getGetFrameworks().getCompletedFrameworksList())
        .hasSize(2);
    assertThat(get("/flags").json().getJsonObject("flags").getString("max_completed_frameworks")).isEqualTo("2");
  }

  @Test
  void unreachableTasksAreListedApart() throws Exception {
    start(new MasterVerticle(MasterConfig.defaults().withPort(0).withAgentPing(java.time.Duration.ofMillis(200), 2)));
    long pinger = vertx.setPeriodic(50, id -> vertx.eventBus().request(Addresses.MASTER_LEADER,
        dev.vmesos.api.internal.Internal.Ping.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId)).build()));
    Scheduler scheduler = subscribe("partition-aware", "alice",
        new JsonArray().add(new JsonObject().put("type", "PARTITION_AWARE")));
    launch(scheduler, "t1");
    report(scheduler, "t1", TaskState.TASK_RUNNING, 1700000000.0);
    waitFor(() -> get("/state").json(), s -> tasksOf(s, "tasks").stream()
        .anyMatch(t -> t.getString("state").equals("TASK_RUNNING")));
    vertx.cancelTimer(pinger);

    JsonObject state = waitFor(() -> get("/state").json(), s -> !tasksOf(s, "unreachable_tasks").isEmpty());
    assertThat(tasksOf(state, "tasks")).isEmpty();
    assertThat(tasksOf(state, "unreachable_tasks")).singleElement()
        .satisfies(t -> assertThat(t.getString("state")).isEqualTo("TASK_UNREACHABLE"));
    Response.GetTasks tasks = operatorProtobuf(Call.Type.GET_TASKS).getGetTasks();
    assertThat(tasks.getTasksList()).isEmpty();
    assertThat(tasks.getUnreachableTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("t1");
    assertThat(get("/tasks").json().getJsonArray("tasks").getJsonObject(0).getString("state"))
        .isEqualTo("TASK_UNREACHABLE");
  }

  @Test
  void numbersAreWrittenAsMesosWritesThem() throws Exception {
    start();
    Scheduler scheduler = subscribe("numbers", "alice");
    launch(scheduler, "t1");
    report(scheduler, "t1", TaskState.TASK_RUNNING, 1796571755.015);
    String text = waitFor(() -> get("/state").text(), s -> s.contains("TASK_RUNNING"));
    assertThat(text).contains("\"timestamp\":1796571755.015")
        .doesNotContain("E9").doesNotContain("E-");
    assertThat(text).contains("\"cpus\":4.0").contains("\"activated_slaves\":1.0");
    assertThat(text).contains("\"port\":5051");
    JsonObject state = new JsonObject(text);
    double startTime = state.getDouble("start_time");
    assertThat(text).contains("\"start_time\":" + MesosJson.number(startTime));
    assertThat(get("/tasks").text()).contains("\"timestamp\":1796571755.015");
    assertThat(get("/frameworks").text()).contains("\"failover_timeout\":0.0");
    assertThat(get("/metrics/snapshot").text()).contains("\"master/elected\":1.0");
  }

  @Test
  void executorsOfTheFrameworksTasksAreListed() throws Exception {
    start();
    Scheduler scheduler = subscribe("custom-executor", "alice");
    JsonObject executor = new JsonObject()
        .put("executor_id", new JsonObject().put("value", "ex-1"))
        .put("name", "my executor")
        .put("command", new JsonObject().put("value", "./run-executor"))
        .put("resources", new JsonArray().add(scalar("cpus", 0.1)).add(scalar("mem", 32)));
    launch(scheduler, taskInfo("with-executor", executor), taskInfo("command-task", null));

    JsonObject state = waitFor(() -> get("/state").json(), s -> !s.getJsonArray("frameworks").isEmpty()
        && !s.getJsonArray("frameworks").getJsonObject(0).getJsonArray("executors").isEmpty());
    JsonArray executors = state.getJsonArray("frameworks").getJsonObject(0).getJsonArray("executors");
    assertThat(executors).as("a command task's executor is the agent's, unseen by the master").hasSize(1);
    JsonObject json = executors.getJsonObject(0);
    assertThat(json.getString("executor_id")).isEqualTo("ex-1");
    assertThat(json.getString("name")).isEqualTo("my executor");
    assertThat(json.getString("framework_id")).isEqualTo(scheduler.id());
    assertThat(json.getString("slave_id")).isEqualTo(agentId);
    assertThat(json.getJsonObject("command").getString("value")).isEqualTo("./run-executor");
    assertThat(json.getJsonObject("command").getJsonArray("argv")).isEmpty();
    assertThat(json.getJsonObject("resources").getDouble("mem")).isEqualTo(32.0);

    Response.GetExecutors proto = operatorProtobuf(Call.Type.GET_EXECUTORS).getGetExecutors();
    assertThat(proto.getExecutorsList()).hasSize(1);
    assertThat(proto.getExecutors(0).getExecutorInfo().getExecutorId().getValue()).isEqualTo("ex-1");
    assertThat(proto.getExecutors(0).getAgentId().getValue()).isEqualTo(agentId);
    assertThat(operatorProtobuf(Call.Type.GET_STATE).getGetState().getGetExecutors().getExecutorsList()).hasSize(1);

    ByteString last = report(scheduler, "with-executor", TaskState.TASK_FINISHED, 1700000000.0);
    waitFor(() -> operatorProtobuf(Call.Type.GET_EXECUTORS).getGetExecutors(), e -> e.getExecutorsList().isEmpty());
    acknowledge(scheduler, "with-executor", last);
  }

  @Test
  void legacyEndpointsHaveMesossShapes() throws Exception {
    start();
    Scheduler scheduler = subscribe("shapes", "alice");
    launch(scheduler, "a", "b", "c");
    report(scheduler, "a", TaskState.TASK_RUNNING, 1700000001.0);
    report(scheduler, "b", TaskState.TASK_RUNNING, 1700000002.0);
    waitFor(() -> get("/state").json(), s -> tasksOf(s, "tasks").stream()
        .filter(t -> t.getString("state").equals("TASK_RUNNING")).count() == 2);

    for (String prefix : List.of("", "/master")) {
      JsonObject frameworks = get(prefix + "/frameworks").json();
      assertThat(frameworks.fieldNames()).containsExactly("frameworks", "completed_frameworks",
          "unregistered_frameworks");
      JsonObject framework = frameworks.getJsonArray("frameworks").getJsonObject(0);
      assertThat(framework.fieldNames()).contains("id", "name", "user", "active", "connected", "used_resources",
          "offered_resources", "registered_time", "tasks", "unreachable_tasks", "completed_tasks", "offers",
          "executors", "role", "resources");
      assertThat(framework.getJsonArray("tasks")).hasSize(3);

      JsonObject slaves = get(prefix + "/slaves").json();
      assertThat(slaves.fieldNames()).containsExactly("slaves", "recovered_slaves");
      JsonObject slave = slaves.getJsonArray("slaves").getJsonObject(0);
      assertThat(slave.getString("id")).isEqualTo(agentId);
      assertThat(slave.fieldNames()).contains("hostname", "port", "pid", "registered_time", "resources",
          "used_resources", "offered_resources", "reserved_resources", "unreserved_resources", "active",
          "deactivated", "version", "capabilities");
      assertThat(slave.getJsonObject("reserved_resources").getJsonObject("web").getDouble("cpus")).isEqualTo(1.0);
    }
    assertThat(get("/frameworks?framework_id=" + scheduler.id()).json().getJsonArray("frameworks")).hasSize(1);
    assertThat(get("/frameworks?framework_id=nope").json().getJsonArray("frameworks")).isEmpty();
    assertThat(get("/slaves?slave_id=nope").json().getJsonArray("slaves")).isEmpty();

    // /tasks: sorted by the first status's time, descending by default; no-status tasks last.
    assertThat(ids(get("/tasks").json().getJsonArray("tasks"))).containsExactly("b", "a", "c");
    assertThat(ids(get("/tasks?order=asc").json().getJsonArray("tasks"))).containsExactly("c", "a", "b");
    assertThat(ids(get("/tasks?limit=1&offset=1").json().getJsonArray("tasks"))).containsExactly("a");
    assertThat(ids(get("/tasks?offset=5").json().getJsonArray("tasks"))).isEmpty();
    assertThat(ids(get("/master/tasks?task_id=c").json().getJsonArray("tasks"))).containsExactly("c");
    assertThat(ids(get("/tasks?framework_id=nope").json().getJsonArray("tasks"))).isEmpty();
    JsonObject task = get("/tasks?task_id=a").json().getJsonArray("tasks").getJsonObject(0);
    assertThat(task.fieldNames()).contains("id", "name", "framework_id", "executor_id", "slave_id", "state",
        "resources", "role", "statuses");
    Reply badLimit = get("/tasks?limit=many");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.text()).contains("limit");
    assertThat(get("/tasks?offset=-1").status()).isEqualTo(400);

    // /roles
    assertThat(operator("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\","
        + "\"guarantees\":{\"cpus\":{\"value\":1}},\"limits\":{\"cpus\":{\"value\":2}}}]}}").status()).isEqualTo(200);
    JsonArray roles = get("/roles").json().getJsonArray("roles");
    JsonObject star = find(roles, "name", "*");
    assertThat(star.fieldNames()).containsExactly("name", "weight", "quota", "resources", "allocated", "offered",
        "reserved", "frameworks");
    assertThat(star.getDouble("weight")).isEqualTo(1.0);
    assertThat(star.getJsonArray("frameworks").getString(0)).isEqualTo(scheduler.id());
    assertThat(star.getJsonObject("allocated").getDouble("cpus")).isEqualTo(0.3);
    JsonObject web = find(roles, "name", "web");
    assertThat(web.getJsonObject("quota")).isEqualTo(new JsonObject().put("role", "web")
        .put("guarantee", new JsonObject().put("cpus", 1.0)).put("limit", new JsonObject().put("cpus", 2.0))
        .put("consumed", new JsonObject().put("cpus", 1.0)));
    assertThat(web.getJsonObject("reserved").getDouble("cpus")).isEqualTo(1.0);

    // /quota and /weights
    JsonObject quota = get("/quota").json();
    assertThat(quota.getJsonArray("configs").getJsonObject(0).getString("role")).isEqualTo("web");
    assertThat(quota.getJsonArray("infos").getJsonObject(0).getString("role")).isEqualTo("web");
    assertThat(get("/weights").text()).isEqualTo("[]");
    Reply put = request(HttpMethod.PUT, "/weights", Map.of("Content-Type", JSON),
        Buffer.buffer("[{\"role\":\"web\",\"weight\":2.5}]"));
    assertThat(put.status()).isEqualTo(200);
    assertThat(get("/master/weights").text()).isEqualTo("[{\"weight\":2.5,\"role\":\"web\"}]");
    assertThat(find(get("/roles").json().getJsonArray("roles"), "name", "web").getDouble("weight")).isEqualTo(2.5);
    Reply badWeight = request(HttpMethod.PUT, "/weights", Map.of(), Buffer.buffer("[{\"role\":\"web\",\"weight\":-1}]"));
    assertThat(badWeight.status()).isEqualTo(400);
    assertThat(request(HttpMethod.PUT, "/weights", Map.of(), Buffer.buffer("{not json")).status()).isEqualTo(400);
    assertThat(get("/weights").text()).as("a refused update changes nothing").contains("2.5");

    Reply post = request(HttpMethod.POST, "/tasks", Map.of(), Buffer.buffer("{}"));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().get("Allow")).isEqualTo("GET");
    assertThat(request(HttpMethod.DELETE, "/weights", Map.of(), null).headers().get("Allow")).isEqualTo("GET, PUT");

    Reply jsonp = get("/tasks?jsonp=cb");
    assertThat(jsonp.headers().get("Content-Type")).isEqualTo("text/javascript");
    assertThat(jsonp.text()).startsWith("cb({\"tasks\":[");
  }

  @Test
  void legacyEndpointsHideWhatThePrincipalMayNotView() throws Exception {
    String acls = """
        {"permissive": false,
         "register_frameworks": [{"principals": {"type": "ANY"}, "roles": {"type": "ANY"}}],
         "run_tasks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
         "teardown_frameworks": [{"principals": {"type": "ANY"}, "framework_principals": {"type": "ANY"}}],
         "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"values": ["alice"]}}],
         "view_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["alice"]}}]}""";
    MasterSecurity security = MasterSecurity.fromFlags(Flags.parse(new String[] {"--acls=" + acls}, Map.of()),
        Optional.empty());
    start(new MasterVerticle(MasterConfig.defaults().withPort(0)).withSecurity(security));
    Scheduler alice = subscribe("of-alice", "alice");
    launch(alice, "alice-task");
    Scheduler bob = subscribe("of-bob", "bob");
    launch(bob, "bob-task");
    waitFor(() -> operatorProtobuf(Call.Type.GET_TASKS).getGetTasks(), t -> t.getTasksCount() == 1);

    assertThat(get("/frameworks").json().getJsonArray("frameworks"))
        .extracting(f -> ((JsonObject) f).getString("id")).containsExactly(alice.id());
    assertThat(ids(get("/tasks").json().getJsonArray("tasks"))).containsExactly("alice-task");
    assertThat(operator("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + bob.id() + "\"}}}")
        .status()).isEqualTo(200);
    assertThat(get("/frameworks").json().getJsonArray("completed_frameworks")).as("bob's, hidden").isEmpty();
    assertThat(ids(get("/tasks").json().getJsonArray("tasks"))).containsExactly("alice-task");
  }

  @Test
  void flagsListEveryFlagTheMasterReads() throws Exception {
    start(new MasterVerticle(MasterConfig.defaults().withPort(0))
        .withHttpLimits(dev.vmesos.api.http.HttpLimits.defaults().withMaxBodyBytes(1L << 20))
        .withGivenFlags(Map.of("cluster_name", "parity", "acls", "{\"permissive\": true}")));
    JsonObject flags = get("/flags").json().getJsonObject("flags");
    assertThat(flags.getString("max_completed_frameworks")).isEqualTo("50");
    assertThat(flags.getString("max_completed_tasks_per_framework")).isEqualTo("1000");
    assertThat(flags.getString("http_max_body_size")).isEqualTo("1MB");
    assertThat(flags.fieldNames()).contains("http_header_timeout", "http_idle_timeout", "authenticate_http_readonly",
        "authenticate_http_readwrite", "authenticate_http_frameworks", "authenticate_agents", "quorum",
        "agent_reregister_timeout", "max_agent_ping_timeouts");
    assertThat(flags.getString("cluster_name")).isEqualTo("parity");
    assertThat(flags.getString("acls")).isEqualTo("{\"permissive\": true}");
    assertThat(operatorProtobuf(Call.Type.GET_FLAGS).getGetFlags().getFlagsList())
        .anyMatch(f -> f.getName().equals("max_completed_tasks_per_framework") && f.getValue().equals("1000"))
        .anyMatch(f -> f.getName().equals("http_max_body_size") && f.getValue().equals("1MB"));
  }

  private static JsonObject find(JsonArray array, String key, String value) {
    for (Object element : array) {
      if (value.equals(((JsonObject) element).getString(key))) {
        return (JsonObject) element;
      }
    }
    throw new AssertionError("no element with " + key + "=" + value + " in " + array);
  }

  private <T> io.vertx.core.Future<T> onContext(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    return io.vertx.core.Future.future(promise -> clientContext.runOnContext(v -> work.get().onComplete(promise)));
  }
}
