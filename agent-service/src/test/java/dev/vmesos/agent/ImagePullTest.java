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
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images the agent pulls, through the real Docker engine, from a real registry on loopback (Debian's
 * {@code docker-registry}, started here with a config of its own on 127.0.0.1; the image is the local
 * {@code vmesos/busybox:local} pushed to it): a missing image is pulled before the task runs, an
 * image the registry lacks fails the task with the engine's reason, and a registry that never
 * answers fails it once {@code --docker_pull_timeout} has passed. Nothing leaves loopback.
 */
@ExtendWith(VertxExtension.class)
class ImagePullTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("pulling").setId(FrameworkID.newBuilder().setValue("fw-pull")).build();

  @TempDir
  Path workDir;
  @TempDir
  Path registryDir;

  private Vertx vertx;
  private FakeMaster master;
  private Process registry;
  private int registryPort;
  private final List<String> pushed = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    registryPort = freePort();
    Path config = Files.writeString(registryDir.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + registryDir.resolve("data"),
        "http:",
        "  addr: 127.0.0.1:" + registryPort,
        ""));
    registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
        .redirectOutput(registryDir.resolve("registry.log").toFile()).start();
    awaitRegistry();
    master = new FakeMaster(vertx);
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--containerizers=docker,mesos", "--docker_pull_timeout=3secs",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  @AfterEach
  void tearDown() throws Exception {
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
    for (String image : pushed) {
      docker("rmi", "-f", image);
    }
    registry.destroy();
    registry.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void aMissingImageIsPulledFromTheRegistryBeforeTheTaskRuns() throws Exception {
    String image = "127.0.0.1:" + registryPort + "/vmesos/pulled:" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(docker("tag", DockerTasksTest.IMAGE, image)).isZero();
    pushed.add(image);
    assertThat(docker("push", image)).as("push to the loopback registry").isZero();
    assertThat(docker("rmi", image)).isZero();
    assertThat(docker("image", "inspect", image)).as("not on the agent before the launch").isNotZero();

    run(task("p1", image, "echo pulled-and-ran"));

    List<TaskState> states = List.of(next().getState(), next().getState(), next().getState());
    assertThat(states).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(Files.readString(sandboxOf("p1").resolve("stdout"))).contains("pulled-and-ran");
    assertThat(docker("image", "inspect", image)).as("pulled onto the agent").isZero();
  }

  @Test
  void anImageTheRegistryLacksFailsTheTaskWithTheEnginesReason() throws Exception {
    String image = "127.0.0.1:" + registryPort + "/vmesos/absent:nope";

    run(task("a1", image, "true"));

    TaskStatus first = next();
    TaskStatus failed = first.getState() == TaskState.TASK_STARTING ? next() : first;
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getMessage()).contains("Docker pull of image '" + image + "'").contains("not found");
  }

  @Test
  void aPullFromARegistryThatNeverAnswersFailsAfterThePullTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // The acceptor adds while the test closes them at the end.
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (!silent.isClosed()) {
            held.add(silent.accept());   // accepted, never answered
          }
        } catch (Exception closed) {
          // the test is over
        }
      }, "silent-registry");
      acceptor.setDaemon(true);
      acceptor.start();
      String image = "127.0.0.1:" + silent.getLocalPort() + "/vmesos/hangs:1";
      long start = System.nanoTime();

      run(task("h1", image, "true"));

      TaskStatus first = next();
      TaskStatus failed = first.getState() == TaskState.TASK_STARTING ? next() : first;
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
      assertThat(failed.getMessage()).contains("Docker pull of image '" + image + "' timed out after 3 s");
      assertThat(seconds).as("ended by the 3 s pull timeout, not the engine's own").isLessThan(15);
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static TaskInfo task(String id, String image, String command) {
    TaskInfo.Builder task = DockerTasksTest.dockerTask(id, command, 0.25, 48).toBuilder();
    task.getContainerBuilder().getDockerBuilder().setImage(image);
    return task.build();
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private TaskStatus next() throws InterruptedException {
    return master.nextUpdate(60_000).getStatus();
  }

  private Path sandboxOf(String taskId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-pull")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> found = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      return found.findFirst().orElseThrow();
    }
  }

  private void awaitRegistry() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      assertThat(registry.isAlive()).as("docker-registry exited: %s",
          Files.exists(registryDir.resolve("registry.log")) ? Files.readString(registryDir.resolve("registry.log")) : "")
          .isTrue();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + registryPort + "/v2/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      registry.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("docker-registry did not answer on 127.0.0.1:" + registryPort);
  }

  private static int docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("docker %s: %s", String.join(" ", args), output).isTrue();
    return process.exitValue();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
