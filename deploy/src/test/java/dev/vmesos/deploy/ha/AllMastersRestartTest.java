package dev.vmesos.deploy.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.SchedulerClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every master killed with SIGKILL at once, and one of the two agents with them; the three masters
 * start again on their work dirs. The new leader has the framework and both agents from the
 * registry: the framework, disconnected, re-subscribes with its id; the surviving agent
 * re-registers; the killed one is listed as recovered until {@code --agent_reregister_timeout}
 * (60 s here), then it is unreachable. The timeout must outlast the survivor's way back: its
 * reconnection backoff, doubled while every master was down, waits up to 30 s before the next
 * attempt (Mesos's default timeout is 10 minutes).
 */
class AllMastersRestartTest extends ProcessClusterTest {

  private final HttpClient http = HttpClient.newHttpClient();


  @Test
  void theRegistrySurvivesEveryMasterAndAnAgentThatDoesNotReturnGoesUnreachable() throws Exception {
    cluster = new MasterProcesses(MasterProcesses.Layout.of(workDir, "vmesos-all-restart-" + UUID.randomUUID(), 3, 2,
        15450, 15761, 15551, "cpus:2;mem:2048;disk:1024;ports:[31000-31009]")
        .withMasterFlags("--agent_reregister_timeout=60secs")).start();
    int leader = cluster.awaitLeader(Duration.ofSeconds(90));
    cluster.awaitAgentsRegistered(leader, 2, Duration.ofSeconds(60));
    JsonObject before = state(leader).orElseThrow();
    String survivor = agentId(before, cluster.agentPort(0));
    String lost = agentId(before, cluster.agentPort(1));

    vertx = Vertx.vertx();
    RecordedStream first = new RecordedStream();
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName("all-restart").setCheckpoint(true)
        .setFailoverTimeout(3600).build();
    SchedulerClient client = new SchedulerClient(vertx, "127.0.0.1", cluster.masterPort(leader), MediaType.JSON);
    client.subscribe(info, first::onEvent, first::onClose).await(10, TimeUnit.SECONDS);
    MasterProcesses.await(Duration.ofSeconds(10), "SUBSCRIBED", () -> first.count(Event.Type.SUBSCRIBED) == 1);
    FrameworkID frameworkId = first.events().get(0).event().getSubscribed().getFrameworkId();

    long killed = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      cluster.killMaster(i);
    }
    cluster.killAgent(1);
    client.close().await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      cluster.startMaster(i);
    }
    int next = cluster.awaitLeader(Duration.ofSeconds(90));
    long elected = System.nanoTime();

    // The framework, from the registry, waits for its scheduler; the agents are recovered.
    JsonObject recovered = state(next).orElseThrow();
    JsonObject framework = find(recovered.getJsonArray("frameworks"), "id", frameworkId.getValue()).orElseThrow(
        () -> new AssertionError("framework " + frameworkId.getValue() + " not in /state: " + recovered.encode()));
    System.out.printf("[all-restart] master %d leads %d ms after the kill; /state has the framework as %s%n", next,
        (elected - killed) / 1_000_000, framework.copy().put("tasks", "...").encode());
    assertThat(framework.getBoolean("connected")).isFalse();
    assertThat(framework.getBoolean("active")).isFalse();

    // Both agents are in the registry, and the one that stayed up comes back: its agent-bus connection
    // died with the masters, and it connects again (with backoff and jitter) and re-registers.
    MasterProcesses.await(Duration.ofSeconds(10), "both agents known to the new leader", () ->
        state(next).map(s -> {
          java.util.Set<String> known = new java.util.HashSet<>(ids(s.getJsonArray("recovered_slaves")));
          known.addAll(ids(s.getJsonArray("slaves")));
          return known.containsAll(List.of(lost, survivor));
        }).orElse(false));
    long waited = System.nanoTime();
    cluster.awaitAgentsRegistered(next, 1, Duration.ofSeconds(45));
    System.out.printf("[all-restart] the agent that stayed up re-registered %d ms later%n",
        (System.nanoTime() - waited) / 1_000_000);
    JsonObject meanwhile = state(next).orElseThrow();
    assertThat(ids(meanwhile.getJsonArray("recovered_slaves"))).contains(lost);
    assertThat(ids(meanwhile.getJsonArray("slaves"))).containsExactly(survivor);
    JsonObject agents = operator(next, "{\"type\":\"GET_AGENTS\"}").getJsonObject("get_agents");
    assertThat(agents.getJsonArray("recovered_agents").stream().map(a -> ((JsonObject) a).getJsonObject("id")
        .getString("value")).toList()).contains(lost);

    // The framework fails over to the new leader with its id.
    RecordedStream second = new RecordedStream();
    SchedulerClient again = new SchedulerClient(vertx, "127.0.0.1", cluster.masterPort(next), MediaType.JSON);
    again.subscribe(info.toBuilder().setId(frameworkId).build(), second::onEvent, second::onClose)
        .await(10, TimeUnit.SECONDS);
    MasterProcesses.await(Duration.ofSeconds(10), "SUBSCRIBED again", () -> second.count(Event.Type.SUBSCRIBED) == 1);
    assertThat(second.events().get(0).event().getSubscribed().getFrameworkId()).isEqualTo(frameworkId);
    MasterProcesses.await(Duration.ofSeconds(10), "the framework connected in /state", () -> state(next)
        .flatMap(s -> find(s.getJsonArray("frameworks"), "id", frameworkId.getValue()))
        .map(f -> f.getBoolean("connected")).orElse(false));

    // After --agent_reregister_timeout the agent that did not come back is unreachable.
    MasterProcesses.await(Duration.ofSeconds(90), "the killed agent becomes unreachable", () -> state(next)
        .map(s -> s.getDouble("unreachable_slaves") >= 1.0 && s.getJsonArray("recovered_slaves").isEmpty()
            && !ids(s.getJsonArray("slaves")).contains(lost))
        .orElse(false));
    long unreachable = System.nanoTime();
    System.out.printf("[all-restart] agent %s unreachable %d ms after the new leader was elected%n", lost,
        (unreachable - elected) / 1_000_000);
    assertThat(cluster.metric(next, "master/slaves_unreachable").orElseThrow()).isGreaterThanOrEqualTo(1.0);
    assertThat(cluster.metric(next, "master/slaves_unreachable")).contains(1.0);
    assertThat(cluster.metric(next, "master/slaves_active")).contains(1.0);
    assertThat(ids(state(next).orElseThrow().getJsonArray("slaves"))).containsExactly(survivor);
    again.close().await(10, TimeUnit.SECONDS);
  }

  private Optional<JsonObject> state(int master) {
    return cluster.getJson(cluster.masterPort(master), "/state");
  }

  private JsonObject operator(int master, String call) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.masterPort(master) + "/api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(call)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String agentId(JsonObject state, int port) {
    return find(state.getJsonArray("slaves"), "port", port).orElseThrow().getString("id");
  }

  private static Optional<JsonObject> find(JsonArray array, String key, Object value) {
    return array.stream().map(JsonObject.class::cast).filter(o -> value.equals(o.getValue(key))).findFirst();
  }

  private static List<String> ids(JsonArray array) {
    List<String> ids = new ArrayList<>();
    array.forEach(o -> ids.add(((JsonObject) o).getString("id")));
    return ids;
  }
}
