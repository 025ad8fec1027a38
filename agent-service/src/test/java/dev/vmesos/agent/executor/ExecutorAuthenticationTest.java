package dev.vmesos.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor impersonation attack of issue 13, against a real agent with real executor processes:
 * a process that knows an executor's ids, posing as it before the real one subscribes, must neither
 * receive its LAUNCH (whose {@code TaskInfo.data} holds a password) nor send a TASK_FINISHED for its
 * task once {@code --authenticate_http_executors} is on; the genuine executor, which has its token
 * from the agent, works as before. With the flag off the attack still succeeds, as on Mesos.
 */
@ExtendWith(VertxExtension.class)
class ExecutorAuthenticationTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("victim").setId(FrameworkID.newBuilder().setValue("fw-e"))
      .build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String SECRET = "password=hunter2";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;
  @TempDir
  Path keys;

  private Vertx vertx;
  private ExecutorFakeMaster master;
  private AgentVerticle agent;
  private String deployment;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new ExecutorFakeMaster(vertx);
    await(master.start());
  }

  @AfterEach
  void stopAgent() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
  }

  @AfterAll
  static void deleteClasspath() throws Exception {
    CustomExecutorsTest.deleteExecutorClasspath();
  }

  @Test
  void withAuthenticationAnImpostorGetsNeitherTheLaunchNorAForgedUpdateThrough() throws Exception {
    Path key = keyFile("the agent's key");
    startAgent("--authenticate_http_executors", "--jwt_secret_key=" + key);
    run(CustomExecutorsTest.task("t", SECRET, CustomExecutorsTest.executor("exec-1", "never-subscribe")));
    String containerId = containerOf("exec-1");
    ExecutorTokens realKey = new ExecutorTokens(Files.readAllBytes(key), Clock.systemUTC());
    ExecutorTokens otherKey = new ExecutorTokens("not the agent's key".getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC());

    HttpResponse<String> bare = post(subscribe("exec-1"), null);
    HttpResponse<String> forgedKey = post(subscribe("exec-1"), otherKey.sign("fw-e", "exec-1", containerId));
    HttpResponse<String> basic = post(subscribe("exec-1"), null, "Basic dXNlcjpwYXNz");
    HttpResponse<String> otherExecutor = post(subscribe("exec-1"), realKey.sign("fw-e", "exec-2", containerId));
    HttpResponse<String> otherRun = post(subscribe("exec-1"), realKey.sign("fw-e", "exec-1", "an-earlier-run"));
    HttpResponse<String> forgedUpdate = post(finished("exec-1", "t"), null);
    HttpResponse<String> updateWithOtherToken = post(finished("exec-1", "t"), realKey.sign("fw-e", "exec-2", containerId));

    assertThat(bare.statusCode()).isEqualTo(401);
    assertThat(bare.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"mesos-agent-executor\"");
    assertThat(forgedKey.statusCode()).isEqualTo(401);
    assertThat(forgedKey.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"", "Invalid JWT: Token signature does not match");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("Scheme 'Basic' unsupported");
    assertThat(otherExecutor.statusCode()).isEqualTo(403);
    assertThat(otherExecutor.body()).contains("'eid' claim with the executor ID exec-1");
    assertThat(otherRun.statusCode()).isEqualTo(403);
    assertThat(otherRun.body()).contains("'cid' claim");
    assertThat(forgedUpdate.statusCode()).isEqualTo(401);
    assertThat(updateWithOtherToken.statusCode()).isEqualTo(403);
    for (HttpResponse<String> refused : List.of(bare, forgedKey, basic, otherExecutor, otherRun, forgedUpdate,
        updateWithOtherToken)) {
      assertThat(refused.body()).doesNotContain(SECRET);
    }
    assertThat(master.updates.poll(300, TimeUnit.MILLISECONDS)).as("no forged update reached the framework").isNull();

    // The token the agent gave the executor is the one that works: the impostor holding it could
    // subscribe, and gets the LAUNCH with the task's data.
    String token = tokenOf("exec-1");
    HttpResponse<InputStream> genuine = HTTP.send(request(token).header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(subscribe("exec-1"))).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(genuine.statusCode()).isEqualTo(200);
    assertThat(launchedData(genuine.body())).isEqualTo(SECRET);
  }

  @Test
  void withAuthenticationARealExecutorUsesItsTokenAndItsTasksRun() throws Exception {
    startAgent("--authenticate_http_executors", "--executor_secret_key=" + keyFile("k"));

    run(CustomExecutorsTest.task("a", "hello", CustomExecutorsTest.executor("exec-1", "normal")));

    List<StatusUpdate> updates = List.of(master.nextUpdate(), master.nextUpdate());
    assertThat(updates).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    String[] parts = tokenOf("exec-1").split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
        .isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    assertThat(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
        .isEqualTo("{\"fid\":\"fw-e\",\"eid\":\"exec-1\",\"cid\":\"" + containerOf("exec-1") + "\"}");
  }

  @Test
  void withoutTheFlagAnImpostorStillGetsTheLaunchAsOnMesos() throws Exception {
    startAgent();
    run(CustomExecutorsTest.task("t", SECRET, CustomExecutorsTest.executor("exec-1", "never-subscribe")));
    containerOf("exec-1");

    HttpResponse<InputStream> impostor = HTTP.send(request(null).header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(subscribe("exec-1"))).build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(impostor.statusCode()).isEqualTo(200);
    assertThat(launchedData(impostor.body())).isEqualTo(SECRET);
    assertThat(Files.readString(sandbox("exec-1").resolve("stdout"))).doesNotContain("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
  }

  @Test
  void badFlagsStopStartUpNamingTheFlag() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> AgentConfig.fromFlags(
        Flags.parse(new String[] {"--authenticate_http_executors"}, Map.of()))))
        .hasMessageContaining("--authenticate_http_executors").hasMessageContaining("--jwt_secret_key");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> AgentConfig.fromFlags(
        Flags.parse(new String[] {"--jwt_secret_key=" + keys.resolve("missing")}, Map.of()))))
        .hasMessageContaining("Flag '--jwt_secret_key': cannot read");
  }

  // ---------------------------------------------------------------------------------------------

  private Path keyFile(String key) throws Exception {
    Path file = keys.resolve("jwt.key");
    Files.writeString(file, key);
    return file;
  }

  private void startAgent(String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--work_dir=" + workDir, "--port=0",
        "--isolation=posix/cpu,posix/mem", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms"));
    args.addAll(List.of(extraFlags));
    agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of())))
        .overLocalEventBus();
    deployment = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  private void run(TaskInfo task) throws Exception {
    assertThat(await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body())
        .isInstanceOf(Ack.class);
  }

  private static String subscribe(String executorId) {
    return MesosJson.print(CustomExecutorsTest.call("fw-e", executorId, Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.getDefaultInstance()).build());
  }

  private static String finished(String executorId, String taskId) {
    return MesosJson.print(CustomExecutorsTest.call("fw-e", executorId, Call.Type.UPDATE)
        .setUpdate(Call.Update.newBuilder().setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue(taskId)).setState(TaskState.TASK_FINISHED)))
        .build());
  }

  private HttpRequest.Builder request(String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
        + ExecutorEndpoint.PATH)).header("Content-Type", "application/json");
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> post(String json, String token) throws Exception {
    return post(json, token, null);
  }

  private HttpResponse<String> post(String json, String token, String authorization) throws Exception {
    HttpRequest.Builder builder = request(token);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return HTTP.send(builder.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The data of the first LAUNCH on an executor event stream (after SUBSCRIBED). */
  private static String launchedData(InputStream stream) throws Exception {
    try (InputStream in = stream) {
      byte[] record;
      while ((record = Records.read(in)) != null) {
        Event event = MesosJson.parse(record, Event.getDefaultInstance());
        if (event.getType() == Event.Type.LAUNCH) {
          return event.getLaunch().getTask().getData().toStringUtf8();
        }
      }
    }
    throw new AssertionError("the stream ended without a LAUNCH");
  }

  /** The executor's one run directory, once it exists and the executor wrote its pid there. */
  private Path sandbox(String executorId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(ExecutorFakeMaster.AGENT_ID).resolve("frameworks")
        .resolve("fw-e").resolve("executors").resolve(executorId).resolve("runs");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(runs)) {
        try (Stream<Path> all = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
          List<Path> found = all.toList();
          if (found.size() == 1 && Files.exists(found.get(0).resolve("pid"))
              && Files.readString(found.get(0).resolve("stdout")).contains("TEST_EXECUTOR_MODE")) {
            return found.get(0);
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("executor " + executorId + " never started");
  }

  private String containerOf(String executorId) throws Exception {
    return sandbox(executorId).getFileName().toString();
  }

  /** The token the agent gave the executor, which {@link TestExecutor} prints with its environment. */
  private String tokenOf(String executorId) throws Exception {
    return Files.readString(sandbox(executorId).resolve("stdout")).lines()
        .filter(line -> line.startsWith("MESOS_EXECUTOR_AUTHENTICATION_TOKEN="))
        .map(line -> line.substring(line.indexOf('=') + 1)).findFirst()
        .orElseThrow(() -> new AssertionError("the executor got no token"));
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
