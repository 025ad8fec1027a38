package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /files/*} and {@code /metrics/snapshot} over real HTTP (java.net.http, so no Vert.x client
 * is driven from the test thread) against a running agent with a {@link FakeMaster}.
 */
@ExtendWith(VertxExtension.class)
class AgentHttpEndpointsTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("test-framework").setId(FrameworkID.newBuilder().setValue("fw-1"))
      .build();

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

  private AgentVerticle startRegisteredAgent() throws Exception {
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms"},
        Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
    return agent;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

  private HttpResponse<byte[]> get(AgentVerticle agent, String pathAndQuery) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + pathAndQuery))
        .timeout(Duration.ofSeconds(5)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private JsonObject json(HttpResponse<byte[]> response) {
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
  }

  private static String q(Object path) {
    return URLEncoder.encode(path.toString(), StandardCharsets.UTF_8);
  }

  private Path sandboxOf(String taskId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-1")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> containers = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      return containers.findFirst().orElseThrow();
    }
  }

  private JsonObject metricsWhen(AgentVerticle agent, String key, double value) throws Exception {
    JsonObject metrics = null;
    for (int i = 0; i < 50; i++) {
      metrics = json(get(agent, "/metrics/snapshot"));
      if (metrics.getDouble(key, -1.0) == value) {
        break;
      }
      Thread.sleep(100);
    }
    return metrics;
  }

  @Test
  void aTaskSandboxCanBeBrowsedReadAndDownloadedButNothingOutsideTheWorkDir() throws Exception {
    AgentVerticle agent = startRegisteredAgent();
    run("t1", "echo hello; echo oops >&2", "cpus:0.1");
    for (int i = 0; i < 3; i++) {
      master.nextUpdate();
    }
    Path sandbox = sandboxOf("t1");

    JsonArray listing = new JsonArray(new String(get(agent, "/files/browse?path=" + q(sandbox)).body(),
        StandardCharsets.UTF_8));
    assertThat(listing.stream().map(e -> ((JsonObject) e).getString("path")))
        .contains(sandbox.resolve("stdout").toString(), sandbox.resolve("stderr").toString());
    JsonObject stdoutEntry = listing.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("path").endsWith("/stdout")).findFirst().orElseThrow();
    assertThat(stdoutEntry.getLong("size")).isEqualTo(6);
    assertThat(stdoutEntry.getString("mode")).startsWith("-rw");

    assertThat(json(get(agent, "/files/read?path=" + q(sandbox.resolve("stdout")) + "&offset=0&length=100")))
        .isEqualTo(new JsonObject().put("data", "hello\n").put("offset", 0));
    assertThat(json(get(agent, "/files/read?path=" + q(sandbox.resolve("stderr")) + "&offset=-1")))
        .isEqualTo(new JsonObject().put("data", "").put("offset", 5));

    HttpResponse<byte[]> download = get(agent, "/files/download?path=" + q(sandbox.resolve("stderr")));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo("oops\n");

    assertThat(get(agent, "/files/read?path=" + q(sandbox) + "&offset=0").statusCode()).as("a directory").isEqualTo(400);
    assertThat(get(agent, "/files/read?path=" + q(sandbox.resolve("none")) + "&offset=0").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> passwd = get(agent, "/files/read?path=%2Fetc%2Fpasswd&offset=0");
    assertThat(passwd.statusCode()).isEqualTo(404);
    assertThat(new String(passwd.body(), StandardCharsets.UTF_8)).contains("not attached");
    assertThat(get(agent, "/files/browse?path=" + q(workDir + "/../..")).statusCode()).isEqualTo(404);
    assertThat(get(agent, "/files/download?path=" + q(sandbox + "/../../../../../../../../../..//etc/passwd"))
        .statusCode()).isEqualTo(404);
    // The work dir beyond the sandboxes (the checkpoints under meta/) is not served either.
    assertThat(get(agent, "/files/browse?path=" + q(workDir)).statusCode()).isEqualTo(404);
    assertThat(get(agent, "/files/browse?path=" + q(workDir.resolve("meta"))).statusCode()).isEqualTo(404);
    assertThat(get(agent, "/files/browse?path=" + q(sandbox.getParent().resolve("latest"))).statusCode())
        .as("runs/latest").isEqualTo(200);
    Files.createSymbolicLink(sandbox.resolve("etc"), Path.of("/etc"));
    assertThat(get(agent, "/files/download?path=" + q(sandbox.resolve("etc/passwd"))).statusCode()).isEqualTo(403);
  }

  @Test
  void metricsCountTasksResourcesAndStatusUpdates() throws Exception {
    AgentVerticle agent = startRegisteredAgent();

    JsonObject idle = json(get(agent, "/metrics/snapshot"));
    assertThat(idle.getDouble("slave/registered")).isEqualTo(1.0);
    assertThat(idle.getDouble("slave/cpus_total")).isEqualTo(2.0);
    assertThat(idle.getDouble("slave/mem_total")).isEqualTo(1024.0);
    assertThat(idle.getDouble("slave/disk_total")).isEqualTo(2048.0);
    assertThat(idle.getDouble("slave/ports_total")).isEqualTo(10.0);
    assertThat(idle.getDouble("slave/uptime_secs")).isGreaterThanOrEqualTo(0.0);
    assertThat(idle.getDouble("slave/tasks_running")).isZero();

    run("ok", "true", "cpus:0.1;mem:16");
    run("bad", "exit 2", "cpus:0.1;mem:16");
    run("long", "sleep 60", "cpus:0.5;mem:128;ports:[31000-31001]");
    JsonObject busy = metricsWhen(agent, "slave/tasks_failed", 1.0);
    busy = metricsWhen(agent, "slave/tasks_finished", 1.0);
    busy = metricsWhen(agent, "slave/tasks_running", 1.0);
    assertThat(busy.getDouble("slave/tasks_finished")).isEqualTo(1.0);
    assertThat(busy.getDouble("slave/tasks_failed")).isEqualTo(1.0);
    assertThat(busy.getDouble("slave/tasks_running")).isEqualTo(1.0);
    assertThat(busy.getDouble("slave/executors_running")).isEqualTo(1.0);
    assertThat(busy.getDouble("slave/cpus_used")).isEqualTo(0.5);
    assertThat(busy.getDouble("slave/mem_used")).isEqualTo(128.0);
    assertThat(busy.getDouble("slave/ports_used")).isEqualTo(2.0);
    // STARTING, RUNNING and a terminal update for the two ended tasks; STARTING, RUNNING for the long one.
    assertThat(busy.getDouble("slave/valid_status_updates")).isEqualTo(8.0);
    // The master acknowledges each update; the last acknowledgements may still be on their way.
    assertThat(metricsWhen(agent, "slave/status_updates_pending", 0.0).getDouble("slave/status_updates_pending"))
        .isZero();

    master.withholdAcknowledgements();
    await(master.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setTaskId(TaskID.newBuilder().setValue("long")).build()));
    StatusUpdate killed;
    do {
      killed = master.nextUpdate();
    } while (killed.getStatus().getState() != TaskState.TASK_KILLED);
    JsonObject after = metricsWhen(agent, "slave/tasks_killed", 1.0);
    assertThat(after.getDouble("slave/tasks_killed")).isEqualTo(1.0);
    assertThat(after.getDouble("slave/tasks_running")).isZero();
    assertThat(after.getDouble("slave/cpus_used")).isZero();
    assertThat(after.getDouble("slave/status_updates_pending")).as("KILLED not acknowledged").isEqualTo(1.0);
    assertThat(after.fieldNames()).allSatisfy(key -> assertThat(after.getValue(key)).isInstanceOf(Double.class));
    assertThat(after.fieldNames()).contains("slave/tasks_staging", "slave/tasks_starting", "slave/tasks_lost",
        "slave/disk_used");
  }
}
