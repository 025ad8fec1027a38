package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.v1.Protos.Attribute;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's {@code --attributes} (text, scalar, ranges, set) as a framework and an operator see
 * them through the real master: in offers, in the master's {@code /state} (Mesos's v0 map), in
 * {@code GET_AGENTS} ({@code agent_info.attributes}) and in the agent's own {@code /state}.
 */
class AttributesEndToEndTest {

  private static final String ATTRIBUTES = "rack:r1;zone:z1;level:10;ports:[1-5];set:{a,b}";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path workDir;

  @Test
  void attributesAppearInOffersStateAndGetAgents() throws Exception {
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-attributes-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, "cpus:1;mem:512;disk:512;ports:[31000-31009]", workDir,
        List.of("--isolation=posix/cpu,posix/mem", "--attributes=" + ATTRIBUTES)).await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    try {
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("placer").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
      Offer offer = next(events, Event.Type.OFFERS, 30).getOffers().getOffers(0);

      assertThat(offer.getAttributesList()).extracting(AttributesEndToEndTest::describe).containsExactly(
          "rack TEXT r1", "zone TEXT z1", "level SCALAR 10.0", "ports RANGES 1-5", "set SET [a, b]");

      JsonObject expectedModel = new JsonObject().put("rack", "r1").put("zone", "z1").put("level", 10.0)
          .put("ports", "[1-5]").put("set", "{a, b}");
      JsonObject masterState = new JsonObject(get(local.masterPort(), "/state"));
      assertThat(masterState.getJsonArray("slaves").getJsonObject(0).getJsonObject("attributes"))
          .isEqualTo(expectedModel);
      JsonObject agentState = new JsonObject(get(local.agentPorts().get(0), "/state"));
      assertThat(agentState.getJsonObject("attributes")).isEqualTo(expectedModel);

      HttpResponse<String> agents = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + local.masterPort() + "/api/v1"))
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_AGENTS\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(agents.statusCode()).as(agents.body()).isEqualTo(200);
      Response response = MesosJson.parse(agents.body().getBytes(StandardCharsets.UTF_8), Response.getDefaultInstance());
      assertThat(response.getGetAgents().getAgents(0).getAgentInfo().getAttributesList())
          .isEqualTo(offer.getAttributesList());
      JsonObject rack = new JsonObject(agents.body()).getJsonObject("get_agents").getJsonArray("agents")
          .getJsonObject(0).getJsonObject("agent_info").getJsonArray("attributes").getJsonObject(0);
      assertThat(rack).isEqualTo(new JsonObject().put("name", "rack").put("type", "TEXT")
          .put("text", new JsonObject().put("value", "r1")));
    } finally {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static String describe(Attribute a) {
    return a.getName() + " " + a.getType() + " " + switch (a.getType()) {
      case TEXT -> a.getText().getValue();
      case SCALAR -> Double.toString(a.getScalar().getValue());
      case RANGES -> a.getRanges().getRange(0).getBegin() + "-" + a.getRanges().getRange(0).getEnd();
      case SET -> a.getSet().getItemList().toString();
      default -> "?";
    };
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
