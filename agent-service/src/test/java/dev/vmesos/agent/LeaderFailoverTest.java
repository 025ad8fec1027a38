package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent across a change of leading master, on a local Vert.x with {@link FakeMaster}s of
 * increasing leader epochs: a deposed leader is refused, a new one is re-registered with at once
 * (announced or not), and unacknowledged status updates follow the agent to it.
 */
@ExtendWith(VertxExtension.class)
class LeaderFailoverTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("test-framework").setId(FrameworkID.newBuilder().setValue("fw-1"))
      .build();
  /** Long enough that no ping happens during a test: only the announcement can prompt the agent. */
  private static final double NO_PINGS = 60;

  @TempDir
  Path workDir;

  private Vertx vertx;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
  }

  private AgentVerticle deployAgent() throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + workDir, "--port=0", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--isolation=posix/cpu,posix/mem",
        "--master=127.0.0.1:5050,127.0.0.1:5060",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms",
        "--master_request_timeout=2secs"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    return agent;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static RunTask runTask(String id, String command) {
    return RunTask.newBuilder().setFrameworkInfo(FRAMEWORK).setTask(TaskInfo.newBuilder()
        .setName("task " + id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue(FakeMaster.AGENT_ID))
        .setCommand(CommandInfo.newBuilder().setValue(command))).build();
  }

  private JsonObject get(AgentVerticle agent, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Polls an endpoint until its JSON satisfies the condition, for at most 10 s. */
  private JsonObject getWhen(AgentVerticle agent, String path, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject json = get(agent, path);
    while (!condition.test(json) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
      json = get(agent, path);
    }
    return json;
  }

  private static List<String> taskIds(JsonObject state) {
    List<String> ids = new ArrayList<>();
    state.getJsonArray("frameworks").forEach(framework -> ((JsonObject) framework).getJsonArray("tasks")
        .forEach(task -> ids.add(((JsonObject) task).getString("id"))));
    return ids;
  }

  private static <M> M next(java.util.concurrent.BlockingQueue<M> queue, String what) throws InterruptedException {
    M item = queue.poll(10, TimeUnit.SECONDS);
    assertThat(item).as(what).isNotNull();
    return item;
  }

  @Test
  void aDeposedLeaderIsRefusedWith409CountedAndNeverActedOn() throws Exception {
    FakeMaster leader = new FakeMaster(vertx, "master-2", 5060, 5, 0.1);
    FakeMaster deposed = new FakeMaster(vertx, "master-1", 5050, 4, 0.1);   // woke up after its successor's election
    await(leader.start());
    AgentVerticle agent = deployAgent();
    leader.awaitRegistered();

    assertThatThrownBy(() -> await(deposed.request(runTask("stale", "sleep 30"))))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(ReplyException.class, refused -> {
          assertThat(refused.failureCode()).isEqualTo(409);
          assertThat(refused.getMessage()).isEqualTo("stale leader epoch 4 < 5");
        });
    assertThatThrownBy(() -> await(deposed.request(KillTask.newBuilder().setFrameworkId(FRAMEWORK.getId())
        .setTaskId(TaskID.newBuilder().setValue("current")).build())))
        .cause().isInstanceOfSatisfying(ReplyException.class, refused -> assertThat(refused.failureCode()).isEqualTo(409));
    assertThat(await(leader.request(runTask("current", "sleep 30"))).body()).isInstanceOf(Ack.class);

    StatusUpdate starting = leader.nextUpdate();
    assertThat(starting.getStatus().getTaskId().getValue()).as("the deposed leader's task never started")
        .isEqualTo("current");
    assertThat(starting.getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);
    JsonObject state = get(agent, "/state");
    assertThat(taskIds(state)).containsExactly("current");
    assertThat(state.getString("master")).as("the leader the agent registered with").isEqualTo("127.0.0.1:5060");
    assertThat(get(agent, "/metrics/snapshot").getDouble("agent/stale_leader_messages")).isEqualTo(2.0);
  }

  @Test
  void aNewLeadersAnnouncementMakesTheAgentReregisterWithItAtOnce() throws Exception {
    FakeMaster first = new FakeMaster(vertx, "master-1", 5050, 1, NO_PINGS);
    FakeMaster second = new FakeMaster(vertx, "master-2", 5060, 2, NO_PINGS);
    await(first.start());
    AgentVerticle agent = deployAgent();
    next(first.registrations, "the registration with the first leader");
    assertThat(getWhen(agent, "/state", s -> s.getBoolean("registered")).getString("master"))
        .isEqualTo("127.0.0.1:5050");

    await(first.stop());
    await(second.start());
    second.announce();

    // Within the announcement's jitter (at most 1 s), long before any ping could tell.
    assertThat(second.registrations.poll(3, TimeUnit.SECONDS)).as("re-registration with the new leader")
        .isInstanceOf(ReregisterAgent.class);
    assertThat(getWhen(agent, "/state", s -> "127.0.0.1:5060".equals(s.getString("master"))
        && s.getBoolean("registered")).getString("master")).isEqualTo("127.0.0.1:5060");
    assertThat(second.registrations).as("one re-registration").isEmpty();
  }

  /**
   * A new leader's announcement that comes while the agent's first registration with it is on its way
   * does not make a second one: the master would admit the agent twice, its resources offered twice.
   */
  @Test
  void anAnnouncementDuringTheFirstRegistrationDoesNotRegisterTheAgentTwice() throws Exception {
    FakeMaster master = new FakeMaster(vertx, "master-1", 5050, 3, NO_PINGS);
    master.holdRegistrations();
    await(master.start());
    AgentVerticle agent = deployAgent();
    assertThat(next(master.registrations, "the first registration")).isInstanceOf(RegisterAgent.class);
    master.announce();
    // The announcement's longest delay is 1 s; the registration is answered after it.
    assertThat(master.registrations.poll(1500, TimeUnit.MILLISECONDS)).as("a second registration").isNull();
    master.releaseRegistrations();
    getWhen(agent, "/state", s -> s.getBoolean("registered"));
    assertThat(master.registrations.poll(1500, TimeUnit.MILLISECONDS)).as("a registration after the answer").isNull();
  }

  @Test
  void aReplyFromALeaderOfANewerEpochMakesTheAgentReregisterEvenUnannounced() throws Exception {
    FakeMaster first = new FakeMaster(vertx, "master-1", 5050, 1, 0.1);
    FakeMaster second = new FakeMaster(vertx, "master-2", 5060, 2, 0.1);
    await(first.start());
    deployAgent();
    first.awaitRegistered();

    // Pings meanwhile find no leader at all (no handler): the agent keeps pinging.
    await(first.stop());
    await(second.start());

    assertThat(second.registrations.poll(5, TimeUnit.SECONDS)).as("re-registration prompted by a pong of epoch 2")
        .isInstanceOf(ReregisterAgent.class);
    second.pings.clear();
    second.awaitRegistered();
  }

  @Test
  void unacknowledgedUpdatesFollowTheAgentToTheNewLeaderWithoutWaitingOutTheirBackoff() throws Exception {
    FakeMaster first = new FakeMaster(vertx, "master-1", 5050, 1, 0.1);
    FakeMaster second = new FakeMaster(vertx, "master-2", 5060, 2, 0.1);
    await(first.start());
    AgentVerticle agent = deployAgent();
    first.awaitRegistered();
    first.withholdAcknowledgements();   // the first leader dies before the framework acknowledges
    await(first.request(runTask("t1", "sleep 30")));
    StatusUpdate lost = first.nextUpdate();
    assertThat(lost.getStatus().getState()).isEqualTo(TaskState.TASK_STARTING);

    await(first.stop());
    await(second.start());
    second.announce();

    ReregisterAgent reregistered = (ReregisterAgent) next(second.registrations, "re-registration");
    assertThat(reregistered.getTasksList()).extracting(t -> t.getTask().getTaskId().getValue()).containsExactly("t1");
    // Well before --status_update_retry_interval_min (10secs) would resend it.
    StatusUpdate resent = second.nextUpdate(3_000);
    assertThat(resent.getStatus().getUuid()).isEqualTo(lost.getStatus().getUuid());
    assertThat(second.nextUpdate().getStatus().getState()).as("acknowledged, the stream goes on")
        .isEqualTo(TaskState.TASK_RUNNING);
    assertThat(getWhen(agent, "/metrics/snapshot", m -> m.getDouble("slave/status_updates_pending") == 0.0)
        .getDouble("slave/status_updates_pending")).isZero();
  }
}
