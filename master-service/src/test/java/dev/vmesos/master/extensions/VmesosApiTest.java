package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.master.extensions.ExtCluster.Fw;
import dev.vmesos.master.extensions.ExtCluster.Records;
import dev.vmesos.master.extensions.ExtCluster.Reply;
import dev.vmesos.master.ha.LeaderElection;
import dev.vmesos.master.security.MasterSecurity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension endpoint itself: bad calls, the operator API's realm and view filtering, leadership. */
class VmesosApiTest {

  @TempDir
  Path dir;

  private ExtCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void badCallsAre400WithAReasonAndChangeNothing() throws Exception {
    cluster = ExtCluster.start("--share_history_interval=1hrs");
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("", "Expecting a JSON body");
    cases.put("{\"type\":", "Failed to parse the body as JSON");
    cases.put("[\"GET_SHARES\"]", "Expecting a JSON object");
    cases.put("{}", "Expecting 'type' to be a string, one of [GET_SHARES, GET_PENDING, GET_FRAGMENTATION, SUBSCRIBE]");
    cases.put("{\"type\":3}", "Expecting 'type' to be a string");
    cases.put("{\"type\":\"GET_STATE\"}", "Unknown call type 'GET_STATE': expecting one of");
    cases.put("{\"type\":\"get_shares\"}", "Unknown call type 'get_shares'");
    cases.put("{\"type\":\"GET_SHARES\",\"since\":5}", "Unexpected field 'since' in a GET_SHARES call");
    cases.put("{\"type\":\"GET_SHARES\",\"get_shares\":{\"x\":1}}", "Unexpected field 'get_shares'");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Reply reply = cluster.vmesosRaw(c.getKey());
      assertThat(reply.status()).as("body %s", c.getKey()).isEqualTo(400);
      assertThat(reply.text()).as("body %s", c.getKey()).startsWith(c.getValue());
    }
    // The call's own empty object is allowed, as in the operator API.
    assertThat(cluster.vmesosRaw("{\"type\":\"GET_SHARES\",\"get_shares\":{}}").status()).isEqualTo(200);

    Reply get = cluster.request(HttpMethod.GET, VmesosApi.PATH, Map.of(), null);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isEqualTo("POST");
    Reply noType = cluster.request(HttpMethod.POST, VmesosApi.PATH, Map.of(), Buffer.buffer("{\"type\":\"GET_SHARES\"}"));
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.text()).isEqualTo("Expecting 'Content-Type' to be present");
    Reply protobuf = cluster.request(HttpMethod.POST, VmesosApi.PATH, Map.of("Content-Type", "application/x-protobuf"),
        Buffer.buffer("{\"type\":\"GET_SHARES\"}"));
    assertThat(protobuf.status()).isEqualTo(415);
    Reply accept = cluster.request(HttpMethod.POST, "/master" + VmesosApi.PATH,
        Map.of("Content-Type", ExtCluster.JSON, "Accept", "application/x-protobuf"),
        Buffer.buffer("{\"type\":\"GET_SHARES\"}"));
    assertThat(accept.status()).isEqualTo(406);
    // Under /master too.
    Reply prefixed = cluster.request(HttpMethod.POST, "/master" + VmesosApi.PATH,
        Map.of("Content-Type", ExtCluster.JSON), Buffer.buffer("{\"type\":\"GET_FRAGMENTATION\"}"));
    assertThat(prefixed.status()).isEqualTo(200);
    // Nothing was changed: the one sample taken at the start is all the (hourly) history holds.
    assertThat(cluster.vmesos("GET_SHARES").getJsonArray("samples")).hasSize(1);
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes());
  }

  @Test
  void theOperatorApisRealmAndViewFrameworksFiltering() throws Exception {
    Path credentials = dir.resolve("credentials");
    Files.writeString(credentials, "ops ops-secret\nviewer viewer-secret\n");
    String acls = """
        {"view_frameworks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                             {"principals": {"values": ["viewer"]}, "users": {"values": ["bob"]}},
                             {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}]}""";
    MasterSecurity security = MasterSecurity.fromFlags(Flags.parse(new String[] {"--authenticate_http_readwrite",
        "--acls=" + acls}, Map.of()), Optional.of(Credentials.readList("credentials", credentials.toString())));
    cluster = ExtCluster.start(security, null, "--share_history_interval=50ms");
    cluster.addAgent("cpus:4;mem:4096");
    Fw alice = cluster.subscribe("of-alice", "a", "alice");
    Fw bob = cluster.subscribe("of-bob", "b", "bob");

    Reply anonymous = cluster.vmesosRaw("{\"type\":\"GET_SHARES\"}");
    Reply operatorAnonymous = cluster.request(HttpMethod.POST, "/api/v1", Map.of("Content-Type", ExtCluster.JSON),
        Buffer.buffer("{\"type\":\"GET_HEALTH\"}"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(operatorAnonymous.status()).isEqualTo(401);
    assertThat(anonymous.headers().get("WWW-Authenticate")).isEqualTo(operatorAnonymous.headers().get("WWW-Authenticate"));
    Reply wrong = cluster.request(HttpMethod.POST, VmesosApi.PATH, Map.of("Content-Type", ExtCluster.JSON,
        "Authorization", basic("ops", "nope")), Buffer.buffer("{\"type\":\"GET_SHARES\"}"));
    assertThat(wrong.status()).isEqualTo(401);

    // ops sees both frameworks, viewer only bob's, in every call and in the stream.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      JsonObject shares = call("ops", "GET_SHARES");
      JsonObject lastSample = last(shares);
      if (lastSample != null && ids(lastSample.getJsonArray("frameworks"), "framework_id").size() == 2) {
        break;
      }
      assertThat(System.nanoTime()).as("both frameworks sampled").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(ids(last(call("viewer", "GET_SHARES")).getJsonArray("frameworks"), "framework_id"))
        .containsExactly(bob.id);
    assertThat(ids(call("ops", "GET_PENDING").getJsonArray("frameworks"), "framework_id"))
        .containsExactlyInAnyOrder(alice.id, bob.id);
    assertThat(ids(call("viewer", "GET_PENDING").getJsonArray("frameworks"), "framework_id")).containsExactly(bob.id);

    Records stream = cluster.stream(VmesosApi.PATH, Map.of("Content-Type", ExtCluster.JSON,
        "Authorization", basic("viewer", "viewer-secret")), "{\"type\":\"SUBSCRIBE\"}");
    JsonObject subscribed = stream.next();
    for (Object sample : subscribed.getJsonObject("subscribed").getJsonObject("get_shares").getJsonArray("samples")) {
      assertThat(ids(((JsonObject) sample).getJsonArray("frameworks"), "framework_id")).doesNotContain(alice.id);
    }
    JsonObject event = stream.nextOfType("SHARES");
    assertThat(ids(event.getJsonObject("shares").getJsonArray("frameworks"), "framework_id"))
        .containsExactly(bob.id);
  }

  private JsonObject call(String principal, String type) throws Exception {
    Reply reply = cluster.request(HttpMethod.POST, VmesosApi.PATH, Map.of("Content-Type", ExtCluster.JSON,
        "Authorization", basic(principal, principal + "-secret")), Buffer.buffer("{\"type\":\"" + type + "\"}"));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json().getJsonObject(type.toLowerCase());
  }

  private static JsonObject last(JsonObject shares) {
    var samples = shares.getJsonArray("samples");
    return samples.isEmpty() ? null : samples.getJsonObject(samples.size() - 1);
  }

  private static List<String> ids(io.vertx.core.json.JsonArray array, String field) {
    List<String> ids = new ArrayList<>();
    array.forEach(o -> ids.add(((JsonObject) o).getString(field)));
    return ids;
  }

  /** An election the test drives: elected and deposed when it says. */
  private static final class DrivenElection implements LeaderElection {
    volatile Listener listener;
    volatile boolean leading;

    @Override
    public void start(Listener l) {
      listener = l;
    }

    @Override
    public boolean leaseValid() {
      return leading;
    }

    @Override
    public long fence() {
      return leading ? 1 : 0;
    }

    @Override
    public boolean quorumReachable() {
      return true;
    }

    @Override
    public void announce(MasterInfo info) {
    }

    @Override
    public Optional<MasterInfo> leader() {
      return Optional.empty();
    }

    @Override
    public void resign() {
      leading = false;
    }

    @Override
    public void stop() {
      leading = false;
    }
  }

  @Test
  void only503UntilItLeadsAndStreamsEndWhenItStops() throws Exception {
    DrivenElection election = new DrivenElection();
    cluster = ExtCluster.start(MasterSecurity.none(), election, "--share_history_interval=50ms");
    Reply standby = cluster.vmesosRaw("{\"type\":\"GET_SHARES\"}");
    assertThat(standby.status()).isEqualTo(503);
    assertThat(standby.text()).contains("does not lead");
    // Bad input on a standby: still 503 first, as the operator API answers a master that does not lead.
    assertThat(cluster.vmesosRaw("nonsense").status()).isEqualTo(503);

    election.leading = true;
    election.listener.elected(1);
    cluster.verticle.firstLeadership().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    JsonObject shares = cluster.vmesosUntil("GET_SHARES", s -> s.getJsonArray("samples").size() >= 2);
    assertThat(shares.getInteger("capacity")).isEqualTo(600);
    Records stream = cluster.subscribeShares();
    assertThat(stream.next().getString("type")).isEqualTo("SUBSCRIBED");

    java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
    cluster.clientContext.runOnContext(v -> stream.response().endHandler(x -> ended.complete(null)));
    election.leading = false;
    election.listener.deposed("test");
    ended.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cluster.vmesosRaw("{\"type\":\"GET_SHARES\"}").status() != 503) {
      assertThat(System.nanoTime()).as("503 once deposed").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
