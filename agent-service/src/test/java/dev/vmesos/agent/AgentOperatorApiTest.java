package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FileInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Metric;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.agent.Protos.Call;
import dev.vmesos.api.v1.agent.Protos.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's operator endpoints ({@code /version}, {@code /flags}, {@code /monitor/statistics},
 * {@code /containers}) and its v1 API ({@code POST /api/v1}, JSON and protobuf) over real HTTP
 * (java.net.http) against a running agent with a {@link FakeMaster}, with a real task in a cgroup.
 */
@ExtendWith(VertxExtension.class)
class AgentOperatorApiTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("api-framework").setId(FrameworkID.newBuilder().setValue("fw-api"))
      .build();
  private static final String JSON = "application/json";
  private static final String PROTOBUF = "application/x-protobuf";

  @TempDir
  Path workDir;

  private Vertx vertx;
  private FakeMaster master;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
  }

  @Test
  void versionAndFlagsAreServedAsMesosWritesThem() throws Exception {
    AgentVerticle agent = startAgent();

    JsonObject version = new JsonObject(get(agent, "/version").body());
    assertThat(version.getString("version")).isEqualTo("1.11.0");
    assertThat(version.getString("build_date")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    JsonObject flags = new JsonObject(get(agent, "/flags").body()).getJsonObject("flags");
    assertThat(flags.getString("work_dir")).isEqualTo(workDir.toString());
    assertThat(flags.getString("attributes")).isEqualTo("rack:r1;level:10");
    assertThat(flags.getString("executor_registration_timeout")).isEqualTo("1mins");
    assertThat(flags.getString("registration_backoff_factor")).isEqualTo("50ms");

    Response versionCall = call(agent, "{\"type\":\"GET_VERSION\"}");
    assertThat(versionCall.getType()).isEqualTo(Response.Type.GET_VERSION);
    assertThat(versionCall.getGetVersion().getVersionInfo().getVersion()).isEqualTo("1.11.0");
    Response flagsCall = call(agent, "{\"type\":\"GET_FLAGS\"}");
    assertThat(flagsCall.getGetFlags().getFlagsList()).anySatisfy(f -> {
      assertThat(f.getName()).isEqualTo("attributes");
      assertThat(f.getValue()).isEqualTo("rack:r1;level:10");
    });
    assertThat(call(agent, "{\"type\":\"GET_HEALTH\"}").getGetHealth().getHealthy()).isTrue();
    assertThat(call(agent, "{\"type\":\"GET_AGENT\"}").getGetAgent().getAgentInfo().getId().getValue())
        .isEqualTo(FakeMaster.AGENT_ID);
  }

  @Test
  void malformedOrUnsupportedCallsGetMesosStatusesAndChangeNothing() throws Exception {
    AgentVerticle agent = startAgent();
    URI api = URI.create("http://127.0.0.1:" + agent.httpPort() + "/api/v1");

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(api).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(post(agent, null, JSON, "{\"type\":\"GET_HEALTH\"}").statusCode()).isEqualTo(400);
    assertThat(post(agent, "text/plain", JSON, "{\"type\":\"GET_HEALTH\"}").statusCode()).isEqualTo(415);
    HttpResponse<byte[]> garbage = post(agent, JSON, JSON, "{\"type\":");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(post(agent, JSON, JSON, "{\"type\":\"NO_SUCH_CALL\"}").statusCode()).isEqualTo(400);
    assertThat(text(post(agent, JSON, JSON, "{}"))).contains("Expecting 'type' to be present");
    assertThat(post(agent, JSON, JSON, "{}").statusCode()).isEqualTo(400);
    HttpResponse<byte[]> noMessage = post(agent, JSON, JSON, "{\"type\":\"READ_FILE\"}");
    assertThat(noMessage.statusCode()).isEqualTo(400);
    assertThat(text(noMessage)).contains("Expecting 'read_file' to be present");
    assertThat(post(agent, JSON, JSON, "{\"type\":\"LIST_FILES\"}").statusCode()).isEqualTo(400);
    assertThat(post(agent, JSON, "text/html", "{\"type\":\"GET_HEALTH\"}").statusCode()).isEqualTo(406);
    assertThat(post(agent, JSON, JSON, "{\"type\":\"UNKNOWN\"}").statusCode()).isEqualTo(501);
    HttpResponse<byte[]> nested = post(agent, JSON, JSON, "{\"type\":\"LAUNCH_NESTED_CONTAINER\"}");
    assertThat(nested.statusCode()).isEqualTo(501);
    assertThat(text(nested)).contains("LAUNCH_NESTED_CONTAINER");
    HttpResponse<byte[]> outside = post(agent, JSON, JSON, "{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"/etc\"}}");
    assertThat(outside.statusCode()).isEqualTo(404);
    HttpResponse<byte[]> checkpoints = post(agent, JSON, JSON,
        "{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"" + workDir.resolve("meta") + "\"}}");
    assertThat(checkpoints.statusCode()).as("the work dir outside the sandboxes").isEqualTo(404);

    // The agent still answers, and still runs nothing.
    assertThat(call(agent, "{\"type\":\"GET_TASKS\"}").getGetTasks().getLaunchedTasksCount()).isZero();
  }

  @Test
  void aRunningTaskShowsInTasksExecutorsFrameworksContainersStatisticsAndFiles() throws Exception {
    AgentVerticle agent = startAgent();
    run("t1", "echo hello-api; sleep 60", "cpus:0.25;mem:64");
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
    assertThat(master.nextUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_RUNNING);

    Response tasks = call(agent, "{\"type\":\"GET_TASKS\"}");
    assertThat(tasks.getGetTasks().getLaunchedTasksList()).singleElement().satisfies(task -> {
      assertThat(task.getTaskId().getValue()).isEqualTo("t1");
      assertThat(task.getFrameworkId().getValue()).isEqualTo("fw-api");
      assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(Resources.of(task.getResourcesList()).scalar("mem")).isEqualTo(64);
    });
    assertThat(call(agent, "{\"type\":\"GET_FRAMEWORKS\"}").getGetFrameworks().getFrameworksList())
        .singleElement().satisfies(f -> assertThat(f.getFrameworkInfo().getName()).isEqualTo("api-framework"));
    assertThat(call(agent, "{\"type\":\"GET_EXECUTORS\"}").getGetExecutors().getExecutorsList())
        .singleElement().satisfies(e -> {
          assertThat(e.getExecutorInfo().getExecutorId().getValue()).isEqualTo("t1");
          assertThat(e.getExecutorInfo().getName()).startsWith("Command Executor (Task: t1)");
        });

    // GET_STATE in protobuf, both ways.
    HttpResponse<byte[]> state = post(agent, PROTOBUF, PROTOBUF,
        Call.newBuilder().setType(Call.Type.GET_STATE).build().toByteArray());
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.headers().firstValue("Content-Type")).contains(PROTOBUF);
    Response.GetState getState = Response.parseFrom(state.body()).getGetState();
    assertThat(getState.getGetTasks().getLaunchedTasksList()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("t1");
    assertThat(getState.getGetFrameworks().getFrameworksCount()).isEqualTo(1);
    assertThat(getState.getGetExecutors().getExecutorsCount()).isEqualTo(1);

    Response containers = call(agent, "{\"type\":\"GET_CONTAINERS\"}");
    Response.GetContainers.Container container = containers.getGetContainers().getContainers(0);
    assertThat(containers.getGetContainers().getContainersCount()).isEqualTo(1);
    assertThat(container.getExecutorId().getValue()).isEqualTo("t1");
    assertThat(container.getResourceStatistics().getMemLimitBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(container.getResourceStatistics().getCpusLimit()).isEqualTo(0.25);
    assertThat(container.getResourceStatistics().getTimestamp()).isPositive();
    assertThat(container.getResourceStatistics().getMemTotalBytes()).as("read from the task's memory cgroup")
        .isPositive();
    assertThat(container.getContainerStatus().getExecutorPid()).isPositive();

    JsonArray statistics = new JsonArray(get(agent, "/monitor/statistics").body());
    assertThat(statistics).hasSize(1);
    JsonObject entry = statistics.getJsonObject(0);
    assertThat(entry.getString("executor_id")).isEqualTo("t1");
    assertThat(entry.getString("framework_id")).isEqualTo("fw-api");
    assertThat(entry.getString("source")).isEqualTo("t1");
    assertThat(entry.getJsonObject("statistics").getLong("mem_limit_bytes")).isEqualTo(64L * 1024 * 1024);
    assertThat(entry.getJsonObject("statistics").getDouble("cpus_limit")).isEqualTo(0.25);
    assertThat(entry.getJsonObject("statistics").getLong("mem_total_bytes")).isPositive();
    JsonArray listed = new JsonArray(get(agent, "/containers").body());
    assertThat(listed.getJsonObject(0).getString("container_id")).isEqualTo(container.getContainerId().getValue());
    assertThat(listed.getJsonObject(0).getJsonObject("status").getLong("executor_pid"))
        .isEqualTo((long) container.getContainerStatus().getExecutorPid());

    Path sandbox = sandboxOf("t1");
    Response files = call(agent, "{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"" + sandbox + "\"}}");
    assertThat(files.getListFiles().getFileInfosList()).extracting(FileInfo::getPath)
        .contains(sandbox.resolve("stdout").toString(), sandbox.resolve("stderr").toString());
    // runs/latest names the newest run, as on a Mesos agent, and the file endpoints follow it.
    Path latest = sandbox.getParent().resolve("latest");
    assertThat(latest.toRealPath()).isEqualTo(sandbox.toRealPath());
    Response latestFiles = call(agent, "{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"" + latest + "\"}}");
    assertThat(latestFiles.getListFiles().getFileInfosList()).extracting(FileInfo::getPath)
        .contains(latest.resolve("stdout").toString());
    assertThat(new String(get(agent, "/files/read?path=" + java.net.URLEncoder.encode(latest.resolve("stdout").toString(),
        StandardCharsets.UTF_8) + "&offset=0").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("hello-api");
    String stdout = sandbox.resolve("stdout").toString();
    Response read = awaitRead(agent, stdout, "hello-api");
    assertThat(read.getReadFile().getSize()).isEqualTo(Files.size(Path.of(stdout)));
    Response tail = call(agent, "{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + stdout + "\",\"offset\":6,"
        + "\"length\":3}}");
    assertThat(tail.getReadFile().getData().toStringUtf8()).isEqualTo("api");
    assertThat(post(agent, JSON, JSON, "{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox.resolve("none")
        + "\",\"offset\":0}}").statusCode()).isEqualTo(404);

    Response metrics = call(agent, "{\"type\":\"GET_METRICS\",\"get_metrics\":{}}");
    assertThat(metrics.getGetMetrics().getMetricsList()).filteredOn(m -> m.getName().equals("slave/tasks_running"))
        .extracting(Metric::getValue).containsExactly(1.0);
  }

  // ---------------------------------------------------------------------------------------------

  private AgentVerticle startAgent() throws Exception {
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--attributes=rack:r1;level:10",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms"},
        Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
    return agent;
  }

  private void run(String id, String command, String resources) throws Exception {
    TaskInfo task = TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .addAllResources(Resources.parse(resources).toList())
        .build();
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private Response awaitRead(AgentVerticle agent, String path, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Response read;
    do {
      read = call(agent, "{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + path + "\",\"offset\":0}}");
      if (read.getReadFile().getData().toStringUtf8().contains(expected)) {
        return read;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("'" + expected + "' never appeared in " + path + ": " + read);
  }

  /** A JSON call answered 200 in JSON, parsed. */
  private Response call(AgentVerticle agent, String json) throws Exception {
    HttpResponse<byte[]> response = post(agent, JSON, JSON, json);
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    return MesosJson.parse(response.body(), Response.getDefaultInstance());
  }

  private HttpResponse<byte[]> post(AgentVerticle agent, String contentType, String accept, String body)
      throws Exception {
    return post(agent, contentType, accept, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<byte[]> post(AgentVerticle agent, String contentType, String accept, byte[] body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/api/v1"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Accept", accept);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> get(AgentVerticle agent, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.httpPort() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private Path sandboxOf(String taskId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-api")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> containers = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      return containers.findFirst().orElseThrow();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
