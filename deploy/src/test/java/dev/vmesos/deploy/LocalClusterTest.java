package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.ha.MasterProcesses;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import java.time.Duration;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents of a local cluster share a host: each has a cgroup root of its own, so one that starts
 * (and destroys the container cgroups under its root that it did not start, as a restarted agent
 * must) leaves the other agents' tasks alone.
 */
class LocalClusterTest {

  private static final String RESOURCES = "cpus:1;mem:512;disk:512;ports:[31000-31009]";
  private static final Path MEMORY_HIERARCHY = Path.of("/sys/fs/cgroup/memory");

  @TempDir
  Path workDir;

  @Test
  void eachAgentHasItsOwnCgroupRootNamedAfterItsWorkDirUnlessTheFlagsSayOtherwise() {
    List<String> first = LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of());
    assertThat(first).singleElement().asString().startsWith("--cgroups_root=vmesos/local-");
    assertThat(LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of())).isEqualTo(first);
    assertThat(LocalCluster.ownCgroupsRoot(workDir.resolve("agent-1"), List.of())).isNotEqualTo(first);
    assertThat(LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of("--cgroups_root=mine"))).isEmpty();
    assertThat(LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of("--isolation=posix/cpu,posix/mem")))
        .isEmpty();
    assertThat(LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of("--isolation=cgroups/cpu,cgroups/mem")))
        .isEqualTo(first);
  }

  @Test
  void anAgentJoiningLeavesAnotherAgentsRunningTaskAloneAndRootsGoWithTheCluster() throws Exception {
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-local-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, RESOURCES, workDir).await(90, TimeUnit.SECONDS);
    Path root = MEMORY_HIERARCHY.resolve(
        LocalCluster.ownCgroupsRoot(workDir.resolve("agent-0"), List.of()).get(0).substring("--cgroups_root=".length()));
    Vertx schedulerNode = Vertx.vertx();
    try {
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("neighbours").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
      Offer offer = next(events, Event.Type.OFFERS, 30).getOffers().getOffers(0);
      TaskInfo task = TaskInfo.newBuilder().setName("resident").setTaskId(TaskID.newBuilder().setValue("resident"))
          .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .setCommand(CommandInfo.newBuilder().setValue("sleep 120")).build();
      client.call(Calls.launch(List.of(offer.getId()), List.of(task), 0)).await(10, TimeUnit.SECONDS);
      assertThat(acknowledged(next(events, Event.Type.UPDATE, 30), client).getState()).isEqualTo(TaskState.TASK_STARTING);
      assertThat(acknowledged(next(events, Event.Type.UPDATE, 30), client).getState()).isEqualTo(TaskState.TASK_RUNNING);
      boolean cgroupsV1 = Files.isDirectory(MEMORY_HIERARCHY);
      if (cgroupsV1) {
        assertThat(root).as("the first agent's own root").isDirectory();
      }

      // A second agent starts: its recovery destroys the container cgroups under its own root only.
      local.addAgent(RESOURCES).await(30, TimeUnit.SECONDS);
      long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < quietUntil) {
        Event event = events.poll(100, TimeUnit.MILLISECONDS);
        if (event != null && event.getType() == Event.Type.UPDATE) {
          assertThat(event.getUpdate().getStatus().getState()).as("the resident task's next update")
              .isEqualTo(TaskState.TASK_RUNNING);
        }
      }
      client.call(Calls.kill(task.getTaskId(), offer.getAgentId())).await(10, TimeUnit.SECONDS);
      assertThat(next(events, Event.Type.UPDATE, 30).getUpdate().getStatus().getState())
          .as("killed by its framework, not before").isEqualTo(TaskState.TASK_KILLED);
    } finally {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
    if (Files.isDirectory(MEMORY_HIERARCHY)) {
      assertThat(root).as("an agent's own root is removed when it stops empty").doesNotExist();
    }
  }

  /**
   * {@code vmesos local --masters=3}: three masters in one JVM elect one leader; the agents register
   * with it; the standbys redirect to it; when it stops, another leads and the agents follow.
   */
  @Test
  void threeLocalMastersElectOneLeaderTheStandbysRedirectAndTheAgentsFollowAFailover() throws Exception {
    ClusterConfig cluster = new ClusterConfig("127.0.0.1", 5741, List.of("127.0.0.1"),
        "vmesos-local-ha-" + UUID.randomUUID());
    LocalCluster local = LocalCluster.startHa(cluster, MasterConfig.defaults().withPort(0), 3, 1, 0, RESOURCES,
        workDir, List.of("--isolation=posix/cpu,posix/mem")).await(120, TimeUnit.SECONDS);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    try {
      assertThat(local.masters()).hasSize(3);
      MasterVerticle leader = awaitLeader(local, null);
      awaitCondition("the agent registered with the leader", () -> leader.master() != null
          && leader.master().agents().size() == 1);
      for (MasterVerticle master : local.masters()) {
        // A standby learns the leader from the Raft group, reading it every 500 ms.
        java.net.http.HttpRequest redirectRequest = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + master.actualPort() + "/redirect")).build();
        awaitCondition("master on " + master.actualPort() + " redirects to the leader", () -> {
          try {
            java.net.http.HttpResponse<String> redirect = http.send(redirectRequest,
                java.net.http.HttpResponse.BodyHandlers.ofString());
            return redirect.statusCode() == 307 && redirect.headers().firstValue("Location")
                .equals(java.util.Optional.of("//127.0.0.1:" + leader.actualPort()));
          } catch (java.io.IOException | InterruptedException e) {
            return false;
          }
        });
        if (master != leader) {
          java.net.http.HttpResponse<String> subscribe = http.send(java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + master.actualPort() + "/api/v1/scheduler"))
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                  "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}"))
              .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
          assertThat(subscribe.statusCode()).as("a standby redirects SUBSCRIBE").isEqualTo(307);
          assertThat(subscribe.headers().firstValue("Location"))
              .hasValue("//127.0.0.1:" + leader.actualPort() + "/api/v1/scheduler");
        }
      }
      String agentId = leader.master().agents().keySet().iterator().next();

      // The leader's Vert.x stops (its Hazelcast member leaves): another master leads, the agent follows.
      local.stopMaster(leader).await(30, TimeUnit.SECONDS);
      MasterVerticle next = awaitLeader(local, leader);
      awaitCondition("the agent re-registered with the new leader", () -> next.master() != null
          && next.master().agents().containsKey(agentId));
      assertThat(next.epoch()).isGreaterThan(leader.epoch() == 0 ? 0 : 1);
    } finally {
      local.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static MasterVerticle awaitLeader(LocalCluster local, MasterVerticle not) throws InterruptedException {
    MasterProcesses.await(Duration.ofSeconds(60), "a master other than the stopped one leads", () ->
        local.leader().filter(l -> l != not && l.master() != null).isPresent());
    return local.leader().orElseThrow();
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    MasterProcesses.await(Duration.ofSeconds(30), what, condition);
  }
}
