package dev.vmesos.deploy;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.agent.docker.ContainerSpec;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./vmesos bench launch}: how fast one agent starts tasks. A master and one agent run in this
 * JVM (local event bus), a scheduler subscribes over HTTP and launches {@code --tasks} tasks as fast
 * as offers allow; the benchmark prints tasks started per second and the time from each ACCEPT to
 * the task's TASK_RUNNING (median and spread), for processes ({@code --kind=process}) or Docker
 * containers ({@code --kind=docker}, image {@code --image}).
 */
public final class LaunchBench {

  private static final String USAGE = """
      usage: ./vmesos bench launch [--kind=process|docker] [--tasks=200] [--task_cpus=0.1] [--task_mem=32]
                                   [--command='sleep 2'] [--image=vmesos/busybox:local]
                                   [--isolation=cgroups/cpu,cgroups/mem|posix/cpu,posix/mem] [--timeout=300secs]
                                   [--sequential]  (one task at a time: the latency of a launch on an idle agent)
      """;

  private LaunchBench() {
  }

  /** Runs the benchmark; returns the process exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, Map.of());
    if (flags.bool("help", false)) {
      out.print(USAGE);
      return 0;
    }
    String kind = flags.string("kind", "process");
    if (!kind.equals("process") && !kind.equals("docker")) {
      throw new FlagException("Flag '--kind': '" + kind + "' is neither 'process' nor 'docker'");
    }
    int tasks = flags.integer("tasks", 200, 1, 100_000);
    boolean sequential = flags.bool("sequential", false);
    double cpus = flags.positiveNumber("task_cpus", 0.1);
    double mem = flags.positiveNumber("task_mem", 32);
    String command = flags.string("command", "sleep 2");
    String image = flags.string("image", "vmesos/busybox:local");
    String isolation = flags.string("isolation", AgentConfig.Isolation.CGROUPS);
    Duration timeout = flags.duration("timeout", Duration.ofMinutes(5));
    flags.rejectUnknown();

    Path workDir = Files.createTempDirectory("vmesos-bench-launch");
    Vertx vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    try {
      MasterVerticle master = new MasterVerticle(MasterConfig.defaults().withPort(0));
      vertx.deployVerticle(master).await(30, TimeUnit.SECONDS);
      int masterPort = master.actualPort();
      AgentConfig agentConfig = AgentConfig.fromFlags(Flags.parse(new String[] {
          "--master=127.0.0.1:" + masterPort, "--port=0", "--work_dir=" + workDir,
          "--resources=cpus:64;mem:65536;disk:65536;ports:[31000-32000]", "--isolation=" + isolation,
          "--containerizers=" + (kind.equals("docker") ? "docker,mesos" : "mesos")}, Map.of()));
      vertx.deployVerticle(new AgentVerticle(agentConfig)).await(30, TimeUnit.SECONDS);
      out.printf("bench launch: %d %s tasks (%s, cpus %.2f, mem %.0f MB%s), one agent, isolation %s%n", tasks, kind,
          command, cpus, mem, kind.equals("docker") ? ", image " + image : "", isolation);
      return measure(vertx, masterPort, kind, tasks, cpus, mem, command, image, timeout, sequential, out);
    } finally {
      vertx.close().await(60, TimeUnit.SECONDS);
      deleteQuietly(workDir);
    }
  }

  private static int measure(Vertx vertx, int masterPort, String kind, int total, double cpus, double mem,
                             String command, String image, Duration timeout, boolean sequential, PrintStream out)
      throws Exception {
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    List<Double> latenciesMs = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger launched = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch allRunning = new CountDownLatch(total);
    // For Docker: from the container's start as the engine records it to TASK_RUNNING here.
    DockerEngine docker = kind.equals("docker") ? DockerEngine.create(vertx, DockerOptions.defaults()) : null;
    List<Double> sinceStartMs = Collections.synchronizedList(new ArrayList<>());
    SchedulerClient client = new SchedulerClient(vertx, "127.0.0.1", masterPort, MediaType.PROTOBUF);
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root")).setName("bench-launch").build();
    long[] firstAccept = {0};
    client.subscribe(info, event -> {
      if (event.getType() == Event.Type.OFFERS) {
        for (Offer offer : event.getOffers().getOffersList()) {
          List<TaskInfo> batch = new ArrayList<>();
          double freeCpus = scalar(offer, "cpus");
          double freeMem = scalar(offer, "mem");
          // Sequential: the next task only once the one before runs (none accepted and not yet running).
          int limit = sequential ? (acceptedAt.isEmpty() ? 1 : 0) : Integer.MAX_VALUE;
          while (launched.get() < total && batch.size() < limit && freeCpus >= cpus - 1e-9 && freeMem >= mem - 1e-9) {
            String id = "bench-" + launched.incrementAndGet();
            batch.add(task(id, offer, cpus, mem, command, kind, image));
            freeCpus -= cpus;
            freeMem -= mem;
          }
          long now = System.nanoTime();
          if (firstAccept[0] == 0 && !batch.isEmpty()) {
            firstAccept[0] = now;
          }
          batch.forEach(t -> acceptedAt.put(t.getTaskId().getValue(), now));
          client.call(Calls.launch(List.of(offer.getId()), batch, batch.isEmpty() && !sequential ? 3600 : 0));
        }
      } else if (event.getType() == Event.Type.UPDATE) {
        TaskStatus status = event.getUpdate().getStatus();
        client.call(Calls.acknowledge(status));
        Long start = acceptedAt.remove(status.getTaskId().getValue());
        if (start != null && status.getState() == TaskState.TASK_RUNNING) {
          latenciesMs.add((System.nanoTime() - start) / 1e6);
          if (docker != null) {
            measureSinceContainerStart(docker, status, Instant.now(), sinceStartMs, allRunning);
          } else {
            allRunning.countDown();
          }
        } else if (start != null && status.getState() != TaskState.TASK_STARTING) {
          failed.incrementAndGet();
          allRunning.countDown();
          out.printf("bench launch: task %s ended %s before running: %s%n", status.getTaskId().getValue(),
              status.getState(), status.getMessage());
        } else if (start != null) {
          acceptedAt.put(status.getTaskId().getValue(), start);
        }
      }
    }, error -> { }).await(30, TimeUnit.SECONDS);

    long deadline = System.nanoTime() + timeout.toNanos();
    while (!allRunning.await(1, TimeUnit.SECONDS)) {
      out.printf("bench launch: %d/%d running, %d failed%n", latenciesMs.size(), total, failed.get());
      if (System.nanoTime() > deadline) {
        out.printf("bench launch: timed out after %s%n", timeout);
        break;
      }
    }
    long lastRunning = System.nanoTime();
    double seconds = (lastRunning - firstAccept[0]) / 1e9;
    List<Double> sorted = new ArrayList<>(latenciesMs);
    Collections.sort(sorted);
    out.printf("bench launch: %s: %d running, %d failed in %.2f s -> %.1f tasks/s%n", kind, sorted.size(),
        failed.get(), seconds, sorted.size() / seconds);
    if (!sorted.isEmpty()) {
      out.printf("bench launch: ACCEPT -> TASK_RUNNING ms: min %.1f  p10 %.1f  median %.1f  p90 %.1f  max %.1f%n",
          sorted.get(0), percentile(sorted, 10), percentile(sorted, 50), percentile(sorted, 90),
          sorted.get(sorted.size() - 1));
    }
    if (!sinceStartMs.isEmpty()) {
      List<Double> since = new ArrayList<>(sinceStartMs);
      Collections.sort(since);
      out.printf("bench launch: container started (engine's State.StartedAt) -> TASK_RUNNING at the framework ms:"
          + " min %.1f  p10 %.1f  median %.1f  p90 %.1f  max %.1f (%d containers)%n", since.get(0),
          percentile(since, 10), percentile(since, 50), percentile(since, 90), since.get(since.size() - 1),
          since.size());
    }
    client.call(Calls.teardown()).await(10, TimeUnit.SECONDS);
    client.close();
    return failed.get() == 0 && sorted.size() == total ? 0 : 1;
  }

  /** Asks the engine when the task's container started, and records how long before {@code runningAt} that was. */
  private static void measureSinceContainerStart(DockerEngine docker, TaskStatus status, Instant runningAt,
      List<Double> sinceStartMs, CountDownLatch allRunning) {
    String container = ContainerSpec.NAME_PREFIX + status.getContainerStatus().getContainerId().getValue();
    docker.inspect(container)
        .onSuccess(state -> state.startedAt().ifPresent(started ->
            sinceStartMs.add(java.time.Duration.between(started, runningAt).toNanos() / 1e6)))
        .onComplete(v -> allRunning.countDown());
  }

  private static TaskInfo task(String id, Offer offer, double cpus, double mem, String command, String kind,
                               String image) {
    TaskInfo.Builder task = TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue(command))
        .addAllResources(ResourcesParser.parse("cpus:" + cpus + ";mem:" + mem).toList());
    if (kind.equals("docker")) {
      task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
          .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)
              .setNetwork(ContainerInfo.DockerInfo.Network.HOST)));
    }
    return task.build();
  }

  private static double scalar(Offer offer, String name) {
    return offer.getResourcesList().stream().filter(r -> r.getName().equals(name) && r.hasScalar())
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // a temporary directory
    }
  }
}
