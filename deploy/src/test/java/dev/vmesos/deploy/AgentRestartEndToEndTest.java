package dev.vmesos.deploy;

import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Volume;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent process killed with SIGKILL in the middle of a running task, and started again on the
 * same work_dir: the master (clustered over Hazelcast on loopback) and a framework over HTTP see
 * the agent re-register with the task, and each of the task's status updates exactly once. The
 * task is a process (it outlives its agent) or a Docker container (the engine keeps it).
 */
class AgentRestartEndToEndTest {

  private static final String RESOURCES = "cpus:2;mem:1024;disk:1024;ports:[31000-31009]";

  /** Kept when a test fails, for the agents' logs. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final String clusterName = "vmesos-restart-" + UUID.randomUUID();
  private Vertx masterNode;
  private Vertx schedulerNode;
  private int masterPort;
  private int agentPort;
  private Process agent;

  @BeforeEach
  void startMaster() throws Exception {
    masterNode = Cluster.start(ClusterConfig.loopback(clusterName)).await(60, TimeUnit.SECONDS);
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0));
    masterNode.deployVerticle(master).await(30, TimeUnit.SECONDS);
    masterPort = master.actualPort();
    agentPort = FreePorts.find();
    schedulerNode = Vertx.vertx();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (Vertx vertx : new Vertx[] {schedulerNode, masterNode}) {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest(name = "docker={0}")
  @ValueSource(booleans = {false, true})
  void aTaskRunsThroughAnAgentCrashAndEachUpdateReachesTheFrameworkOnce(boolean docker) throws Exception {
    startAgent("agent-1.log");
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", masterPort, MediaType.JSON);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName("restart-e2e").setCheckpoint(true)
        .setFailoverTimeout(600).build();
    client.subscribe(info, events::add, error -> { }).await(10, TimeUnit.SECONDS);
    List<TaskStatus> updates = new ArrayList<>();
    try {
      Offer offer = next(events, Event.Type.OFFERS, 60).getOffers().getOffers(0);
      Path markers = Files.createDirectories(workDir.resolve("markers"));
      TaskInfo.Builder task = TaskInfo.newBuilder()
          .setName("survivor")
          .setTaskId(TaskID.newBuilder().setValue("survivor"))
          .setAgentId(offer.getAgentId())
          .addResources(scalar("cpus", 0.5))
          .addResources(scalar("mem", 64));
      if (docker) {
        task.setCommand(CommandInfo.newBuilder()
                .setValue("while [ ! -e /markers/go ]; do sleep 0.1; done; echo survived"))
            .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
                .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("vmesos/busybox:local")
                    .setNetwork(ContainerInfo.DockerInfo.Network.HOST))
                .addVolumes(Volume.newBuilder().setHostPath(markers.toString()).setContainerPath("/markers")
                    .setMode(Volume.Mode.RO)));
      } else {
        task.setCommand(CommandInfo.newBuilder()
            .setValue("while [ ! -e " + markers.resolve("go") + " ]; do sleep 0.1; done; echo survived"));
      }
      client.call(Calls.launch(List.of(offer.getId()), List.of(task.build()), 0)).await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 2; i++) {
        updates.add(acknowledged(next(events, Event.Type.UPDATE, 30), client));
      }
      assertThat(updates).extracting(TaskStatus::getState)
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

      // The acknowledgements have reached the agent (else it rightly resends what it holds).
      awaitAgentMetric("slave/status_updates_pending", 0.0, "agent-1.log");
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);   // SIGKILL: the agent does nothing more
      startAgent("agent-2.log");
      awaitAgentMetric("slave/registered", 1.0, "agent-2.log");
      Files.createFile(markers.resolve("go"));

      updates.add(acknowledged(next(events, Event.Type.UPDATE, 30), client));
      long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < quietUntil) {
        Event event = events.poll(100, TimeUnit.MILLISECONDS);
        if (event != null && event.getType() == Event.Type.UPDATE) {
          updates.add(event.getUpdate().getStatus());
        }
      }
      assertThat(updates).extracting(TaskStatus::getState)
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
      assertThat(updates).extracting(TaskStatus::getUuid).doesNotHaveDuplicates();
      assertThat(updates.get(2).getMessage()).isEqualTo("Command exited with status 0");
      // Sandboxes only: the agent is removing the finished task's records under meta/ meanwhile.
      try (java.util.stream.Stream<Path> files = Files.walk(workDir.resolve("agent").resolve("slaves"))) {
        assertThat(Files.readString(files.filter(p -> p.getFileName().toString().equals("stdout"))
            .findFirst().orElseThrow())).contains("survived");
      }
    } finally {
      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Starts {@code vmesos agent} in a JVM of its own, its output in {@code log}. */
  private void startAgent(String log) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dhazelcast.wait.seconds.before.join=0",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
        "--master=127.0.0.1:" + masterPort, "--port=" + agentPort, "--work_dir=" + workDir.resolve("agent"),
        "--resources=" + RESOURCES, "--containerizers=docker,mesos",
        "--registration_backoff_factor=100ms"));
    agent = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(workDir.resolve(log).toFile()).start();
  }

  /** Waits until the agent's /metrics/snapshot has {@code value} for {@code metric}. */
  private void awaitAgentMetric(String metric, double value, String log) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + agentPort + "/metrics/snapshot")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        String metrics = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        if (new io.vertx.core.json.JsonObject(metrics).getDouble(metric, -1.0) == value) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the agent's " + metric + " did not become " + value + " within 60 s; see "
        + workDir.resolve(log));
  }

}
