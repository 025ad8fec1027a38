package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
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
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's task history with a real agent running real command tasks: a task that exits 0 and
 * one that exits 1 end up in {@code /state}'s {@code completed_tasks}, {@code /tasks} and GET_TASKS
 * with their final states; a torn-down framework's still running task is completed TASK_KILLED (and
 * the agent really kills it).
 */
class CompletedTasksEndToEndTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path workDir;

  private static TaskInfo command(Offer offer, String id, String shell) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
        .setCommand(CommandInfo.newBuilder().setValue(shell)).build();
  }

  @Test
  void finishedFailedAndTornDownTasksAreCompletedWithTheirFinalStates() throws Exception {
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-history-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, "cpus:2;mem:1024;disk:512;ports:[31000-31009]", workDir,
        List.of("--isolation=posix/cpu,posix/mem")).await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    try {
      int master = local.masterPort();
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", master, MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("history").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
      Offer offer = next(events, Event.Type.OFFERS, 30).getOffers().getOffers(0);
      String frameworkId = offer.getFrameworkId().getValue();
      client.call(Calls.launch(List.of(offer.getId()), List.of(command(offer, "succeeds", "true"),
          command(offer, "fails", "exit 3"), command(offer, "sleeps", "sleep 300")), 0)).await(10, TimeUnit.SECONDS);

      Map<String, TaskState> last = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(last.get("succeeds") == TaskState.TASK_FINISHED && last.get("fails") == TaskState.TASK_FAILED
          && last.get("sleeps") == TaskState.TASK_RUNNING)) {
        assertThat(System.nanoTime()).as("the tasks ran within 60 s: " + last).isLessThan(deadline);
        TaskStatus status = acknowledged(next(events, Event.Type.UPDATE, 60), client);
        last.put(status.getTaskId().getValue(), status.getState());
      }

      JsonObject state = awaitMaster(master, "/state", s -> completedTasks(s.getJsonArray("frameworks")).size() == 2,
          "both ended tasks completed");
      JsonObject framework = state.getJsonArray("frameworks").getJsonObject(0);
      assertThat(stateOf(framework.getJsonArray("completed_tasks"))).containsEntry("succeeds", "TASK_FINISHED")
          .containsEntry("fails", "TASK_FAILED").hasSize(2);
      assertThat(stateOf(framework.getJsonArray("tasks"))).containsExactly(Map.entry("sleeps", "TASK_RUNNING"));
      JsonArray statuses = find(framework.getJsonArray("completed_tasks"), "succeeds").getJsonArray("statuses");
      assertThat(statuses.getJsonObject(statuses.size() - 1).getString("state")).isEqualTo("TASK_FINISHED");

      assertThat(stateOf(getJson(master, "/tasks").getJsonArray("tasks"))).containsEntry("succeeds", "TASK_FINISHED")
          .containsEntry("fails", "TASK_FAILED").containsEntry("sleeps", "TASK_RUNNING");
      JsonObject getTasks = postJson(master, "{\"type\":\"GET_TASKS\"}").getJsonObject("get_tasks");
      Map<String, String> completed = new HashMap<>();
      for (Object task : getTasks.getJsonArray("completed_tasks")) {
        JsonObject json = (JsonObject) task;
        completed.put(json.getJsonObject("task_id").getString("value"), json.getString("state"));
      }
      assertThat(completed).containsEntry("succeeds", "TASK_FINISHED").containsEntry("fails", "TASK_FAILED");

      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
      JsonObject after = awaitMaster(master, "/state", s -> !s.getJsonArray("completed_frameworks").isEmpty(),
          "the framework completed");
      JsonObject removed = after.getJsonArray("completed_frameworks").getJsonObject(0);
      assertThat(removed.getString("id")).isEqualTo(frameworkId);
      assertThat(stateOf(removed.getJsonArray("completed_tasks"))).containsEntry("sleeps", "TASK_KILLED")
          .containsEntry("succeeds", "TASK_FINISHED").containsEntry("fails", "TASK_FAILED");
      int agentPort = local.agentPorts().get(0);
      awaitAgent(agentPort, s -> s.getJsonArray("frameworks").isEmpty(), "the agent killed the sleeping task");
    } finally {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static List<JsonObject> completedTasks(JsonArray frameworks) {
    return frameworks.isEmpty() ? List.of()
        : frameworks.getJsonObject(0).getJsonArray("completed_tasks").stream().map(t -> (JsonObject) t).toList();
  }

  private static Map<String, String> stateOf(JsonArray tasks) {
    Map<String, String> states = new HashMap<>();
    for (Object task : tasks) {
      states.put(((JsonObject) task).getString("id"), ((JsonObject) task).getString("state"));
    }
    return states;
  }

  private static JsonObject find(JsonArray tasks, String id) {
    for (Object task : tasks) {
      if (((JsonObject) task).getString("id").equals(id)) {
        return (JsonObject) task;
      }
    }
    throw new AssertionError("no task " + id + " in " + tasks);
  }

  private static JsonObject getJson(int port, String path) throws Exception {
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET()
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static JsonObject postJson(int port, String body) throws Exception {
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static JsonObject awaitMaster(int port, String path, Predicate<JsonObject> condition, String what)
      throws Exception {
    return await(port, path, condition, what);
  }

  private static JsonObject awaitAgent(int port, Predicate<JsonObject> condition, String what) throws Exception {
    return await(port, "/state", condition, what);
  }

  private static JsonObject await(int port, String path, Predicate<JsonObject> condition, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject json;
    do {
      json = getJson(port, path);
      if (condition.test(json)) {
        return json;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("not " + what + " within 20 s; " + path + " on " + port + ": " + json.encodePrettily());
  }
}
