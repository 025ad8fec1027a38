package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.master.extensions.ExtCluster.Fw;
import dev.vmesos.master.extensions.ExtCluster.Records;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dominant-share history over real HTTP (GET_SHARES, SUBSCRIBE): samples follow a real DRF
 * allocation of two frameworks with different task shapes, and the ring keeps only its capacity.
 */
class SharesTest {

  private static final int AGENTS = 3;
  private static final double AGENT_CPUS = 4;
  private static final double AGENT_MEM = 4096;

  private ExtCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** One framework's plan: {@code tasks} tasks of one shape; once launched, every offer is declined for an hour. */
  private static final class Plan {
    final Fw fw;
    int remaining;
    final double cpus;
    final double mem;

    Plan(Fw fw, int tasks, double cpus, double mem) {
      this.fw = fw;
      this.remaining = tasks;
      this.cpus = cpus;
      this.mem = mem;
    }

    /** Answers the offers received so far. */
    void answer() throws Exception {
      for (JsonObject offer : fw.offersSoFar()) {
        int fits = (int) Math.min(Math.floor(ExtCluster.scalarOf(offer, "cpus") / cpus + 1e-9),
            Math.floor(ExtCluster.scalarOf(offer, "mem") / mem + 1e-9));
        int launch = Math.min(remaining, fits);
        if (launch > 0) {
          fw.launch(offer, launch, cpus, mem, 0);
          remaining -= launch;
        } else {
          fw.decline(offer, remaining > 0 ? 0 : 3600);
        }
      }
    }

    /** The dominant share its tasks hold, from the cluster's resources. */
    double expectedShare(int tasks) {
      return Math.max(tasks * cpus / (AGENTS * AGENT_CPUS), tasks * mem / (AGENTS * AGENT_MEM));
    }
  }

  private static JsonObject framework(JsonObject sample, String frameworkId) {
    for (Object o : sample.getJsonArray("frameworks")) {
      JsonObject f = (JsonObject) o;
      if (f.getString("framework_id").equals(frameworkId)) {
        return f;
      }
    }
    return null;
  }

  private static JsonObject role(JsonObject sample, String role) {
    for (Object o : sample.getJsonArray("roles")) {
      JsonObject r = (JsonObject) o;
      if (r.getString("role").equals(role)) {
        return r;
      }
    }
    return null;
  }

  private static JsonObject last(JsonObject shares) {
    JsonArray samples = shares.getJsonArray("samples");
    return samples.isEmpty() ? null : samples.getJsonObject(samples.size() - 1);
  }

  private static boolean near(JsonObject entry, double share) {
    return entry != null && Math.abs(entry.getDouble("share") - share) < 1e-9;
  }

  @Test
  void samplesTrackTheDrfAllocationOfTwoFrameworksWithDifferentShapes() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms", "--share_history_interval=50ms", "--weights=b=2");
    for (int i = 0; i < AGENTS; i++) {
      cluster.addAgent("cpus:" + AGENT_CPUS + ";mem:" + AGENT_MEM);
    }
    // A: CPU-heavy tasks; B: memory-heavy tasks. Their dominant resources differ.
    Plan a = new Plan(cluster.subscribe("drf-a", "a"), 2, 2, 512);
    Plan b = new Plan(cluster.subscribe("drf-b", "b"), 3, 0.5, 2048);
    double shareA = a.expectedShare(2);
    double shareB = b.expectedShare(3);
    assertThat(shareA).isEqualTo(4.0 / 12);   // cpus dominate A
    assertThat(shareB).isEqualTo(6144.0 / 12288);  // mem dominates B

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject shares;
    while (true) {
      a.answer();
      b.answer();
      shares = cluster.vmesos("GET_SHARES");
      JsonObject sample = last(shares);
      if (sample != null && a.remaining == 0 && b.remaining == 0 && near(framework(sample, a.fw.id), shareA)
          && near(framework(sample, b.fw.id), shareB)) {
        break;
      }
      assertThat(System.nanoTime()).as("shares reach the DRF values within 20 s; last: %s", shares.encode())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(shares.getDouble("interval_seconds")).isEqualTo(0.05);
    assertThat(shares.getInteger("capacity")).isEqualTo(600);
    JsonObject sample = last(shares);
    System.out.println("the last share sample of a DRF allocation: " + sample.encode());
    assertThat(framework(sample, a.fw.id).getString("name")).isEqualTo("drf-a");
    assertThat(framework(sample, a.fw.id).getString("role")).isEqualTo("a");
    assertThat(framework(sample, b.fw.id).getString("role")).isEqualTo("b");
    // A role's share is the weighted one the role sorter orders by: B's role weighs 2.
    assertThat(role(sample, "a").getDouble("weight")).isEqualTo(1.0);
    assertThat(role(sample, "a").getDouble("share")).isCloseTo(shareA, within(1e-9));
    assertThat(role(sample, "b").getDouble("weight")).isEqualTo(2.0);
    assertThat(role(sample, "b").getDouble("share")).isCloseTo(shareB / 2, within(1e-9));

    // Oldest first, one sample per interval; the history saw the shares grow from nothing.
    JsonArray samples = shares.getJsonArray("samples");
    double previous = 0;
    boolean sawLess = false;
    for (Object o : samples) {
      JsonObject s = (JsonObject) o;
      assertThat(s.getDouble("time")).isGreaterThanOrEqualTo(previous);
      previous = s.getDouble("time");
      JsonObject fa = framework(s, a.fw.id);
      sawLess |= fa == null || fa.getDouble("share") < shareA - 1e-9;
    }
    assertThat(sawLess).as("an earlier sample from before A's tasks launched").isTrue();
    assertThat(previous).isCloseTo(System.currentTimeMillis() / 1000.0, within(5.0));
  }

  @Test
  void theDrfPapersExampleConvergesInTheSamples() throws Exception {
    // Ghodsi et al.'s example: <9 CPUs, 18 GB>; A's tasks need <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>. Each
    // framework launches one task per offer (the rest goes back at once), so the allocator's DRF order
    // decides who grows: A ends with 3 tasks, B with 2, both at a dominant share of 2/3.
    cluster = ExtCluster.start("--allocation_interval=20ms", "--share_history_interval=20ms");
    double cpus = 9;
    double mem = 18 * 1024;
    cluster.addAgent("cpus:" + cpus + ";mem:" + mem);
    Fw a = cluster.subscribe("paper-a", "a");
    Fw b = cluster.subscribe("paper-b", "b");
    double[][] shapes = {{1, 4 * 1024}, {3, 1024}};
    Fw[] fws = {a, b};
    int[] launched = new int[2];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject sample;
    while (true) {
      for (int i = 0; i < 2; i++) {
        for (JsonObject offer : fws[i].offersSoFar()) {
          if (ExtCluster.scalarOf(offer, "cpus") >= shapes[i][0] && ExtCluster.scalarOf(offer, "mem") >= shapes[i][1]) {
            fws[i].launch(offer, 1, shapes[i][0], shapes[i][1], 0);
            launched[i]++;
          } else {
            fws[i].decline(offer, 3600);
          }
        }
      }
      sample = last(cluster.vmesos("GET_SHARES"));
      double shareA = Math.max(launched[0] * shapes[0][0] / cpus, launched[0] * shapes[0][1] / mem);
      double shareB = Math.max(launched[1] * shapes[1][0] / cpus, launched[1] * shapes[1][1] / mem);
      if (launched[0] + launched[1] == 5 && near(framework(sample, a.id), shareA)
          && near(framework(sample, b.id), shareB)) {
        break;
      }
      assertThat(System.nanoTime()).as("the allocation settles within 20 s; launched %s", java.util.Arrays.toString(launched))
          .isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(launched).containsExactly(3, 2);
    assertThat(framework(sample, a.id).getDouble("share")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(framework(sample, b.id).getDouble("share")).isCloseTo(2.0 / 3, within(1e-9));
  }

  @Test
  void theHistoryKeepsOnlyItsCapacity() throws Exception {
    cluster = ExtCluster.start("--share_history_interval=20ms", "--share_history_capacity=5");
    JsonObject full = cluster.vmesosUntil("GET_SHARES", s -> s.getJsonArray("samples").size() == 5);
    double oldest = full.getJsonArray("samples").getJsonObject(0).getDouble("time");
    JsonObject later = cluster.vmesosUntil("GET_SHARES",
        s -> s.getJsonArray("samples").getJsonObject(0).getDouble("time") > oldest);
    assertThat(later.getJsonArray("samples")).hasSize(5);
    assertThat(later.getInteger("capacity")).isEqualTo(5);
    // Times go out as plain decimals to the millisecond (not 1.7650000005E9).
    assertThat(cluster.vmesosRaw("{\"type\":\"GET_SHARES\"}").text()).containsPattern("\"time\":1[0-9]{9}\\.[0-9]{3}[,}]")
        .doesNotContain("E9");
  }

  @Test
  void subscribeStreamsTheHistoryThenEachSampleAndHeartbeats() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms", "--share_history_interval=50ms",
        "--heartbeat_interval=300ms");
    cluster.addAgent("cpus:4;mem:4096");
    cluster.vmesosUntil("GET_SHARES", s -> !s.getJsonArray("samples").isEmpty());
    Records stream = cluster.subscribeShares();
    assertThat(stream.response().getHeader("Content-Type")).isEqualTo(ExtCluster.JSON);
    JsonObject subscribed = stream.next();
    assertThat(subscribed.getString("type")).isEqualTo("SUBSCRIBED");
    JsonObject history = subscribed.getJsonObject("subscribed").getJsonObject("get_shares");
    assertThat(history.getJsonArray("samples")).isNotEmpty();
    assertThat(history.getDouble("interval_seconds")).isEqualTo(0.05);

    // A framework launches one task of cpus:1;mem:1024 and declines the rest: its share shows up live.
    Fw fw = cluster.subscribe("live", "web");
    JsonObject offer = fw.nextOffers().get(0);
    fw.launch(offer, 1, 1, 1024, 3600);
    double expected = Math.max(1 / 4.0, 1024 / 4096.0);
    double lastTime = 0;
    boolean heartbeat = false;
    boolean seen = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(seen && heartbeat)) {
      assertThat(System.nanoTime()).as("the framework's share and a heartbeat within 20 s").isLessThan(deadline);
      JsonObject event = stream.next();
      if ("HEARTBEAT".equals(event.getString("type"))) {
        heartbeat = true;
        continue;
      }
      assertThat(event.getString("type")).isEqualTo("SHARES");
      JsonObject sample = event.getJsonObject("shares");
      assertThat(sample.getDouble("time")).isGreaterThanOrEqualTo(lastTime);
      lastTime = sample.getDouble("time");
      seen |= near(framework(sample, fw.id), expected);
    }
  }
}
