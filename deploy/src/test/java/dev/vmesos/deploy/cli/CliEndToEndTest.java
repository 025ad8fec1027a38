package dev.vmesos.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.FreePorts;
import dev.vmesos.deploy.LocalCluster;
import dev.vmesos.deploy.Poll;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real master and agent (in one JVM, as {@code vmesos local} runs them) and a real
 * scheduler running command tasks: each command's table and {@code --json}, {@code task log}
 * reading what a task wrote into its sandbox (also following it until it ends), {@code task kill}
 * ending a task with the framework receiving TASK_KILLED, and the errors (unknown task, unreachable
 * master, bad command) with their exit codes.
 * The tests share one cluster and run in order: the lists first, while both tasks run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {

  private static final String RESOURCES = "cpus:2;mem:1024;disk:512;ports:[31000-31009]";

  @TempDir
  static Path workDir;

  private static LocalCluster local;
  private static Vertx schedulerNode;
  private static SchedulerClient client;
  private static String frameworkId;
  private static String agentId;
  /** Every status the framework received, by task id, in order (acknowledged as they come). */
  private static final Map<String, List<TaskState>> STATES = new ConcurrentHashMap<>();
  private static final BlockingQueue<Event> EVENTS = new LinkedBlockingQueue<>();
  /**
   * The talker's terminal update is acknowledged only after the log test: until then the master
   * keeps the task (as Mesos does), so its sandbox can be found once it has ended.
   */
  private static final List<TaskStatus> HELD = new ArrayList<>();
  private static volatile boolean holdTalker = true;

  @BeforeAll
  static void clusterAndFramework() throws Exception {
    local = LocalCluster.start(ClusterConfig.loopback("vmesos-cli-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, RESOURCES, workDir).await(90, TimeUnit.SECONDS);
    schedulerNode = Vertx.vertx();
    client = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
    client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("cli-test").build(), EVENTS::add,
        error -> { }).await(10, TimeUnit.SECONDS);
    Offer offer = nextOffer();
    frameworkId = offer.getFrameworkId().getValue();
    agentId = offer.getAgentId().getValue();
    List<TaskInfo> tasks = List.of(
        command(offer, "talker", "echo first line; echo to-stderr >&2; sleep 3; echo last line"),
        command(offer, "sleeper", "sleep 600"));
    client.call(Calls.launch(List.of(offer.getId()), tasks, 0)).await(10, TimeUnit.SECONDS);
    await(() -> states("talker").contains(TaskState.TASK_RUNNING) && states("sleeper").contains(TaskState.TASK_RUNNING),
        "both tasks RUNNING");
  }

  @AfterAll
  static void stop() throws Exception {
    if (schedulerNode != null) {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
    }
    if (local != null) {
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void agentListShowsTheAgentAsATableAndAsJson() {
    Run table = cli("agent", "list");
    assertThat(table.code).as(table.err).isZero();
    assertThat(table.lines().get(0)).startsWith("ID").contains("ADDRESS").contains("CPUS (USED/TOTAL)");
    assertThat(table.out).contains(agentId).contains("127.0.0.1:" + local.agentPorts().get(0)).contains("/ 2 ")
        .contains("/ 1024");

    Run json = cli("agent", "list", "--json");
    JsonArray agents = new JsonArray(json.out);
    assertThat(agents).hasSize(1);
    JsonObject agent = agents.getJsonObject(0);
    assertThat(agent.getString("id")).isEqualTo(agentId);
    assertThat(agent.getInteger("port")).isEqualTo(local.agentPorts().get(0));
    assertThat(agent.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
    assertThat(agent.getJsonObject("allocated").getDouble("cpus")).as("the sleeper's").isCloseTo(0.1,
        org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  @Order(2)
  void frameworkListShowsTheFrameworkItsTasksAndDominantShare() {
    Run table = cli("framework", "list");
    assertThat(table.code).as(table.err).isZero();
    assertThat(table.lines().get(0)).startsWith("ID").contains("NAME").contains("DOMINANT SHARE");
    String row = table.lines().stream().filter(l -> l.startsWith(frameworkId)).findFirst().orElseThrow();
    assertThat(row).contains("cli-test").contains("active").contains("*");

    JsonObject framework = new JsonArray(cli("framework", "list", "--json").out).stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("id").equals(frameworkId)).findFirst().orElseThrow();
    assertThat(framework.getString("name")).isEqualTo("cli-test");
    assertThat(framework.getString("state")).isEqualTo("active");
    assertThat(framework.getInteger("tasks")).isBetween(1, 2);
    assertThat(framework.getDouble("dominant_share")).isGreaterThan(0);
  }

  @Test
  @Order(3)
  void taskListShowsRunningTasksAndAllAddsTheCompletedOnes() throws Exception {
    Run table = cli("task", "list");
    assertThat(table.code).as(table.err).isZero();
    assertThat(table.lines().get(0)).startsWith("ID").contains("FRAMEWORK").contains("STATE");
    String sleeper = table.lines().stream().filter(l -> l.startsWith("sleeper ")).findFirst().orElseThrow();
    assertThat(sleeper).contains("cli-test").contains("127.0.0.1:" + local.agentPorts().get(0))
        .contains("TASK_RUNNING").contains("0.1").contains("32");

    JsonObject task = new JsonArray(cli("task", "list", "--json").out).stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals("sleeper")).findFirst().orElseThrow();
    assertThat(task.getString("framework_id")).isEqualTo(frameworkId);
    assertThat(task.getString("agent_id")).isEqualTo(agentId);
    assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
    assertThat(task.getJsonObject("resources").getDouble("mem")).isEqualTo(32.0);

    // A framework torn down: its task is completed, shown only with --all.
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SchedulerClient other = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
    other.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("gone").build(), events::add, e -> { })
        .await(10, TimeUnit.SECONDS);
    Offer offer = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (offer == null && System.nanoTime() < deadline) {
      states("");   // the first framework declines what it is offered
      Event event = events.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == Event.Type.OFFERS) {
        offer = event.getOffers().getOffers(0);
      }
    }
    assertThat(offer).as("an offer for the second framework").isNotNull();
    other.call(Calls.launch(List.of(offer.getId()), List.of(command(offer, "short-lived", "sleep 300")), 0))
        .await(10, TimeUnit.SECONDS);
    await(() -> cli("task", "list").out.contains("short-lived"), "the second framework's task listed");
    other.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
    await(() -> !cli("task", "list").out.contains("short-lived"), "the torn-down framework's task gone from the list");
    Run all = cli("task", "list", "--all");
    assertThat(all.out).contains("short-lived").contains("sleeper");
    JsonObject completed = new JsonArray(cli("task", "list", "--all", "--json").out).stream()
        .map(JsonObject.class::cast).filter(t -> t.getString("id").equals("short-lived")).findFirst().orElseThrow();
    assertThat(completed.getString("framework")).isEqualTo("gone");
    Run frameworks = cli("framework", "list", "--all");
    assertThat(frameworks.out).contains("gone").contains("completed");
    assertThat(cli("framework", "list").out).doesNotContain("gone");
  }

  @Test
  @Order(0)
  void taskLogReadsTheSandboxAndFollowsTheTaskUntilItEnds() throws Exception {
    // Started while the talker runs (it sleeps 3 s between its lines): it ends with the task.
    Run followed = cli("task", "log", "talker", "--follow", "--poll_interval=200ms");
    assertThat(followed.code).as(followed.err).isZero();
    assertThat(followed.out).isEqualTo("first line\nlast line\n");
    await(() -> states("talker").contains(TaskState.TASK_FINISHED), "talker FINISHED");

    Run stdout = cli("task", "log", "talker");
    assertThat(stdout.code).as(stdout.err).isZero();
    assertThat(stdout.out).isEqualTo("first line\nlast line\n");
    Run stderr = cli("task", "log", "talker", "--stderr");
    assertThat(stderr.code).as(stderr.err).isZero();
    assertThat(stderr.out).contains("to-stderr");
    synchronized (CliEndToEndTest.class) {
      holdTalker = false;
      HELD.forEach(status -> client.call(Calls.acknowledge(status)));
    }
  }

  @Test
  @Order(5)
  void taskKillEndsTheTaskAndItsFrameworkSeesTaskKilled() throws Exception {
    Run kill = cli("task", "kill", "sleeper");
    assertThat(kill.code).as(kill.err).isZero();
    assertThat(kill.out).contains("Killed task sleeper of framework " + frameworkId);
    await(() -> states("sleeper").contains(TaskState.TASK_KILLED), "the framework received TASK_KILLED");
    assertThat(states("sleeper")).last().isEqualTo(TaskState.TASK_KILLED);

    Run again = cli("task", "kill", "sleeper");
    assertThat(again.code).isEqualTo(1);
    assertThat(again.err).contains("task 'sleeper'");
  }

  @Test
  @Order(6)
  void errorsAreOneLineWithNonZeroExitCodes() throws Exception {
    Run unknown = cli("task", "log", "no-such-task");
    assertThat(unknown.code).isEqualTo(1);
    assertThat(unknown.err).startsWith("vmesos task log: no task 'no-such-task' on the master at 127.0.0.1:");
    assertThat(cli("task", "kill", "no-such-task").err).contains("no live task 'no-such-task'");

    int closed = FreePorts.find();
    Run unreachable = run("task", "list", "--master=127.0.0.1:" + closed);
    assertThat(unreachable.code).isEqualTo(1);
    assertThat(unreachable.err).startsWith("vmesos task list: cannot reach a leading master (127.0.0.1:" + closed);

    Run badCommand = cli("task", "frobnicate");
    assertThat(badCommand.code).isEqualTo(2);
    assertThat(badCommand.err).contains("unknown command 'task frobnicate'");
    Run missing = cli("task", "log");
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).contains("needs one task id");
    Run badFlag = cli("task", "list", "--colour");
    assertThat(badFlag.code).isEqualTo(2);
    assertThat(badFlag.err).contains("colour");

    // The master's kill endpoint itself: POST only, the task named, nothing changed otherwise.
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + local.masterPort() + "/master/kill_task");
    assertThat(http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(405);
    HttpResponse<String> noTask = http.send(HttpRequest.newBuilder(uri).header("Content-Type",
        "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("frameworkId=" + frameworkId))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noTask.statusCode()).isEqualTo(400);
    assertThat(noTask.body()).contains("taskId");
  }

  // ---------------------------------------------------------------------------------------------

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run cli(String... args) {
    List<String> withMaster = new ArrayList<>(List.of(args));
    withMaster.add("--master=127.0.0.1:" + local.masterPort());
    return run(withMaster.toArray(String[]::new));
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static TaskInfo command(Offer offer, String id, String command) {
    return TaskInfo.newBuilder().setName(id + " task").setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
        .setCommand(CommandInfo.newBuilder().setValue(command)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Offer nextOffer() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Event event = EVENTS.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == Event.Type.OFFERS) {
        return event.getOffers().getOffers(0);
      }
    }
    throw new AssertionError("no offer within 30 s");
  }

  /** The states the framework received for {@code taskId}, after taking in the events queued so far. */
  private static synchronized List<TaskState> states(String taskId) {
    Event event;
    while ((event = EVENTS.poll()) != null) {
      if (event.getType() == Event.Type.OFFERS) {
        client.call(Calls.decline(event.getOffers().getOffersList().stream().map(Offer::getId).toList(), 3600));
      }
      if (event.getType() == Event.Type.UPDATE) {
        TaskStatus status = event.getUpdate().getStatus();
        STATES.computeIfAbsent(status.getTaskId().getValue(), k -> new ArrayList<>()).add(status.getState());
        if (holdTalker && status.getTaskId().getValue().equals("talker")
            && status.getState() == TaskState.TASK_FINISHED) {
          HELD.add(status);
        } else if (status.hasUuid()) {
          client.call(Calls.acknowledge(status));
        }
      }
    }
    return List.copyOf(STATES.getOrDefault(taskId, List.of()));
  }

  private static void await(Poll.Condition condition, String what) throws Exception {
    Poll.until(() -> what + "; states " + STATES, condition);
  }
}
