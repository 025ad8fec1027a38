package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.drf.DrfExecutor;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TEARDOWN through the real master and agent: a framework's custom executor whose only task has
 * finished (and was acknowledged, so the master no longer tracks a task there) is still shut down,
 * and the agent forgets the framework. The master tells every agent, as Mesos does.
 */
class TeardownEndToEndTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path workDir;

  @Test
  void teardownShutsDownAnIdleExecutorAndTheAgentForgetsTheFramework() throws Exception {
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-teardown-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, "cpus:2;mem:1024;disk:512;ports:[31000-31009]", workDir,
        List.of("--isolation=posix/cpu,posix/mem")).await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    try {
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("torn-down").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
      Offer offer = next(events, Event.Type.OFFERS, 30).getOffers().getOffers(0);
      String frameworkId = offer.getFrameworkId().getValue();
      TaskInfo task = TaskInfo.newBuilder().setName("brief").setTaskId(TaskID.newBuilder().setValue("brief"))
          .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .setExecutor(ExecutorLaunch.process(ExecutorLaunch.currentClasspath())
              .executor("idle-executor", "idle executor", DrfExecutor.class.getName()))
          .setData(ByteString.copyFromUtf8("100"))
          .build();
      client.call(Calls.launch(List.of(offer.getId()), List.of(task), 0)).await(10, TimeUnit.SECONDS);
      assertThat(acknowledged(next(events, Event.Type.UPDATE, 60), client).getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(acknowledged(next(events, Event.Type.UPDATE, 30), client).getState()).isEqualTo(TaskState.TASK_FINISHED);
      int agentPort = local.agentPorts().get(0);
      // Idle: the executor runs, with no task left once the acknowledgement has reached the agent.
      awaitAgentState(agentPort, state -> {
        JsonArray executors = executorsOf(state, frameworkId);
        return executors.size() == 1 && executors.getJsonObject(0).getJsonArray("tasks").isEmpty()
            && executors.getJsonObject(0).getString("state").equals("RUNNING");
      }, "the executor idle");

      client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);

      JsonObject after = awaitAgentState(agentPort, state -> state.getJsonArray("frameworks").isEmpty(),
          "the framework gone from the agent");
      assertThat(after.getJsonArray("frameworks")).isEmpty();
    } finally {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static JsonObject awaitAgentState(int port, Predicate<JsonObject> condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject state;
    do {
      state = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/state"))
          .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
      if (condition.test(state)) {
        return state;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("not " + what + " within 20 s; the agent's /state: " + state.encodePrettily());
  }

  private static JsonArray executorsOf(JsonObject state, String frameworkId) {
    for (Object framework : state.getJsonArray("frameworks")) {
      JsonObject json = (JsonObject) framework;
      if (json.getString("id").equals(frameworkId)) {
        return json.getJsonArray("executors", new JsonArray());
      }
    }
    return new JsonArray();
  }
}
