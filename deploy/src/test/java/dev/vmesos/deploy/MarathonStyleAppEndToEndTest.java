package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Environment;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.HealthCheck;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running app run the way Marathon runs one, through the real master and agents: three
 * instances, placed on the agents whose {@code rack} attribute is {@code r1}, each fetching its start
 * script over HTTP (a loopback server) and serving its own HTTP health check. When one instance's
 * health endpoint goes away, its failing health checks get it killed by the agent, and the framework
 * launches a replacement, so three healthy instances run again, all on rack r1.
 */
class MarathonStyleAppEndToEndTest {

  private static final int INSTANCES = 3;
  private static final String START_SCRIPT = "#!/bin/sh\n"
      + "mkdir -p www && echo ok > www/health\n"
      + "exec busybox httpd -f -p 127.0.0.1:$PORT0 -h www\n";

  @TempDir
  Path workDir;

  @Test
  void threeHealthyInstancesOnRackR1AndAFailingOneIsReplaced() throws Exception {
    HttpServer scripts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    scripts.createContext("/app/start.sh", exchange -> {
      byte[] body = START_SCRIPT.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    scripts.start();
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-marathon-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 0, 0, null, workDir, List.of("--isolation=posix/cpu,posix/mem"))
        .await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    try {
      local.addAgent("cpus:2;mem:1024;disk:512;ports:" + freePorts(6), List.of("--attributes=rack:r1"))
          .await(30, TimeUnit.SECONDS);
      local.addAgent("cpus:2;mem:1024;disk:512;ports:" + freePorts(6), List.of("--attributes=rack:r2"))
          .await(30, TimeUnit.SECONDS);
      App app = new App(schedulerNode, local.masterPort(),
          "http://127.0.0.1:" + scripts.getAddress().getPort() + "/app/start.sh");

      app.runUntil(() -> app.healthyLive().size() == INSTANCES, "three healthy instances");
      assertThat(app.live()).hasSize(INSTANCES);
      assertThat(app.agentsOfLive()).as("placed by attribute").containsOnly(app.rackR1Agent);

      // One instance's health endpoint goes: the agent kills it after two failed checks.
      String failing = app.healthyLive().iterator().next();
      Files.delete(sandboxOf(failing).resolve("www").resolve("health"));
      app.runUntil(() -> app.ended.containsKey(failing), "the failing instance killed");
      TaskStatus killed = app.ended.get(failing);
      assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
      assertThat(killed.getHealthy()).isFalse();

      app.runUntil(() -> app.healthyLive().size() == INSTANCES, "a healthy replacement");
      assertThat(app.live()).hasSize(INSTANCES).doesNotContain(failing);
      assertThat(app.launched).hasSize(INSTANCES + 1);
      assertThat(app.agentsOfLive()).containsOnly(app.rackR1Agent);
      app.client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
    } finally {
      scripts.stop(0);
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The framework: keeps {@value #INSTANCES} instances on rack r1, as a Marathon app with a constraint. */
  private static final class App {

    final SchedulerClient client;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final String scriptUrl;
    final Map<String, String> launched = new LinkedHashMap<>();   // task -> agent
    final Map<String, TaskStatus> ended = new HashMap<>();
    final Set<String> healthy = new HashSet<>();
    String rackR1Agent;
    int next;

    App(Vertx vertx, int masterPort, String scriptUrl) throws Exception {
      this.scriptUrl = scriptUrl;
      client = new SchedulerClient(vertx, "127.0.0.1", masterPort, MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("marathon-style").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
    }

    List<String> live() {
      return launched.keySet().stream().filter(t -> !ended.containsKey(t)).toList();
    }

    Set<String> healthyLive() {
      Set<String> result = new HashSet<>(live());
      result.retainAll(healthy);
      return result;
    }

    Set<String> agentsOfLive() {
      Set<String> agents = new HashSet<>();
      live().forEach(t -> agents.add(launched.get(t)));
      return agents;
    }

    void runUntil(BooleanSupplier done, String what) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!done.getAsBoolean()) {
        assertThat(System.nanoTime()).as("%s within 120 s; launched %s, ended %s, healthy %s", what, launched,
            ended.keySet(), healthy).isLessThan(deadline);
        Event event = events.poll(100, TimeUnit.MILLISECONDS);
        if (event == null) {
          continue;
        }
        if (event.getType() == Event.Type.OFFERS) {
          for (Offer offer : event.getOffers().getOffersList()) {
            offered(offer);
          }
        } else if (event.getType() == Event.Type.UPDATE) {
          updated(event.getUpdate().getStatus());
        }
      }
    }

    private void offered(Offer offer) throws Exception {
      boolean r1 = offer.getAttributesList().stream()
          .anyMatch(a -> a.getName().equals("rack") && a.getType() == Value.Type.TEXT && a.getText().getValue().equals("r1"));
      if (!r1) {
        client.call(Calls.decline(List.of(offer.getId()), 3600)).await(10, TimeUnit.SECONDS);
        return;
      }
      rackR1Agent = offer.getAgentId().getValue();
      List<Long> ports = ports(offer);
      List<TaskInfo> tasks = new ArrayList<>();
      while (live().size() + tasks.size() < INSTANCES && tasks.size() < ports.size()) {
        tasks.add(instance(offer, ports.get(tasks.size())));
      }
      if (tasks.isEmpty()) {
        client.call(Calls.decline(List.of(offer.getId()), 1)).await(10, TimeUnit.SECONDS);
        return;
      }
      tasks.forEach(t -> launched.put(t.getTaskId().getValue(), offer.getAgentId().getValue()));
      client.call(Calls.launch(List.of(offer.getId()), tasks, 1)).await(10, TimeUnit.SECONDS);
    }

    private TaskInfo instance(Offer offer, long port) {
      String id = "app." + (next++);
      return TaskInfo.newBuilder().setName("app").setTaskId(TaskID.newBuilder().setValue(id))
          .setAgentId(offer.getAgentId())
          .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
              .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))))
          .setCommand(CommandInfo.newBuilder().setValue("./start.sh")
              .addUris(CommandInfo.URI.newBuilder().setValue(scriptUrl).setExecutable(true))
              .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                  .setName("PORT0").setValue(Long.toString(port)))))
          .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
              .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort((int) port).setPath("/health"))
              .setDelaySeconds(0).setIntervalSeconds(0.3).setTimeoutSeconds(2).setGracePeriodSeconds(5)
              .setConsecutiveFailures(2))
          .build();
    }

    private void updated(TaskStatus status) throws Exception {
      if (status.hasUuid()) {
        client.call(Calls.acknowledge(status)).await(10, TimeUnit.SECONDS);
      }
      String task = status.getTaskId().getValue();
      if (TaskStates.isTerminal(status.getState())) {
        ended.put(task, status);
        healthy.remove(task);
      } else if (status.hasHealthy()) {
        if (status.getHealthy()) {
          healthy.add(task);
        } else {
          healthy.remove(task);
        }
      }
    }

    private static List<Long> ports(Offer offer) {
      List<Long> ports = new ArrayList<>();
      for (Resource resource : offer.getResourcesList()) {
        if (resource.getName().equals("ports")) {
          for (Value.Range range : resource.getRanges().getRangeList()) {
            for (long p = range.getBegin(); p <= range.getEnd(); p++) {
              ports.add(p);
            }
          }
        }
      }
      return ports;
    }
  }

  /** Free loopback ports as single-port ranges: {@code [a-a,b-b,...]}. */
  private static String freePorts(int count) {
    List<String> ranges = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    while (taken.size() < count) {
      int port = FreePorts.find();
      if (taken.add(port)) {
        ranges.add(port + "-" + port);
      }
    }
    return "[" + String.join(",", ranges) + "]";
  }

  private Path sandboxOf(String taskId) throws Exception {
    try (Stream<Path> found = Files.find(workDir, 12, (path, attributes) -> attributes.isDirectory()
        && path.getFileName().toString().equals(taskId)
        && path.getParent().getFileName().toString().equals("executors"))) {
      Optional<Path> executor = found.findFirst();
      assertThat(executor).as("the executor directory of %s", taskId).isPresent();
      try (Stream<Path> runs = Files.list(executor.get().resolve("runs")).filter(run -> !Files.isSymbolicLink(run))) {
        return runs.findFirst().orElseThrow();
      }
    }
  }
}
