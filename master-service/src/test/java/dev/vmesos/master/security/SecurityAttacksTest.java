package dev.vmesos.master.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.security.HttpTestClient.Reply;
import dev.vmesos.master.security.HttpTestClient.Stream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 13 on a master with authentication and ACLs on, each through the JDK's HTTP
 * client as an attacker on the same host would send it: alice runs a framework, mallory (who has a
 * credential of her own) attacks it, ops operates the cluster.
 */
class SecurityAttacksTest {

  private static final String ACLS = """
      {"permissive": false,
       "register_frameworks": [{"principals": {"values": ["ops"]}, "roles": {"values": ["admin"]}},
                               {"principals": {"type": "NONE"}, "roles": {"values": ["admin"]}},
                               {"principals": {"type": "ANY"}, "roles": {"type": "ANY"}}],
       "run_tasks": [{"principals": {"values": ["alice"]}, "users": {"values": ["nobody"]}}],
       "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
       "update_weights": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
       "view_frameworks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                           {"principals": {"values": ["mallory"]}, "users": {"values": ["mallory"]}}],
       "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
       "view_executors": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
       "get_endpoints": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot", "/metrics"]}}]}""";

  private static final String ALICE = HttpTestClient.basic("alice", "alice-secret");
  private static final String MALLORY = HttpTestClient.basic("mallory", "mallory-secret");
  private static final String OPS = HttpTestClient.basic("ops", "ops-secret");

  @TempDir
  Path dir;

  private Vertx vertx;
  private HttpTestClient http;
  private String agentId;

  @BeforeEach
  void start() throws Exception {
    Path credentials = dir.resolve("credentials.json");
    Files.writeString(credentials, "{\"credentials\": [{\"principal\": \"alice\", \"secret\": \"alice-secret\"},"
        + " {\"principal\": \"mallory\", \"secret\": \"mallory-secret\"},"
        + " {\"principal\": \"ops\", \"secret\": \"ops-secret\"}]}");
    Flags flags = Flags.parse(new String[] {"--authenticate_http_frameworks", "--authenticate_http_readwrite=true",
        "--authenticate_http_readonly=true", "--acls=" + ACLS}, Map.of());
    MasterSecurity security = MasterSecurity.fromFlags(flags,
        Optional.of(Credentials.readList("credentials", credentials.toString())));
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0)).withSecurity(security);
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
    http = new HttpTestClient(master.actualPort());
    agentId = registerAgent("agent-1");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private String registerAgent(String instance) throws Exception {
    AgentRegistered registered = vertx.eventBus().<AgentRegistered>request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setInstance(instance).setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1")
            .setPort(5051).addAllResources(ResourcesParser.parse("cpus:4;mem:4096").toList())).build())
        .await(10, TimeUnit.SECONDS).body();
    return registered.getAgentId().getValue();
  }

  private static String subscribe(String principal, String frameworkId) {
    JsonObject info = new JsonObject().put("user", "nobody").put("name", "framework-of-" + principal);
    if (principal != null) {
      info.put("principal", principal);
    }
    if (frameworkId != null) {
      info.put("id", new JsonObject().put("value", frameworkId));
    }
    JsonObject call = new JsonObject().put("type", "SUBSCRIBE")
        .put("subscribe", new JsonObject().put("framework_info", info));
    if (frameworkId != null) {
      call.put("framework_id", new JsonObject().put("value", frameworkId));
    }
    return call.encode();
  }

  private static String call(String frameworkId, String type, JsonObject body) {
    JsonObject call = new JsonObject().put("type", type).put("framework_id", new JsonObject().put("value", frameworkId));
    if (body != null) {
      call.put(type.toLowerCase(), body);
    }
    return call.encode();
  }

  /** Alice's framework, subscribed: its id is in SUBSCRIBED. */
  private record Victim(Stream stream, String id) {
  }

  private Victim alice() throws Exception {
    Stream stream = http.subscribe("/api/v1/scheduler", ALICE, subscribe("alice", null));
    assertThat(stream.status()).isEqualTo(200);
    JsonObject subscribed = stream.next();
    assertThat(subscribed.getString("type")).isEqualTo("SUBSCRIBED");
    return new Victim(stream, subscribed.getJsonObject("subscribed").getJsonObject("framework_id").getString("value"));
  }

  /** The victim is untouched: its stream still carries its calls (a REVIVE is accepted, 202). */
  private void assertStillServed(Victim victim) throws Exception {
    assertThat(http.post("/api/v1/scheduler", ALICE, call(victim.id(), "REVIVE", null), victim.stream().streamId())
        .status()).isEqualTo(202);
    assertThat(victim.stream().events()).noneMatch(e -> "ERROR".equals(e.getString("type")));
  }

  @Test
  void unauthenticatedOrWronglyAuthenticatedCallsGet401WithTheRealmOfTheirEndpoint() throws Exception {
    Map<String, String> realms = new java.util.LinkedHashMap<>();
    realms.put("/api/v1/scheduler", "mesos-master-scheduler");
    realms.put("/api/v1", "mesos-master-readwrite");
    realms.put("/master/api/v1", "mesos-master-readwrite");
    realms.put("/state", "mesos-master-readonly");
    realms.put("/master/state.json", "mesos-master-readonly");
    realms.put("/metrics/snapshot", "mesos-master-readonly");
    realms.put("/master/../state", "mesos-master-readonly");
    realms.put("/%73tate", "mesos-master-readonly");
    realms.put("/master/./api/v1", "mesos-master-readwrite");
    realms.put("/metrics", "mesos-master-readonly");
    realms.put("/files/read?path=/master/log&offset=0", "mesos-master-readonly");
    realms.put("/logging/toggle?level=1&duration=1secs", "mesos-master-readwrite");
    for (var entry : realms.entrySet()) {
      for (String authorization : java.util.Arrays.asList(null, HttpTestClient.basic("mallory", "guess"),
          HttpTestClient.basic("nobody", "mallory-secret"), "Bearer x")) {
        Reply reply = entry.getKey().contains("api/v1")
            ? http.post(entry.getKey(), authorization, "{\"type\":\"GET_STATE\"}", null)
            : http.get(entry.getKey(), authorization);
        assertThat(reply.status()).as("%s with %s", entry.getKey(), authorization).isEqualTo(401);
        assertThat(reply.headers().firstValue("WWW-Authenticate"))
            .contains("Basic realm=\"" + entry.getValue() + "\"");
      }
    }
    // An unauthenticated SUBSCRIBE opens no stream and registers nothing.
    assertThat(http.subscribe("/api/v1/scheduler", null, subscribe(null, null)).status()).isEqualTo(401);
    assertThat(http.post("/api/v1", OPS, "{\"type\":\"GET_FRAMEWORKS\"}", null).json()
        .getJsonObject("get_frameworks").getJsonArray("frameworks", new JsonArray())).isEmpty();
    // The open endpoints stay open, as in Mesos.
    assertThat(http.get("/health", null).status()).isEqualTo(200);
    assertThat(http.get("/version", null).status()).isEqualTo(200);
    // get_endpoints: only ops may read the metrics.
    assertThat(http.get("/metrics/snapshot", OPS).status()).isEqualTo(200);
    Reply forbidden = http.get("/metrics/snapshot", MALLORY);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.body()).isEqualTo("Not authorized to get endpoint with path '/metrics/snapshot'");
    // Prometheus's /metrics beside it: the same realm and the same ACL (by its own path, as Mesos's ACLs go).
    Reply prometheus = http.get("/metrics", OPS);
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.body()).contains("mesos_master_elected ");
    assertThat(http.get("/metrics", MALLORY).status()).isEqualTo(403);
    // /logging/toggle answers the verbosity to a read-write principal.
    assertThat(http.get("/logging/toggle", OPS).status()).isEqualTo(200);
  }

  @Test
  void aSubscribeWithAnotherPrincipalsFrameworkIdIsRefusedAndTheVictimKeepsItsFramework() throws Exception {
    Victim victim = alice();

    // Mallory, authenticated as herself, names alice's framework and her own principal: refused as Mesos refuses it.
    Stream hijack = http.subscribe("/api/v1/scheduler", MALLORY, subscribe("mallory", victim.id()));
    JsonObject error = hijack.next();
    assertThat(error.getString("type")).isEqualTo("ERROR");
    assertThat(error.getJsonObject("error").getString("message")).isEqualTo("Changing framework's principal is not allowed.");
    assertThat(hijack.events().poll(10, TimeUnit.SECONDS)).as("the stream ends after the ERROR")
        .isEqualTo(HttpTestClient.END);
    // Naming no principal gets her authenticated one, with the same result.
    assertThat(http.subscribe("/api/v1/scheduler", MALLORY, subscribe(null, victim.id())).next().getString("type"))
        .isEqualTo("ERROR");
    // Claiming alice's principal is a 400: the authenticated principal must be FrameworkInfo's.
    Stream claimed = http.subscribe("/api/v1/scheduler", MALLORY, subscribe("alice", victim.id()));
    assertThat(claimed.status()).isEqualTo(400);
    assertThat(claimed.body()).isEqualTo("Authenticated principal 'mallory' does not match principal 'alice' set in"
        + " `FrameworkInfo`");
    // Without alice's secret: 401.
    assertThat(http.subscribe("/api/v1/scheduler", HttpTestClient.basic("alice", "guess"),
        subscribe("alice", victim.id())).status()).isEqualTo(401);
    // Calls on alice's framework with her stream id (say, a sniffed one): 400, nothing done.
    Reply teardown = http.post("/api/v1/scheduler", MALLORY, call(victim.id(), "TEARDOWN", null),
        victim.stream().streamId());
    assertThat(teardown.status()).isEqualTo(400);
    assertThat(teardown.body()).contains("Authenticated principal 'mallory' does not match principal 'alice'");

    assertStillServed(victim);
    JsonArray frameworks = http.post("/api/v1", OPS, "{\"type\":\"GET_FRAMEWORKS\"}", null).json()
        .getJsonObject("get_frameworks").getJsonArray("frameworks");
    assertThat(frameworks).hasSize(1);
    assertThat(frameworks.getJsonObject(0).getJsonObject("framework_info").getString("principal")).isEqualTo("alice");
  }

  @Test
  void aRoleTheRegisterFrameworksAclRefusesIsRefusedOnSubscribeAndOnUpdate() throws Exception {
    JsonObject subscribeAdmin = new JsonObject(subscribe("alice", null));
    subscribeAdmin.getJsonObject("subscribe").getJsonObject("framework_info").put("role", "admin");
    Stream refused = http.subscribe("/api/v1/scheduler", ALICE, subscribeAdmin.encode());
    JsonObject error = refused.next();
    assertThat(error.getString("type")).isEqualTo("ERROR");
    assertThat(error.getJsonObject("error").getString("message"))
        .isEqualTo("Not authorized to register framework with role 'admin'");

    Victim victim = alice();
    JsonObject info = new JsonObject().put("user", "nobody").put("name", "framework-of-alice").put("principal", "alice")
        .put("id", new JsonObject().put("value", victim.id())).put("role", "admin");
    Reply update = http.post("/api/v1/scheduler", ALICE, call(victim.id(), "UPDATE_FRAMEWORK",
        new JsonObject().put("framework_info", info)), victim.stream().streamId());
    assertThat(update.status()).isEqualTo(403);
    assertThat(update.body()).isEqualTo("Not authorized to register framework with role 'admin'");
    JsonObject stillStar = http.post("/api/v1", OPS, "{\"type\":\"GET_FRAMEWORKS\"}", null).json()
        .getJsonObject("get_frameworks").getJsonArray("frameworks").getJsonObject(0).getJsonObject("framework_info");
    assertThat(stillStar.getString("role", "*")).isEqualTo("*");
  }

  @Test
  void anOperatorTeardownOfAnotherPrincipalsFrameworkIsRefusedByTheTeardownAcl() throws Exception {
    Victim victim = alice();
    String teardown = new JsonObject().put("type", "TEARDOWN").put("teardown", new JsonObject()
        .put("framework_id", new JsonObject().put("value", victim.id()))).encode();

    Reply refused = http.post("/api/v1", MALLORY, teardown, null);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("Not authorized to teardown framework of principal 'alice'");
    assertThat(http.post("/api/v1", null, teardown, null).status()).isEqualTo(401);
    assertStillServed(victim);

    // Weights need update_weights: mallory may not, ops may.
    String weights = "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"web\",\"weight\":2.0}]}}";
    Reply weight = http.post("/api/v1", MALLORY, weights, null);
    assertThat(weight.status()).isEqualTo(403);
    assertThat(weight.body()).isEqualTo("Not authorized to update weight of role 'web'");
    assertThat(http.post("/api/v1", OPS, "{\"type\":\"GET_WEIGHTS\"}", null).body()).doesNotContain("web");
    assertThat(http.post("/api/v1", OPS, weights, null).status()).isEqualTo(200);

    // The ACL lets ops tear it down: the victim's stream ends.
    assertThat(http.post("/api/v1", OPS, teardown, null).status()).isEqualTo(200);
    assertThat(victim.stream().nextOfType(HttpTestClient.END.getString("type"))).isEqualTo(HttpTestClient.END);
    assertThat(http.post("/api/v1", OPS, "{\"type\":\"GET_FRAMEWORKS\"}", null).json()
        .getJsonObject("get_frameworks").getJsonArray("frameworks", new JsonArray())).isEmpty();
  }

  @Test
  void aLaunchAsAUserTheRunTasksAclRefusesIsATaskErrorUnauthorized() throws Exception {
    Victim victim = alice();
    JsonObject offer = victim.stream().nextOfType("OFFERS").getJsonObject("offers").getJsonArray("offers")
        .getJsonObject(0);
    JsonObject cpus = new JsonObject().put("name", "cpus").put("type", "SCALAR")
        .put("scalar", new JsonObject().put("value", 0.1));
    JsonArray tasks = new JsonArray();
    for (String user : List.of("root", "nobody")) {
      tasks.add(new JsonObject().put("name", "as-" + user).put("task_id", new JsonObject().put("value", "as-" + user))
          .put("agent_id", new JsonObject().put("value", agentId)).put("resources", new JsonArray().add(cpus))
          .put("command", new JsonObject().put("value", "id -u").put("user", user)));
    }
    JsonObject accept = new JsonObject()
        .put("offer_ids", new JsonArray().add(offer.getJsonObject("id")))
        .put("operations", new JsonArray().add(new JsonObject().put("type", "LAUNCH")
            .put("launch", new JsonObject().put("task_infos", tasks))));
    assertThat(http.post("/api/v1/scheduler", ALICE, call(victim.id(), "ACCEPT", accept), victim.stream().streamId())
        .status()).isEqualTo(202);

    JsonObject status = victim.stream().nextOfType("UPDATE").getJsonObject("update").getJsonObject("status");
    assertThat(status.getJsonObject("task_id").getString("value")).isEqualTo("as-root");
    assertThat(status.getString("state")).isEqualTo("TASK_ERROR");
    assertThat(status.getString("reason")).isEqualTo("REASON_TASK_UNAUTHORIZED");
    assertThat(status.getString("message")).isEqualTo("Not authorized to run tasks as user 'root'");
    assertThat(status.getString("source")).isEqualTo("SOURCE_MASTER");
    // The task as nobody went on to the agent: the master tracks it, the refused one it does not.
    JsonArray tracked = http.post("/api/v1", OPS, "{\"type\":\"GET_TASKS\"}", null).json()
        .getJsonObject("get_tasks").getJsonArray("tasks");
    assertThat(tracked.stream().map(t -> ((JsonObject) t).getJsonObject("task_id").getString("value")))
        .containsExactly("as-nobody");
  }

  @Test
  void whatAPrincipalMayNotViewIsLeftOutOfStateGetCallsAndEvents() throws Exception {
    Stream opsEvents = http.subscribe("/api/v1", OPS, "{\"type\":\"SUBSCRIBE\"}");
    Stream malloryEvents = http.subscribe("/api/v1", MALLORY, "{\"type\":\"SUBSCRIBE\"}");
    assertThat(opsEvents.next().getString("type")).isEqualTo("SUBSCRIBED");
    assertThat(malloryEvents.next().getString("type")).isEqualTo("SUBSCRIBED");

    Victim victim = alice();
    assertThat(opsEvents.nextOfType("FRAMEWORK_ADDED").getJsonObject("framework_added").getJsonObject("framework")
        .getJsonObject("framework_info").getString("principal")).isEqualTo("alice");
    // Mallory's stream: the next event she gets is the agent added after alice's framework, not the framework.
    registerAgent("agent-2");
    assertThat(opsEvents.nextOfType("AGENT_ADDED")).isNotNull();
    assertThat(malloryEvents.next().getString("type")).isEqualTo("AGENT_ADDED");

    assertThat(http.get("/state", OPS).json().getJsonArray("frameworks")).hasSize(1);
    assertThat(http.get("/master/state", MALLORY).json().getJsonArray("frameworks")).isEmpty();
    assertThat(http.get("/state", MALLORY).json().getJsonArray("slaves")).hasSize(2);
    for (String type : List.of("GET_STATE", "GET_FRAMEWORKS")) {
      String ops = http.post("/api/v1", OPS, "{\"type\":\"" + type + "\"}", null).body();
      String mallory = http.post("/api/v1", MALLORY, "{\"type\":\"" + type + "\"}", null).body();
      assertThat(ops).as(type).contains(victim.id());
      assertThat(mallory).as(type).doesNotContain(victim.id());
    }
    // A reconnecting operator's snapshot is filtered too.
    Stream again = http.subscribe("/api/v1", MALLORY, "{\"type\":\"SUBSCRIBE\"}");
    assertThat(again.next().encode()).contains("\"SUBSCRIBED\"").doesNotContain(victim.id());
  }
}
