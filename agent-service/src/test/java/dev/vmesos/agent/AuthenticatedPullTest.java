package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from a registry that wants credentials (Debian's {@code docker-registry} on 127.0.0.1 with
 * an htpasswd file): an agent given {@code --docker_config} pulls the image and runs the task; one
 * without fails the task with the engine's reason. The image is pushed with a Docker CLI config of
 * the test's own ({@code docker --config}), so the machine's Docker credentials are never touched.
 */
@ExtendWith(VertxExtension.class)
class AuthenticatedPullTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("pulling").setId(FrameworkID.newBuilder().setValue("fw-auth")).build();
  /** bcrypt of "s3cret", the registry's htpasswd entry for user vmesos. */
  private static final String HTPASSWD = "vmesos:$2b$12$XTs0oFnxn1R4ut6rZlCTr.EPQD6wgzUoMYjjnJb1EtEGBf7lpQkqS\n";

  @TempDir
  Path dir;

  private Vertx vertx;
  private Process registry;
  private int registryPort;
  private String image;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      registryPort = socket.getLocalPort();
    }
    Files.writeString(dir.resolve("htpasswd"), HTPASSWD);
    Path config = Files.writeString(dir.resolve("registry.yml"), String.join("\n",
        "version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:",
        "    rootdirectory: " + dir.resolve("data"),
        "http:", "  addr: 127.0.0.1:" + registryPort,
        "auth:", "  htpasswd:", "    realm: vmesos-test", "    path: " + dir.resolve("htpasswd"), ""));
    registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("registry.log").toFile()).start();
    awaitRegistry();
    image = "127.0.0.1:" + registryPort + "/vmesos/private:" + UUID.randomUUID().toString().substring(0, 8);
    Path cli = dir.resolve("docker-cli");
    assertThat(docker(cli, "s3cret", "login", "127.0.0.1:" + registryPort, "-u", "vmesos", "--password-stdin")).isZero();
    assertThat(docker(cli, null, "tag", DockerTasksTest.IMAGE, image)).isZero();
    assertThat(docker(cli, null, "push", image)).isZero();
    assertThat(docker(cli, null, "rmi", image)).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
    docker(dir.resolve("docker-cli"), null, "rmi", "-f", image);
    registry.destroy();
    registry.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void anAgentWithTheRegistrysCredentialsPullsTheImage() throws Exception {
    FakeMaster master = startAgent("--docker_config=" + dir.resolve("docker-cli").resolve("config.json"));

    run(master, "with-auth");

    List<TaskState> states = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      states.add(master.nextUpdate(60_000).getStatus().getState());
    }
    assertThat(states).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
  }

  @Test
  void anAgentWithoutCredentialsFailsTheTaskWithTheEnginesReason() throws Exception {
    FakeMaster master = startAgent();

    run(master, "no-auth");

    TaskStatus first = master.nextUpdate(60_000).getStatus();
    TaskStatus failed = first.getState() == TaskState.TASK_STARTING ? master.nextUpdate(60_000).getStatus() : first;
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getMessage()).contains("Docker pull of image '" + image + "'")
        .containsAnyOf("no basic auth credentials", "unauthorized");
  }

  // ---------------------------------------------------------------------------------------------

  private FakeMaster startAgent(String... extra) throws Exception {
    FakeMaster master = new FakeMaster(vertx);
    await(master.start());
    List<String> args = new ArrayList<>(List.of("--work_dir=" + dir.resolve("work"), "--port=0",
        "--containerizers=docker,mesos", "--docker_pull_timeout=30secs",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]", "--registration_backoff_factor=50ms"));
    args.addAll(List.of(extra));
    await(vertx.deployVerticle(new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new),
        Map.of()))).overLocalEventBus()));
    master.awaitRegistered();
    return master;
  }

  private void run(FakeMaster master, String id) throws Exception {
    TaskInfo.Builder task = DockerTasksTest.dockerTask(id, "echo pulled", 0.25, 32).toBuilder();
    task.getContainerBuilder().getDockerBuilder().setImage(image);
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private void awaitRegistry() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      assertThat(registry.isAlive()).as("docker-registry exited").isTrue();
      try {
        int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 401) {
          return;   // up, and asking for credentials
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      registry.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("docker-registry did not answer on 127.0.0.1:" + registryPort);
  }

  /** The Docker CLI with a config directory of the test's own; {@code stdin} written to it when given. */
  private static int docker(Path config, String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "--config", config.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("docker %s: %s", String.join(" ", args), output).isTrue();
    return process.exitValue();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
