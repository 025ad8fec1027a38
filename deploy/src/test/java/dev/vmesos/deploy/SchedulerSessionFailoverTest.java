package dev.vmesos.deploy;

import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.client.Scheduler;
import dev.vmesos.client.SchedulerSession;
import dev.vmesos.client.SessionOptions;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client library against a real clustered master and agent: a {@link SchedulerSession} whose
 * master is stopped and started again on the same port reconnects with backoff, re-subscribes with
 * its framework id and still owns its running task (the new master learns it from the agent and
 * answers reconciliation with TASK_RUNNING); and a session pointed at a master that is not the
 * leader follows the 307 of {@code GET /redirect}.
 */
class SchedulerSessionFailoverTest {

  @TempDir
  Path workDir;

  private Vertx masterNode;
  private Vertx agentNode;
  private Vertx schedulerNode;
  private MasterConfig masterConfig;
  private String masterDeployment;

  @BeforeEach
  void startCluster() throws Exception {
    ClusterConfig cluster = ClusterConfig.loopback("vmesos-failover-" + UUID.randomUUID());
    masterNode = Cluster.start(cluster).await(60, TimeUnit.SECONDS);
    agentNode = Cluster.start(cluster).await(60, TimeUnit.SECONDS);
    masterConfig = MasterConfig.defaults().withPort(FreePorts.find()).withAgentPing(Duration.ofMillis(500), 3);
    masterDeployment = masterNode.deployVerticle(new MasterVerticle(masterConfig)).await(30, TimeUnit.SECONDS);
    AgentConfig agent = AgentConfig.fromFlags(Flags.parse(new String[] {
        "--master=127.0.0.1:" + masterConfig.port(), "--port=" + FreePorts.find(), "--work_dir=" + workDir,
        "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31009]"}, Map.of()));
    agentNode.deployVerticle(new AgentVerticle(agent)).await(30, TimeUnit.SECONDS);
    schedulerNode = Vertx.vertx();
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (Vertx vertx : new Vertx[] {schedulerNode, agentNode, masterNode}) {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRestartedMasterGetsTheFrameworkBackWithItsIdAndItsTask() throws Exception {
    RecordingScheduler scheduler = new RecordingScheduler();
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("failover-test")
        .setCheckpoint(true).setFailoverTimeout(300).build();
    SchedulerSession session = new SchedulerSession(schedulerNode, new MasterAddress("127.0.0.1", masterConfig.port()),
        info, scheduler, SessionOptions.defaults().withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    session.start();
    try {
      Subscribed first = scheduler.subscriptions.poll(20, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.resubscribed()).isFalse();
      assertThat(scheduler.awaitState(TaskState.TASK_RUNNING, 20)).as("the task runs before the restart").isTrue();

      masterNode.undeploy(masterDeployment).await(30, TimeUnit.SECONDS);
      Thread.sleep(1500);   // the session retries meanwhile: connection refused, with backoff
      assertThat(session.done().isComplete()).as("the session keeps retrying").isFalse();
      masterNode.deployVerticle(new MasterVerticle(masterConfig)).await(30, TimeUnit.SECONDS);

      Subscribed second = scheduler.subscriptions.poll(30, TimeUnit.SECONDS);
      assertThat(second).as("re-subscribed to the new master").isNotNull();
      assertThat(second.resubscribed()).isTrue();
      assertThat(second.frameworkId()).isEqualTo(first.frameworkId());
      assertThat(session.frameworkId()).isEqualTo(first.frameworkId());

      // Reconcile until the new master, which learns the task from the re-registering agent, answers.
      scheduler.updates.clear();
      boolean running = false;
      for (int i = 0; i < 30 && !running; i++) {
        session.reconcile().await(10, TimeUnit.SECONDS);
        running = scheduler.awaitState(TaskState.TASK_RUNNING, 1);
      }
      assertThat(running).as("the new master reports the framework's task RUNNING").isTrue();
      assertThat(scheduler.launched).hasSize(1);
    } finally {
      session.stop(true).await(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSessionStartedOnAStandbyFollowsTheRedirectToTheLeaderInProtobuf() throws Exception {
    // A stand-in for a standby master: GET /redirect answers 307 to the leader, as Mesos does.
    HttpServer standby = schedulerNode.createHttpServer().requestHandler(request -> request.response()
        .setStatusCode(request.path().equals("/redirect") ? 307 : 503)
        .putHeader("Location", "//127.0.0.1:" + masterConfig.port())
        .end()).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    RecordingScheduler scheduler = new RecordingScheduler();
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("redirect-test").build();
    SchedulerSession session = new SchedulerSession(schedulerNode, new MasterAddress("127.0.0.1", standby.actualPort()),
        info, scheduler, SessionOptions.defaults().withMediaType(dev.vmesos.api.http.MediaType.PROTOBUF));
    session.start();
    try {
      assertThat(scheduler.subscriptions.poll(20, TimeUnit.SECONDS)).as("subscribed through the redirect").isNotNull();
      assertThat(scheduler.awaitState(TaskState.TASK_RUNNING, 20)).as("calls go to the leader too").isTrue();
    } finally {
      session.stop(true).await(15, TimeUnit.SECONDS);
      standby.close();
    }
  }

  record Subscribed(FrameworkID frameworkId, boolean resubscribed) {
  }

  /** Launches one long command task on the first offer, declines the rest, records what it sees. */
  static final class RecordingScheduler implements Scheduler {
    final BlockingQueue<Subscribed> subscriptions = new LinkedBlockingQueue<>();
    final BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
    final List<TaskID> launched = new ArrayList<>();

    @Override
    public void subscribed(SchedulerSession session, FrameworkID frameworkId, boolean resubscribed) {
      subscriptions.add(new Subscribed(frameworkId, resubscribed));
    }

    @Override
    public void offers(SchedulerSession session, List<Offer> offers) {
      List<OfferID> decline = new ArrayList<>();
      for (Offer offer : offers) {
        if (launched.isEmpty() && Resources.of(offer.getResourcesList()).scalar("cpus") >= 0.1) {
          TaskID id = TaskID.newBuilder().setValue("long-task").build();
          launched.add(id);
          session.launch(offer.getId(), List.of(TaskInfo.newBuilder().setName("long task").setTaskId(id)
              .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 120"))
              .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32)).build()), 5);
        } else {
          decline.add(offer.getId());
        }
      }
      if (!decline.isEmpty()) {
        session.decline(decline, 30);
      }
    }

    @Override
    public void update(SchedulerSession session, TaskStatus status) {
      updates.add(status);
    }

    boolean awaitState(TaskState state, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        TaskStatus status = updates.poll(100, TimeUnit.MILLISECONDS);
        if (status != null && status.getState() == state && status.getTaskId().getValue().equals("long-task")) {
          return true;
        }
      }
      return false;
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

}
