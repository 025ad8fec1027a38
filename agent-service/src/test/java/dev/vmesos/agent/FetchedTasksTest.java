package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vmesos.agent.docker.ContainerSummary;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
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
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks whose {@code CommandInfo.uris} the agent fetches into the sandbox before they start: an
 * executable script over HTTP from a loopback server, a file, a tar.gz it extracts, for a process
 * task and for a task in a Docker container (the real engine, local image); and a URI that cannot
 * be fetched, which fails the task before it starts, naming the URI.
 */
@ExtendWith(VertxExtension.class)
class FetchedTasksTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("fetching").setId(FrameworkID.newBuilder().setValue("fw-fetch")).build();

  @TempDir
  Path workDir;
  @TempDir
  Path files;

  private Vertx vertx;
  private FakeMaster master;
  private HttpServer server;
  private final java.util.concurrent.CountDownLatch slowRequested = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.CountDownLatch slowRelease = new java.util.concurrent.CountDownLatch(1);

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/start.sh", exchange -> {
      byte[] body = "#!/bin/sh\necho started-by-fetched-script\ncat app/hello.txt\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/slow.sh", exchange -> {
      slowRequested.countDown();
      try {
        slowRelease.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = "#!/bin/sh\necho should-not-run\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    await(master.start());
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--containerizers=docker,mesos",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  @AfterEach
  void tearDown() throws Exception {
    slowRelease.countDown();
    server.stop(0);
    DockerEngine engine = DockerEngine.create(vertx, DockerOptions.defaults());
    for (ContainerSummary container : await(engine.list(FakeMaster.AGENT_ID))) {
      await(engine.remove(container.id()));
    }
  }

  @Test
  void aProcessTaskRunsItsFetchedScriptOnItsExtractedArchive() throws Exception {
    Path archive = appArchive();
    TaskInfo task = task("p1", "./start.sh", List.of(
        CommandInfo.URI.newBuilder().setValue(url("/start.sh")).setExecutable(true).build(),
        CommandInfo.URI.newBuilder().setValue("file://" + archive).build()));

    run(task);

    assertThat(states(3)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    Path sandbox = sandboxOf("p1");
    assertThat(Files.readString(sandbox.resolve("stdout"))).contains("started-by-fetched-script", "from-the-archive");
    assertThat(Files.readString(sandbox.resolve("stderr"))).contains("Fetching URI '" + url("/start.sh") + "'");
  }

  @Test
  void aDockerTaskSeesItsFetchedFilesInTheSandboxMount() throws Exception {
    Path data = Files.writeString(files.resolve("data.txt"), "fetched-for-docker");
    TaskInfo task = DockerTasksTest.dockerTask("d1", "cat $MESOS_SANDBOX/data.txt; cat $MESOS_SANDBOX/app/hello.txt",
        0.25, 48).toBuilder().setCommand(CommandInfo.newBuilder()
            .setValue("cat $MESOS_SANDBOX/data.txt; cat $MESOS_SANDBOX/app/hello.txt")
            .addUris(CommandInfo.URI.newBuilder().setValue(data.toString()))
            .addUris(CommandInfo.URI.newBuilder().setValue("file://" + appArchive())))
        .setTaskId(TaskID.newBuilder().setValue("d1")).build();

    run(task);

    assertThat(states(3)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    Path sandbox = sandboxOf("d1");
    assertThat(Files.readString(sandbox.resolve("stdout"))).contains("fetched-for-docker", "from-the-archive");
  }

  @Test
  void aUriThatCannotBeFetchedFailsTheTaskBeforeItStartsNamingTheUri() throws Exception {
    String missing = url("/no-such-script.sh");
    run(task("f1", "./no-such-script.sh", List.of(CommandInfo.URI.newBuilder().setValue(missing).build())));

    TaskStatus failed = master.nextUpdate(30_000).getStatus();
    assertThat(failed.getState()).as("no TASK_STARTING first: nothing started").isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getMessage()).startsWith("Failed to fetch all URIs for container '")
        .contains("Failed to fetch '" + missing + "': HTTP 404");
  }

  @Test
  void aTaskKilledWhileItsUrisAreFetchedNeverStarts() throws Exception {
    run(task("k1", "./slow.sh", List.of(CommandInfo.URI.newBuilder().setValue(url("/slow.sh")).setExecutable(true)
        .build())));
    assertThat(slowRequested.await(10, TimeUnit.SECONDS)).as("the fetch is under way").isTrue();

    Object reply = await(master.request(dev.vmesos.api.internal.Internal.KillTask.newBuilder()
        .setFrameworkId(FRAMEWORK.getId()).setTaskId(TaskID.newBuilder().setValue("k1")).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
    slowRelease.countDown();

    TaskStatus killed = master.nextUpdate(30_000).getStatus();
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH);
    assertThat(Files.readString(sandboxOf("k1").resolve("stderr"))).contains("Fetched '" + url("/slow.sh") + "'");
    assertThat(sandboxOf("k1").resolve("stdout")).as("nothing ran").doesNotExist();
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code app.tgz} holding {@code app/hello.txt}, made with tar. */
  private Path appArchive() throws Exception {
    Path content = Files.createDirectories(files.resolve("content/app"));
    Files.writeString(content.resolve("hello.txt"), "from-the-archive\n");
    Path archive = files.resolve("app.tgz");
    if (!Files.exists(archive)) {
      Process tar = new ProcessBuilder("tar", "-C", files.resolve("content").toString(), "-czf", archive.toString(),
          "app").inheritIO().start();
      assertThat(tar.waitFor()).isZero();
    }
    return archive;
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static TaskInfo task(String id, String command, List<CommandInfo.URI> uris) {
    return TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command).addAllUris(uris))
        .addAllResources(Resources.parse("cpus:0.1;mem:32").toList())
        .build();
  }

  private void run(TaskInfo task) throws Exception {
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(task).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
  }

  private List<TaskState> states(int count) throws InterruptedException {
    List<TaskState> states = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      StatusUpdate update = master.nextUpdate(30_000);
      states.add(update.getStatus().getState());
    }
    return states;
  }

  private Path sandboxOf(String taskId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(FakeMaster.AGENT_ID).resolve("frameworks").resolve("fw-fetch")
        .resolve("executors").resolve(taskId).resolve("runs");
    try (Stream<Path> found = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      return found.findFirst().orElseThrow();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
