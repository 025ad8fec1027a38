package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.master.extensions.ExtCluster.Fw;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET_PENDING over real HTTP: each reason appears from its real cause. */
class PendingTest {

  private ExtCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonObject entry(JsonObject pending, String frameworkId) {
    for (Object o : pending.getJsonArray("frameworks")) {
      JsonObject f = (JsonObject) o;
      if (f.getString("framework_id").equals(frameworkId)) {
        return f;
      }
    }
    return null;
  }

  private static List<String> kinds(JsonObject entry) {
    List<String> kinds = new ArrayList<>();
    if (entry != null) {
      for (Object o : entry.getJsonArray("reasons")) {
        kinds.add(((JsonObject) o).getString("kind"));
      }
    }
    return kinds;
  }

  private static String message(JsonObject entry, String kind) {
    for (Object o : entry.getJsonArray("reasons")) {
      if (kind.equals(((JsonObject) o).getString("kind"))) {
        return ((JsonObject) o).getString("message");
      }
    }
    return null;
  }

  /** Polls GET_PENDING until the framework has a reason of {@code kind}; answers its offers with {@code answer}. */
  private JsonObject until(Fw fw, String kind, OfferAnswer answer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject pending;
    do {
      if (answer != null) {
        for (JsonObject offer : fw.offersSoFar()) {
          answer.answer(offer);
        }
      }
      pending = cluster.vmesos("GET_PENDING");
      JsonObject entry = entry(pending, fw.id);
      if (kinds(entry).contains(kind)) {
        return entry;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no " + kind + " for framework " + fw.id + " within 20 s; last: " + pending.encode());
  }

  interface OfferAnswer {
    void answer(JsonObject offer) throws Exception;
  }

  @Test
  void declineFiltersAndTheTimeSinceTheLastUsedOffer() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms");
    cluster.addAgent("cpus:4;mem:4096");
    Fw fw = cluster.subscribe("decliner", "a");
    JsonObject first = fw.nextOffers().get(0);
    JsonObject before = entry(cluster.vmesos("GET_PENDING"), fw.id);
    assertThat(before.getString("name")).isEqualTo("decliner");
    assertThat(before.getString("role")).isEqualTo("a");
    assertThat(before.getBoolean("suppressed")).isFalse();
    assertThat(before.containsKey("seconds_since_last_used_offer")).as("never used an offer").isFalse();
    assertThat(kinds(before)).doesNotContain("DECLINE_FILTERS");

    fw.launch(first, 1, 1, 256, 0);
    JsonObject entry = until(fw, "DECLINE_FILTERS", offer -> fw.decline(offer, 60));
    assertThat(message(entry, "DECLINE_FILTERS")).startsWith("declined 1 agent's resources, filters expire in");
    assertThat(entry.getDouble("seconds_since_last_used_offer")).isBetween(0.0, 20.0);
  }

  @Test
  void suppressionAndRevive() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms");
    cluster.addAgent("cpus:4;mem:4096");
    Fw fw = cluster.subscribe("quiet", "a");
    fw.call(new JsonObject().put("type", "SUPPRESS"));
    JsonObject entry = until(fw, "SUPPRESSED", null);
    assertThat(entry.getBoolean("suppressed")).isTrue();
    assertThat(message(entry, "SUPPRESSED")).contains("[a]");

    fw.call(new JsonObject().put("type", "REVIVE"));
    JsonObject revived = entry(cluster.vmesos("GET_PENDING"), fw.id);
    assertThat(revived.getBoolean("suppressed")).isFalse();
    assertThat(kinds(revived)).doesNotContain("SUPPRESSED");
  }

  @Test
  void quotaLimit() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms", "--quota={\"a\":{\"limits\":\"cpus:2\"}}");
    cluster.addAgent("cpus:4;mem:4096");
    Fw fw = cluster.subscribe("capped", "a");
    JsonObject offer = fw.nextOffers().get(0);
    assertThat(ExtCluster.scalarOf(offer, "cpus")).as("offers stop at the limit").isEqualTo(2.0);
    fw.launch(offer, 2, 1, 256, 0);
    JsonObject entry = until(fw, "QUOTA_LIMIT", o -> fw.decline(o, 0));
    assertThat(message(entry, "QUOTA_LIMIT")).isEqualTo("role a is at its quota limit: cpus 2 of 2");
  }

  @Test
  void otherRolesGuarantees() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms", "--quota={\"g\":{\"guarantees\":\"cpus:3\"}}");
    cluster.addAgent("cpus:4;mem:4096");
    Fw fw = cluster.subscribe("outside", "a");
    JsonObject offer = fw.nextOffers().get(0);
    assertThat(ExtCluster.scalarOf(offer, "cpus")).as("3 cpus kept for g").isEqualTo(1.0);
    JsonObject entry = until(fw, "OTHER_ROLES_GUARANTEES", null);
    assertThat(message(entry, "OTHER_ROLES_GUARANTEES"))
        .isEqualTo("for role a, unreserved cpus 3 of the 3 free are kept for the unmet guarantees of roles [g]");
  }

  @Test
  void noAgentBigEnoughForItsLastTask() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms");
    cluster.addAgent("cpus:1.5;mem:1024");
    Fw fw = cluster.subscribe("big", "a");
    fw.launch(fw.nextOffers().get(0), 1, 1, 256, 0);
    JsonObject entry = until(fw, "NO_AGENT_BIG_ENOUGH", o -> fw.decline(o, 0));
    assertThat(message(entry, "NO_AGENT_BIG_ENOUGH"))
        .startsWith("no agent has its last task's shape free (cpus 1, mem 256)");
  }

  @Test
  void noAgentBigEnoughForWhatItDeclined() throws Exception {
    // A slow allocation interval: the declined agent stays free until the next round.
    cluster = ExtCluster.start("--allocation_interval=500ms");
    cluster.addAgent("cpus:1;mem:512");
    Fw fw = cluster.subscribe("picky", "a");
    JsonObject entry = until(fw, "NO_AGENT_BIG_ENOUGH", o -> fw.decline(o, 0));
    assertThat(message(entry, "NO_AGENT_BIG_ENOUGH"))
        .isEqualTo("no agent has more free than it last declined (cpus 1, mem 512); the most free on any agent:"
            + " cpus 1, mem 512");
    // A bigger agent joins: the reason goes.
    cluster.addAgent("cpus:8;mem:8192");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (kinds(entry(cluster.vmesos("GET_PENDING"), fw.id)).contains("NO_AGENT_BIG_ENOUGH")) {
      assertThat(System.nanoTime()).as("the reason goes once a bigger agent is free").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void offersOutstandingElsewhere() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms");
    cluster.addAgent("cpus:2;mem:2048");
    Fw x = cluster.subscribe("x", "a");
    Fw y = cluster.subscribe("y", "b");
    // Whoever gets the one agent's offer holds it unanswered; the other waits for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Fw holder = null;
    while (holder == null) {
      assertThat(System.nanoTime()).as("an offer within 20 s").isLessThan(deadline);
      holder = !x.offersSoFar().isEmpty() ? x : !y.offersSoFar().isEmpty() ? y : null;
      Thread.sleep(20);
    }
    Fw waiting = holder == x ? y : x;
    JsonObject pending = cluster.vmesos("GET_PENDING");
    System.out.println("GET_PENDING with one offer outstanding: " + pending.encode());
    assertThat(message(entry(pending, waiting.id), "OFFERS_OUTSTANDING"))
        .isEqualTo("1 offer to 1 other framework hold cpus 2, mem 2048 until they are answered");
    JsonObject held = entry(pending, holder.id);
    assertThat(kinds(held)).containsExactly("NONE");
    assertThat(message(held, "NONE")).isEqualTo("nothing is held back; it holds 1 offer of cpus 2, mem 2048");
    JsonArray frameworks = pending.getJsonArray("frameworks");
    assertThat(frameworks).hasSize(2);
  }
}
