package dev.vmesos.master.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.master.extensions.ExtCluster.Fw;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET_FRAGMENTATION of a known layout: three agents, one framework whose tasks need cpus:1;mem:256.
 * What is left free on the big agent is usable; the agent short of cpus and the one short of memory
 * are stranded.
 */
class FragmentationTest {

  private ExtCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonObject agent(JsonObject fragmentation, String agentId) {
    for (Object o : fragmentation.getJsonArray("agents")) {
      if (((JsonObject) o).getString("agent_id").equals(agentId)) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no agent " + agentId + " in " + fragmentation.encode());
  }

  @Test
  void freeResourcesNoFrameworkCouldUseOfAKnownLayout() throws Exception {
    cluster = ExtCluster.start("--allocation_interval=50ms");
    // Before any framework subscribes, nobody could use anything: all free is unusable.
    String big = cluster.addAgent("cpus:4;mem:4096");
    JsonObject idle = cluster.vmesos("GET_FRAGMENTATION");
    assertThat(idle.getJsonObject("total").getJsonObject("unusable").getDouble("cpus")).isEqualTo(4.0);

    String fewCpus = cluster.addAgent("cpus:0.5;mem:2048");
    String littleMem = cluster.addAgent("cpus:2;mem:128");
    Fw fw = cluster.subscribe("packer", "a");
    // A suppressed framework could use anything, but takes nothing: it does not count.
    Fw asleep = cluster.subscribe("asleep", "b");
    asleep.call(new JsonObject().put("type", "SUPPRESS"));

    // The framework runs one task of cpus:1;mem:256 on the big agent (refusing the rest of it for an
    // hour through the ACCEPT's filter) and declines the two small agents for an hour.
    double taskCpus = 1;
    double taskMem = 256;
    boolean launched = false;
    java.util.Set<String> answered = new java.util.HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (answered.size() < 3) {
      assertThat(System.nanoTime()).as("offers of all three agents within 20 s").isLessThan(deadline);
      for (JsonObject offer : fw.offersSoFar()) {
        String agentId = offer.getJsonObject("agent_id").getString("value");
        if (agentId.equals(big) && !launched) {
          fw.launch(offer, 1, taskCpus, taskMem, 3600);
          launched = true;
        } else {
          fw.decline(offer, 3600);
        }
        answered.add(agentId);
      }
      Thread.sleep(20);
    }
    for (JsonObject offer : asleep.offersSoFar()) {
      asleep.decline(offer, 3600);
    }

    Map<String, double[]> free = new HashMap<>();
    free.put(big, new double[] {4 - taskCpus, 4096 - taskMem});
    free.put(fewCpus, new double[] {0.5, 2048});
    free.put(littleMem, new double[] {2, 128});
    JsonObject fragmentation = cluster.vmesosUntil("GET_FRAGMENTATION", f -> {
      JsonObject total = f.getJsonObject("total").getJsonObject("free");
      return Math.abs(total.getDouble("cpus", 0.0) - (3 + 0.5 + 2)) < 1e-9
          && Math.abs(total.getDouble("mem", 0.0) - (3840 + 2048 + 128)) < 1e-9;
    });
    System.out.println("GET_FRAGMENTATION of the known layout: " + fragmentation.encode());
    assertThat(fragmentation.getJsonArray("agents")).hasSize(3);
    double unusableCpus = 0;
    double unusableMem = 0;
    for (Map.Entry<String, double[]> expected : free.entrySet()) {
      JsonObject agent = agent(fragmentation, expected.getKey());
      double[] f = expected.getValue();
      assertThat(agent.getJsonObject("free").getDouble("cpus")).isEqualTo(f[0]);
      assertThat(agent.getJsonObject("free").getDouble("mem")).isEqualTo(f[1]);
      // Stranded when it cannot hold one more task of the framework's shape.
      boolean stranded = f[0] < taskCpus || f[1] < taskMem;
      assertThat(agent.getJsonObject("unusable").getDouble("cpus")).as(expected.getKey()).isEqualTo(stranded ? f[0] : 0);
      assertThat(agent.getJsonObject("unusable").getDouble("mem")).isEqualTo(stranded ? f[1] : 0);
      unusableCpus += stranded ? f[0] : 0;
      unusableMem += stranded ? f[1] : 0;
    }
    assertThat(agent(fragmentation, big).getString("hostname")).isEqualTo("host0");
    JsonObject total = fragmentation.getJsonObject("total").getJsonObject("unusable");
    assertThat(total.getDouble("cpus")).isEqualTo(unusableCpus).isEqualTo(2.5);
    assertThat(total.getDouble("mem")).isEqualTo(unusableMem).isEqualTo(2176.0);
  }
}
