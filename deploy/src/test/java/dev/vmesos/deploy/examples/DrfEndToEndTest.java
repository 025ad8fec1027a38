package dev.vmesos.deploy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.LocalCluster;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.drf.DominantShare;
import dev.vmesos.examples.drf.DrfConfig;
import dev.vmesos.examples.drf.DrfFramework;
import dev.vmesos.examples.drf.DrfStatus;
import dev.vmesos.examples.drf.TaskDuration;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.allocator.AllocatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three DRF demo frameworks with the task shapes, A ⟨2 CPU, 1000 MB⟩, B ⟨1 CPU, 2500 MB⟩
 * and C ⟨0.5 CPU, 512 MB⟩, on a cluster of six agents of ⟨2 CPU, 2560 MB⟩ (12 CPU, 15360 MB) that
 * join one by one after the frameworks subscribed, so that the master's DRF allocator alone decides
 * who gets each agent. An agent holds one A task (2 CPU: share .167), one B task (2500 MB: .163) or four C
 * tasks (2 CPU: .167), and its rest fits nobody (and is not offered), so DRF hands out two agents each: A = .333,
 * B = .326, C = .333, within one task's share (C's, .042) of each other. A first-come allocator
 * would have given the first framework everything.
 */
class DrfEndToEndTest {

  private final List<DrfFramework> frameworks = new ArrayList<>();

  private static final String AGENT = "cpus:2;mem:2560;disk:1024;ports:[31000-31009]";
  /**
   * As {@code --min_allocatable_resources=cpus:0.5;mem:512}: what is left on an agent once it is
   * filled (0 CPU, or under 512 MB) fits no task of the three and is not offered, so it cannot count
   * towards whoever holds it when the next agent is allocated.
   */
  private static final MasterConfig DEMO_MASTER = MasterConfig.defaults().withPort(0).withAllocator(
      new AllocatorConfig("drf", "drf", Map.of(), List.of(Map.of("cpus", 0.5, "mem", 512.0)), Map.of()));

  @TempDir
  static Path workDir;

  @Test
  void threeFrameworksEndWithinOneTaskShareOfEachOther() throws Exception {
    LocalCluster cluster = LocalCluster.start(ClusterConfig.loopback("vmesos-drf-" + UUID.randomUUID()),
        DEMO_MASTER, 0, 0, AGENT, workDir).await(60, TimeUnit.SECONDS);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true);
    try {
      MasterAddress master = new MasterAddress("127.0.0.1", cluster.masterPort());
      ExecutorLaunch executor = ExecutorLaunch.process(ExecutorLaunch.currentClasspath());
      // Tasks outlive the test: the shares measured are the allocator's, not those of churn.
      TaskDuration longTasks = new TaskDuration(300, 300);
      frameworks.add(new DrfFramework(cluster.vertx(), new DrfConfig(master, "A", new TaskResources(2, 1000),
          longTasks, executor), out));
      frameworks.add(new DrfFramework(cluster.vertx(), new DrfConfig(master, "B", new TaskResources(1, 2500),
          longTasks, executor), out));
      frameworks.add(new DrfFramework(cluster.vertx(), new DrfConfig(master, "C", new TaskResources(0.5, 512),
          longTasks, executor), out));
      frameworks.forEach(DrfFramework::run);
      waitFor(() -> frameworks.stream().allMatch(f -> f.status().frameworkId() != null), 20, "all three subscribed");

      // One agent at a time, each once the previous one was handed out: every allocation then
      // sees the shares of what was placed, as the paper's progressive filling does.
      for (int i = 0; i < 6; i++) {
        int before = frameworks.stream().mapToInt(f -> f.status().running()).sum();
        cluster.addAgent(AGENT).await(30, TimeUnit.SECONDS);
        waitFor(() -> frameworks.stream().mapToInt(f -> f.status().running()).sum() > before, 20,
            "tasks placed on agent " + i);
        Thread.sleep(300);
      }
      // 2 A + 2 B + 8 C tasks once every agent was handed out.
      waitFor(() -> frameworks.stream().mapToInt(f -> f.status().started()).sum() == 12
          && frameworks.stream().allMatch(f -> f.status().share().share() > 0.3), 60,
          "12 tasks RUNNING and every share computed on the whole cluster");
      Thread.sleep(2000);   // the leftovers are declined meanwhile: nothing more may fit

      List<DrfStatus> statuses = frameworks.stream().map(DrfFramework::status).toList();
      System.out.println("DRF final shares: " + statuses);
      String log = output.toString(StandardCharsets.UTF_8);
      assertThat(statuses).as(log).extracting(DrfStatus::running).containsExactly(2, 2, 8);
      assertThat(statuses).extracting(DrfStatus::started).containsExactly(2, 2, 8);
      Resources total = Resources.parse("cpus:12;mem:15360");
      double oneTask = Math.min(DominantShare.ofOneTask(2, 1000, total), Math.min(
          DominantShare.ofOneTask(1, 2500, total), DominantShare.ofOneTask(0.5, 512, total)));
      double max = statuses.stream().mapToDouble(s -> s.share().share()).max().orElseThrow();
      double min = statuses.stream().mapToDouble(s -> s.share().share()).min().orElseThrow();
      assertThat(max - min).as("spread of %s, one task's share %.3f", statuses, oneTask).isLessThanOrEqualTo(oneTask);
      assertThat(statuses.get(0).share().resource()).isEqualTo("cpus");
      assertThat(statuses.get(1).share().resource()).isEqualTo("mem");
      assertThat(log).contains("[drf A] dominant share 0.333 (cpus) with 2 task(s)");
    } finally {
      for (DrfFramework framework : frameworks) {
        framework.stop().await(15, TimeUnit.SECONDS);
      }
      cluster.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void waitFor(java.util.function.BooleanSupplier condition, int seconds, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what + "; " + frameworks.stream()
            .map(DrfFramework::status).toList());
      }
      Thread.sleep(100);
    }
  }
}
