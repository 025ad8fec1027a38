package dev.vmesos.deploy;

import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A master and an agent in two Vert.x instances clustered over Hazelcast on loopback; a scheduler
 * talks to the master over HTTP (the project's client, both media types) and runs a task end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredEndToEndTest {

  private static final String AGENT_RESOURCES = "cpus:2;mem:1024;disk:1024;ports:[31000-31009]";

  @TempDir
  static Path workDir;

  private Vertx masterNode;
  private Vertx agentNode;
  private Vertx schedulerNode;
  private int masterPort;

  @BeforeAll
  void startCluster() throws Exception {
    ClusterConfig cluster = ClusterConfig.loopback("vmesos-e2e-" + UUID.randomUUID());
    masterNode = Cluster.start(cluster).await(60, TimeUnit.SECONDS);
    agentNode = Cluster.start(cluster).await(60, TimeUnit.SECONDS);
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0));
    masterNode.deployVerticle(master).await(30, TimeUnit.SECONDS);
    masterPort = master.actualPort();
    AgentConfig agent = AgentConfig.fromFlags(Flags.parse(new String[] {
        "--master=127.0.0.1:" + masterPort,
        "--port=" + FreePorts.find(),
        "--work_dir=" + workDir,
        "--resources=" + AGENT_RESOURCES}, Map.of()));
    agentNode.deployVerticle(new AgentVerticle(agent)).await(30, TimeUnit.SECONDS);
    schedulerNode = Vertx.vertx();
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (Vertx vertx : new Vertx[] {schedulerNode, agentNode, masterNode}) {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MediaType.class)
  void aTaskRunsToFinishedAndItsUpdatesAreAcknowledged(MediaType mediaType) throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", masterPort, mediaType);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("e2e-" + mediaType).build();
    client.subscribe(info, events::add, error -> { }).await(10, TimeUnit.SECONDS);
    try {
      assertThat(next(events, Event.Type.SUBSCRIBED).getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
      Offer offer = next(events, Event.Type.OFFERS).getOffers().getOffers(0);
      Resources offered = Resources.of(offer.getResourcesList());
      assertThat(offered.scalar("cpus")).isEqualTo(2.0);
      assertThat(offered.scalar("mem")).isEqualTo(1024.0);

      String marker = "e2e-output-" + mediaType;
      TaskInfo task = TaskInfo.newBuilder()
          .setName("e2e task")
          .setTaskId(TaskID.newBuilder().setValue("task-" + mediaType))
          .setAgentId(offer.getAgentId())
          .setCommand(CommandInfo.newBuilder().setValue("echo " + marker))
          .addResources(scalar("cpus", 0.5))
          .addResources(scalar("mem", 64))
          .build();
      client.call(Calls.launch(List.of(offer.getId()), List.of(task), 0)).await(10, TimeUnit.SECONDS);

      List<TaskStatus> updates = new ArrayList<>();
      while (updates.isEmpty() || !TaskStates.isTerminal(updates.get(updates.size() - 1).getState())) {
        TaskStatus status = nextUpdateDecliningOffers(events, client).getUpdate().getStatus();
        updates.add(status);
        assertThat(status.getUuid().size()).as("agent updates carry a uuid").isEqualTo(16);
        client.call(Calls.acknowledge(status)).await(10, TimeUnit.SECONDS);
      }
      assertThat(updates).extracting(TaskStatus::getState)
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
      assertThat(updates).extracting(TaskStatus::getUuid).doesNotHaveDuplicates();
      assertThat(updates).allSatisfy(s -> assertThat(s.getAgentId()).isEqualTo(offer.getAgentId()));

      // The task's output is in its sandbox's stdout.
      // Sandboxes only: the agent is removing the finished task's records under meta/ meanwhile.
      try (Stream<Path> files = Files.walk(workDir.resolve("slaves"))) {
        List<Path> stdouts = files.filter(p -> p.getFileName().toString().equals("stdout"))
            .filter(p -> p.toString().contains("task-" + mediaType)).toList();
        assertThat(stdouts).hasSize(1);
        assertThat(Files.readString(stdouts.get(0))).contains(marker);
      }

      // Its resources came back: declining what is offered meanwhile, the whole agent is offered again.
      boolean wholeAgentOffered = false;
      while (!wholeAgentOffered) {
        List<Offer> offers = next(events, Event.Type.OFFERS).getOffers().getOffersList();
        wholeAgentOffered = offers.stream().anyMatch(o -> Resources.of(o.getResourcesList()).scalar("cpus") == 2.0);
        if (!wholeAgentOffered) {
          client.call(Calls.decline(offers.stream().map(Offer::getId).toList(), 0)).await(10, TimeUnit.SECONDS);
        }
      }

      // Every update was acknowledged, so the agent resends none of them.
      Thread.sleep(500);
      assertThat(events).noneMatch(e -> e.getType() == Event.Type.UPDATE);
    } finally {
      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnacknowledgedUpdateIsResentUntilAcknowledged() throws Exception {
    // The agent's retry interval is Mesos's 10 s; this waits for one resend.
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", masterPort, MediaType.JSON);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("e2e-retry").build();
    client.subscribe(info, events::add, error -> { }).await(10, TimeUnit.SECONDS);
    try {
      Offer offer = next(events, Event.Type.OFFERS).getOffers().getOffers(0);
      TaskInfo task = TaskInfo.newBuilder()
          .setName("retry task")
          .setTaskId(TaskID.newBuilder().setValue("retry-task"))
          .setAgentId(offer.getAgentId())
          .setCommand(CommandInfo.newBuilder().setValue("true"))
          .addResources(scalar("cpus", 0.1))
          .addResources(scalar("mem", 32))
          .build();
      client.call(Calls.launch(List.of(offer.getId()), List.of(task), 0)).await(10, TimeUnit.SECONDS);

      TaskStatus first = next(events, Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(first.getState()).isEqualTo(TaskState.TASK_STARTING);
      TaskStatus resent = SchedulerEvents.next(events, Event.Type.UPDATE, 30).getUpdate().getStatus();
      assertThat(resent.getState()).as("the unacknowledged head is resent, nothing after it")
          .isEqualTo(TaskState.TASK_STARTING);
      assertThat(resent.getUuid()).isEqualTo(first.getUuid());

      client.call(Calls.acknowledge(resent)).await(10, TimeUnit.SECONDS);
      TaskStatus second = next(events, Event.Type.UPDATE).getUpdate().getStatus();
      assertThat(second.getState()).isEqualTo(TaskState.TASK_RUNNING);
    } finally {
      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The next UPDATE; offers that come meanwhile are declined, as a framework does with what it does not use. */
  private static Event nextUpdateDecliningOffers(BlockingQueue<Event> events, SchedulerClient client)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Event event = events.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == Event.Type.UPDATE) {
        return event;
      }
      if (event != null && event.getType() == Event.Type.OFFERS) {
        client.call(Calls.decline(event.getOffers().getOffersList().stream().map(Offer::getId).toList(), 0))
            .await(10, TimeUnit.SECONDS);
      }
    }
    throw new AssertionError("no UPDATE event within 15 s");
  }

  private static Event next(BlockingQueue<Event> events, Event.Type type) throws InterruptedException {
    return SchedulerEvents.next(events, type, 15);
  }
}
