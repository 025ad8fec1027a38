package dev.vmesos.deploy.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.throttle.Target;
import dev.vmesos.examples.throttle.ThrottleConfig;
import dev.vmesos.examples.throttle.ThrottleFramework;
import dev.vmesos.examples.throttle.ThrottleSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three masters and two agents as processes, the throttle framework ({@code checkpoint: true},
 * process executors, its built-in sink) subscribed through all three masters; the leader is killed
 * with SIGKILL in the middle of the run. The framework finishes every query, never hears of a lost
 * task, and each acknowledged update reaches it once. Prints how long the failover took.
 *
 * <p>Agents are not members of the masters' cluster: each agent process listens on its HTTP port
 * and nothing else (no Hazelcast port), before the run and after the failover, read from its
 * listening sockets ({@link ListeningPorts}); a master, checked the same way, listens on its
 * Hazelcast port.
 */
class HaFailoverEndToEndTest extends ProcessClusterTest {

  private static final Set<TaskState> LOST = EnumSet.of(TaskState.TASK_LOST, TaskState.TASK_GONE,
      TaskState.TASK_UNREACHABLE, TaskState.TASK_DROPPED, TaskState.TASK_GONE_BY_OPERATOR);
  private static final int QUERIES = 4000;
  private static final int PER_TASK = 100;

  @Test
  void theThrottleFrameworkRunsThroughAKilledLeaderAndHearsEachUpdateOnce() throws Exception {
    cluster = new MasterProcesses(MasterProcesses.Layout.of(workDir, "vmesos-ha-e2e-" + UUID.randomUUID(), 3, 2,
        15050, 15701, 15151, "cpus:2;mem:2048;disk:1024;ports:[31000-31009]")).start();
    int leader = cluster.awaitLeader(Duration.ofSeconds(90));
    cluster.awaitAgentsRegistered(leader, 2, Duration.ofSeconds(60));
    assertMastersListenOnTheirClusterPorts();
    assertAgentsListenOnlyOnTheirHttpPorts("before the run");

    vertx = Vertx.vertx();
    List<MasterAddress> masters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      masters.add(new MasterAddress("127.0.0.1", cluster.masterPort(i)));
    }
    ThrottleConfig config = new ThrottleConfig(masters, QUERIES, PER_TASK, 4, new Target.Sink(),
        ExecutorLaunch.process(ExecutorLaunch.currentClasspath()), new TaskResources(0.2, 128), "throttle-ha")
        .withCheckpoint(true);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ConcurrentLinkedQueue<TaskStatus> delivered = new ConcurrentLinkedQueue<>();
    ThrottleFramework throttle = new ThrottleFramework(vertx, config, new PrintStream(output, true))
        .observeUpdates(delivered::add);
    Future<ThrottleSummary> run = throttle.run();

    // Mid-run: a third of the tasks have finished.
    MasterProcesses.await(Duration.ofSeconds(120), "a third of the tasks finish",
        () -> finished(delivered) >= QUERIES / PER_TASK / 3);
    // The leader, as its metrics say; under load its lease may be renewing at this very moment.
    int old = cluster.awaitLeader(Duration.ofSeconds(30));
    long killed = System.nanoTime();
    cluster.killMaster(old);
    int next = cluster.awaitSubscribeServed(Duration.ofSeconds(30));
    long serving = System.nanoTime();
    cluster.awaitAgentsRegistered(next, 2, Duration.ofSeconds(30));
    long reregistered = System.nanoTime();
    System.out.printf("[ha-e2e] killed leader %d (port %d) with %d task(s) finished; master %d answered SUBSCRIBE"
            + " with 200 after %d ms; both agents re-registered %d ms after that%n", old, cluster.masterPort(old),
        finished(delivered), next, (serving - killed) / 1_000_000, (reregistered - serving) / 1_000_000);

    ThrottleSummary summary = run.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
    String log = output.toString(StandardCharsets.UTF_8);
    System.out.print(log);

    assertThat(next).isNotEqualTo(old);
    assertThat(summary.succeeded()).as(log).isTrue();
    assertThat(summary.queries()).isEqualTo(QUERIES);
    assertThat(summary.tasks()).isEqualTo(QUERIES / PER_TASK);
    assertThat(summary.errors()).isZero();
    assertThat(throttle.sink().requests()).as("queries the sink received").isEqualTo(QUERIES);
    assertThat(log).contains("re-subscribed as framework");
    assertAgentsListenOnlyOnTheirHttpPorts("after the failover");

    List<TaskStatus> updates = List.copyOf(delivered);
    assertThat(updates).extracting(TaskStatus::getState).as("no task reported lost").doesNotContainAnyElementsOf(LOST);
    // Updates from agents carry a uuid and are acknowledged; answers to reconciliation carry none.
    List<String> acknowledged = updates.stream().filter(s -> !s.getUuid().isEmpty())
        .map(s -> s.getTaskId().getValue() + "/" + java.util.HexFormat.of().formatHex(s.getUuid().toByteArray()))
        .toList();
    assertThat(acknowledged).as("(task, uuid) pairs delivered").doesNotHaveDuplicates();
    Map<String, List<TaskState>> byTask = new HashMap<>();
    updates.stream().filter(s -> !s.getUuid().isEmpty()).forEach(s ->
        byTask.computeIfAbsent(s.getTaskId().getValue(), k -> new ArrayList<>()).add(s.getState()));
    assertThat(byTask).hasSize(QUERIES / PER_TASK);
    byTask.forEach((task, states) -> {
      assertThat(states).as("updates of " + task).doesNotHaveDuplicates()
          .containsOnlyOnce(TaskState.TASK_FINISHED).endsWith(TaskState.TASK_FINISHED);
    });
    System.out.printf("[ha-e2e] %d acknowledged updates delivered, each once, for %d tasks (%s)%n",
        acknowledged.size(), byTask.size(), updates.stream().filter(s -> !s.getUuid().isEmpty())
            .collect(Collectors.groupingBy(TaskStatus::getState, Collectors.counting())));
  }

  /**
   * The check below is shown to see a Hazelcast port: every running master listens on its own (and
   * on its HTTP port, and on the clustered event bus's ephemeral port).
   */
  private void assertMastersListenOnTheirClusterPorts() throws IOException {
    for (int i = 0; i < cluster.masterCount(); i++) {
      Set<Integer> ports = ListeningPorts.of(cluster.masterPid(i));
      System.out.printf("[ha-e2e] master %d (pid %d) listens on TCP %s%n", i, cluster.masterPid(i), ports);
      assertThat(ports).as("master %d's listening ports", i)
          .contains(cluster.masterPort(i), cluster.layout().clusterPorts().get(i));
    }
  }

  private void assertAgentsListenOnlyOnTheirHttpPorts(String when) throws IOException {
    for (int i = 0; i < 2; i++) {
      Set<Integer> ports = ListeningPorts.of(cluster.agentPid(i));
      System.out.printf("[ha-e2e] %s: agent %d (pid %d) listens on TCP %s%n", when, i, cluster.agentPid(i), ports);
      assertThat(ports).as("agent %d's listening ports %s (its HTTP port only: no Hazelcast port)", i, when)
          .containsExactly(cluster.agentPort(i));
    }
  }

  private static long finished(ConcurrentLinkedQueue<TaskStatus> delivered) {
    return delivered.stream().filter(s -> s.getState() == TaskState.TASK_FINISHED && !s.getUuid().isEmpty()).count();
  }
}
