package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.throttle.Target;
import dev.vmesos.examples.throttle.ThrottleConfig;
import dev.vmesos.examples.throttle.ThrottleFramework;
import dev.vmesos.examples.throttle.ThrottleSummary;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import com.github.dockerjava.api.model.Bind;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The product as it ships: a master and two agents started by Testcontainers from the Jib images
 * ({@code vmesos/master}, {@code vmesos/agent}, built by {@code ./vmesos test} from this code), on
 * the host network, Hazelcast on loopback. The throttle framework runs to completion with its
 * executors in {@code vmesos/examples} containers; a framework runs Docker tasks on both agents, one
 * agent container is killed and its tasks are reported lost or unreachable, and a new agent
 * container on the same work_dir re-registers with its old id.
 */
@ExtendWith(VertxExtension.class)
class ContainerizedClusterEndToEndTest {

  private static final String TAG = "latest";
  private static final String DOCKER_SOCKET = "/var/run/docker.sock";

  /** Kept when a test fails, for the sandboxes. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final String clusterName = "vmesos-tc-" + UUID.randomUUID();
  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private final Map<Integer, Integer> agentPorts = new HashMap<>();
  private int masterPort;
  private int masterHazelcastPort;
  private Vertx vertx;

  @BeforeEach
  void startCluster(Vertx vertx) throws Exception {
    this.vertx = vertx;
    masterPort = FreePorts.find();
    masterHazelcastPort = FreePorts.find();
    GenericContainer<?> master = new GenericContainer<>(DockerImageName.parse("vmesos/master:" + TAG))
        .withNetworkMode("host")
        .withCommand("--ip=127.0.0.1", "--port=" + masterPort, "--agent_ping_interval=1secs",
            "--max_agent_ping_timeouts=3", "--cluster_host=127.0.0.1", "--cluster_port=" + masterHazelcastPort,
            "--cluster_members=127.0.0.1:" + masterHazelcastPort, "--cluster_name=" + clusterName)
        .waitingFor(Wait.forLogMessage(".*Master .* started on 127\\.0\\.0\\.1:" + masterPort + ".*\\n", 1)
            .withStartupTimeout(Duration.ofSeconds(90)));
    start(master);
    for (int i = 1; i <= 2; i++) {
      agentPorts.put(i, FreePorts.find());
      start(agent(i));
    }
  }

  @AfterEach
  void stopCluster() {
    // Agents first, each stopped as an operator would (SIGTERM: it kills its tasks and their
    // containers), then removed; Testcontainers' own stop is a SIGKILL.
    for (int i = containers.size() - 1; i >= 0; i--) {
      GenericContainer<?> container = containers.get(i);
      if (container.isRunning()) {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
      }
      container.stop();
    }
    removeAgentCgroupRoots();
  }

  /** The agents' own cgroup roots (vmesos/<cluster>-<i>), in each hierarchy, once they are empty. */
  private void removeAgentCgroupRoots() {
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path hierarchy : hierarchies.toList()) {
        Path parent = hierarchy.resolve("vmesos");
        if (!Files.isDirectory(parent)) {
          continue;
        }
        try (Stream<Path> roots = Files.list(parent)) {
          for (Path root : roots.filter(r -> r.getFileName().toString().startsWith(clusterName + "-")).toList()) {
            try {
              Files.deleteIfExists(root);
            } catch (IOException e) {
              // a container's cgroup is still in it: left as it is
            }
          }
        }
      }
    } catch (IOException e) {
      // no cgroup hierarchies to tidy
    }
  }

  @Test
  void theThrottleFrameworkRunsToCompletionWithItsExecutorsInExamplesContainers() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ExecutorLaunch executors = ExecutorLaunch.fromFlags(Flags.parse(new String[] {
        "--executor_image=vmesos/examples:" + TAG}, Map.of()));
    ThrottleConfig config = new ThrottleConfig(new MasterAddress("127.0.0.1", masterPort), 400, 40, 4,
        new Target.Sink(), executors, new TaskResources(0.2, 128), "throttle-containerized");
    ThrottleFramework throttle = new ThrottleFramework(vertx, config, new PrintStream(output, true));

    ThrottleSummary summary = throttle.run().await(180, TimeUnit.SECONDS);

    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(summary.succeeded()).as(log).isTrue();
    assertThat(summary.queries()).isEqualTo(400);
    assertThat(summary.tasks()).isEqualTo(10);
    assertThat(summary.errors()).isZero();
    assertThat(throttle.sink().requests()).as("requests the sink counted").isEqualTo(400);
    assertThat(log).containsPattern("TASK_FINISHED on agent \\S+: Executed 40 queries in [0-9.]+ sec");
    // The agents ran the executors in containers of the examples image.
    assertThat(containers.get(1).getLogs() + containers.get(2).getLogs())
        .contains("from image vmesos/examples:" + TAG);
  }

  @Test
  void dockerTasksRunOnBothAgentsAKilledAgentsTasksAreLostAndItsReplacementReregisters() throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SchedulerClient client = new SchedulerClient(vertx, "127.0.0.1", masterPort, MediaType.JSON);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName("containerized-e2e").build();
    client.subscribe(info, events::add, error -> { }).await(10, TimeUnit.SECONDS);
    try {
      // One long task on each agent, in a Docker container the agent starts through the host's engine.
      Map<String, String> agentOfTask = new HashMap<>();
      while (agentOfTask.size() < 2) {
        for (Offer offer : next(events, Event.Type.OFFERS, 60).getOffers().getOffersList()) {
          if (agentOfTask.containsValue(offer.getAgentId().getValue()) || agentOfTask.size() == 2) {
            client.call(Calls.decline(List.of(offer.getId()), 0)).await(10, TimeUnit.SECONDS);
            continue;
          }
          assertThat(Resources.of(offer.getResourcesList()).scalar("cpus")).isEqualTo(2.0);
          String taskId = "sleeper-" + (agentOfTask.size() + 1);
          agentOfTask.put(taskId, offer.getAgentId().getValue());
          client.call(Calls.launch(List.of(offer.getId()), List.of(sleeper(taskId, offer)), 0))
              .await(10, TimeUnit.SECONDS);
        }
      }
      Map<String, TaskState> states = new HashMap<>();
      while (!(states.values().stream().filter(s -> s == TaskState.TASK_RUNNING).count() == 2)) {
        TaskStatus status = acknowledged(next(events, Event.Type.UPDATE, 60), client);
        assertThat(status.getState()).as("%s: %s", status.getTaskId().getValue(), status.getMessage())
            .isIn(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
        states.put(status.getTaskId().getValue(), status.getState());
      }

      // Agent 1's container dies with SIGKILL: the master stops hearing its pings.
      String lostAgent = agentOfTask.get("sleeper-1");
      GenericContainer<?> agent1 = containers.get(1);
      agent1.getDockerClient().killContainerCmd(agent1.getContainerId()).exec();
      TaskStatus lost = acknowledged(next(events, Event.Type.UPDATE, 30), client);
      assertThat(lost.getTaskId().getValue()).isEqualTo("sleeper-1");
      assertThat(lost.getState()).isIn(TaskState.TASK_LOST, TaskState.TASK_UNREACHABLE);
      assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
      agent1.stop();
      containers.remove(agent1);

      // A new agent container on the same work_dir and port comes back as the same agent.
      GenericContainer<?> replacement = agent(1);
      start(replacement);
      assertThat(replacement.getLogs()).contains("re-registered with master").contains("Agent " + lostAgent);
      boolean offeredAgain = false;
      while (!offeredAgain) {
        List<Offer> offers = next(events, Event.Type.OFFERS, 30).getOffers().getOffersList();
        offeredAgain = offers.stream().anyMatch(o -> o.getAgentId().getValue().equals(lostAgent));
        client.call(Calls.decline(offers.stream().map(Offer::getId).toList(), 0)).await(10, TimeUnit.SECONDS);
      }
    } finally {
      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  private GenericContainer<?> agent(int i) throws Exception {
    Path work = Files.createDirectories(workDir.resolve("agent-" + i));
    int port = agentPorts.get(i);
    return new GenericContainer<>(DockerImageName.parse("vmesos/agent:" + TAG))
        .withNetworkMode("host")
        // Binds set on the create command itself: Testcontainers' own file mounting would start a helper
        // container from an image it pulls.
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPidMode("host").withBinds(
            Bind.parse(DOCKER_SOCKET + ":" + DOCKER_SOCKET), Bind.parse("/sys/fs/cgroup:/sys/fs/cgroup"),
            Bind.parse(work + ":" + work)))
        .withCommand("--master=127.0.0.1:" + masterPort, "--ip=127.0.0.1", "--port=" + port,
            "--work_dir=" + work, "--resources=cpus:2;mem:1024;disk:2048;ports:[" + (31000 + 100 * i) + "-"
                + (31099 + 100 * i) + "]",
            "--containerizers=docker,mesos", "--cgroups_root=vmesos/" + clusterName + "-" + i)
        .waitingFor(Wait.forLogMessage(".*registered with master.*\\n", 1).withStartupTimeout(Duration.ofSeconds(90)));
  }

  private void start(GenericContainer<?> container) {
    containers.add(container);
    container.start();
  }

  private static TaskInfo sleeper(String id, Offer offer) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue("sleep 600"))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("vmesos/busybox:local")
                .setNetwork(ContainerInfo.DockerInfo.Network.HOST)))
        .addResources(scalar("cpus", 0.25))
        .addResources(scalar("mem", 32))
        .build();
  }

}
