package dev.vmesos.deploy;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import dev.vmesos.examples.drf.DrfConfig;
import dev.vmesos.examples.drf.DrfFramework;
import dev.vmesos.examples.drf.DrfStatus;
import dev.vmesos.examples.drf.TaskDuration;
import dev.vmesos.examples.throttle.Target;
import dev.vmesos.examples.throttle.ThrottleConfig;
import dev.vmesos.examples.throttle.ThrottleFramework;
import dev.vmesos.examples.throttle.ThrottleSummary;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.allocator.AllocatorConfig;
import io.vertx.core.Future;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos demo}, the product's showcase: a local cluster (a master, two agents), then the
 * throttle framework run to completion against its built-in sink, then three DRF demo frameworks
 * A ⟨2 CPU, 1000 MB⟩, B ⟨1 CPU, 2500 MB⟩ and C ⟨0.5 CPU, 512 MB⟩ side by side for about 30 s with a
 * live table of their tasks and dominant shares; then everything is shut down. Executors run in
 * Docker when an engine answers on {@code /var/run/docker.sock}, as processes otherwise
 * ({@code --executor=docker|process} forces one). Exits 0 when both parts did what they should.
 */
public final class Demo {

  static final String AGENT_RESOURCES = "cpus:4;mem:5120;disk:4096;ports:[31000-31099]";
  private static final List<DrfSpec> DRF = List.of(
      new DrfSpec("A", 2, 1000), new DrfSpec("B", 1, 2500), new DrfSpec("C", 0.5, 512));

  /**
   * The master as {@code --min_allocatable_resources=cpus:0.5;mem:512}: the smallest task of the
   * demo; what is left below that on an agent fits nobody and is not offered (and so cannot count
   * towards the share of whoever would hold it).
   */
  static final MasterConfig MASTER = MasterConfig.defaults().withPort(0).withAllocator(
      new AllocatorConfig("drf", "drf", Map.of(), List.of(Map.of("cpus", 0.5, "mem", 512.0)), Map.of()));

  private record DrfSpec(String name, double cpus, double mem) {
  }

  /** {@code vmesos demo --help}. */
  static final FlagHelp HELP = FlagHelp.builder()
      .flag("executor", "auto|docker|process", "auto",
          "Where executors run: Docker containers when an engine answers on " + DockerProbe.DEFAULT_SOCKET
              + " (auto), or processes.")
      .flag("executor_image", "IMAGE", ExecutorLaunch.DEFAULT_IMAGE, "The executors' image.")
      .flag("total_queries", "COUNT", 2000, "Queries the throttle framework runs.")
      .flag("queries_per_task", "COUNT", 100, "Queries per throttle task.")
      .flag("parallelism", "COUNT", 4, "Throttle tasks at once.")
      .flag("drf_seconds", "DURATION", "30secs", "How long the DRF frameworks A, B and C run side by side.")
      .flag("task_seconds", "N|MIN-MAX", "4-8", "How long each DRF task runs.")
      .flag("work_dir", "PATH", "a new temporary directory", "The agents' work directories go under it.")
      .build();

  /** The demo's flags, parsed once. */
  record Options(ExecutorLaunch.Kind executor, String image, int totalQueries, int queriesPerTask,
                 int parallelism, Duration drfFor, TaskDuration taskSeconds, Path workDir) {

    static Options fromFlags(Flags flags) throws java.io.IOException {
      String executor = flags.string("executor", "auto").trim().toLowerCase(Locale.ROOT);
      ExecutorLaunch.Kind kind = switch (executor) {
        case "auto" -> DockerProbe.engineAnswers(DockerProbe.DEFAULT_SOCKET)
            ? ExecutorLaunch.Kind.DOCKER : ExecutorLaunch.Kind.PROCESS;
        case "docker" -> ExecutorLaunch.Kind.DOCKER;
        case "process" -> ExecutorLaunch.Kind.PROCESS;
        default -> throw new FlagException("Flag '--executor': '" + executor + "' is not one of auto, docker, process");
      };
      if (kind == ExecutorLaunch.Kind.DOCKER && !DockerProbe.engineAnswers(DockerProbe.DEFAULT_SOCKET)) {
        throw new FlagException("Flag '--executor': docker, but no Docker engine answers on "
            + DockerProbe.DEFAULT_SOCKET);
      }
      String image = flags.string("executor_image", ExecutorLaunch.DEFAULT_IMAGE);
      int total = flags.integer("total_queries", 2000, 1, 10_000_000);
      int perTask = flags.integer("queries_per_task", 100, 1, 1_000_000);
      int parallelism = flags.integer("parallelism", 4, 1, 1000);
      Duration drfFor = flags.duration("drf_seconds", Duration.ofSeconds(30));
      TaskDuration taskSeconds = TaskDuration.parse(flags.string("task_seconds", "4-8"));
      Path workDir = Path.of(flags.string("work_dir", Files.createTempDirectory("vmesos-demo-").toString()));
      return new Options(kind, image, total, perTask, parallelism, drfFor, taskSeconds, workDir);
    }
  }

  private Demo() {
  }

  public static int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    Options options = Options.fromFlags(flags);
    flags.rejectUnknown();
    long start = System.nanoTime();
    boolean docker = options.executor() == ExecutorLaunch.Kind.DOCKER;
    out.println(docker
        ? "[demo] a Docker engine answers on " + DockerProbe.DEFAULT_SOCKET + ": executors run in Docker containers ("
            + options.image() + ", host network), agents started with --containerizers=docker,mesos"
        : "[demo] executors run as processes on the agents (no Docker engine, or --executor=process)");
    out.printf("[demo] starting a local cluster: a master and two agents (%s each), clustered over loopback%n",
        AGENT_RESOURCES);
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-demo-" + UUID.randomUUID()),
        MASTER, 2, 0, AGENT_RESOURCES, options.workDir(),
        docker ? LocalCluster.DOCKER_FLAGS : List.of()).await(90, TimeUnit.SECONDS);
    out.printf("[demo] cluster up in %.1f s: master at http://127.0.0.1:%d, agents on ports %s, sandboxes under %s%n",
        seconds(start), local.masterPort(), local.agentPorts(), options.workDir());
    MasterAddress master = new MasterAddress("127.0.0.1", local.masterPort());
    ExecutorLaunch executor = docker
        ? ExecutorLaunch.docker(options.image(), ExecutorLaunch.currentClasspath())
        : ExecutorLaunch.process(ExecutorLaunch.currentClasspath());
    boolean ok;
    try {
      ok = throttle(local, master, executor, options, out) && drf(local, master, executor, options, out);
    } finally {
      out.println("[demo] shutting the cluster down");
      local.close().await(30, TimeUnit.SECONDS);
    }
    out.printf(Locale.ROOT, "[demo] %s in %.1f s%n", ok ? "done" : "FAILED", seconds(start));
    return ok ? 0 : 1;
  }

  private static boolean throttle(LocalCluster local, MasterAddress master, ExecutorLaunch executor, Options options,
                                  PrintStream out) throws Exception {
    long start = System.nanoTime();
    out.printf("[demo] part 1: the throttle framework runs %d queries (%d per task, at most %d tasks at once)"
        + " against its built-in counting HTTP sink%n", options.totalQueries(), options.queriesPerTask(),
        options.parallelism());
    ThrottleConfig config = new ThrottleConfig(master, options.totalQueries(), options.queriesPerTask(),
        options.parallelism(), new Target.Sink(), executor, new TaskResources(0.5, 128), "throttle");
    ThrottleFramework throttle = new ThrottleFramework(local.vertx(), config, out);
    ThrottleSummary summary = throttle.run().await(60, TimeUnit.SECONDS);
    long counted = throttle.sink().requests();
    out.printf(Locale.ROOT, "[demo] throttle %s in %.1f s; the sink counted %d requests%n",
        summary.succeeded() ? "finished" : "failed", seconds(start), counted);
    return summary.succeeded() && counted == options.totalQueries();
  }

  private static boolean drf(LocalCluster local, MasterAddress master, ExecutorLaunch executor, Options options,
                             PrintStream out) throws Exception {
    out.printf("[demo] part 2: DRF demo frameworks A <2 CPU, 1000 MB>, B <1 CPU, 2500 MB>, C <0.5 CPU, 512 MB>"
        + " fill every offer they get, tasks run %s s, for %d s%n", describe(options.taskSeconds()),
        options.drfFor().toSeconds());
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    List<DrfFramework> frameworks = new ArrayList<>();
    List<Future<Void>> runs = new ArrayList<>();
    for (DrfSpec spec : DRF) {
      DrfConfig config = new DrfConfig(master, spec.name(), new TaskResources(spec.cpus(), spec.mem()),
          options.taskSeconds(), executor);
      DrfFramework framework = new DrfFramework(local.vertx(), config, quiet);
      frameworks.add(framework);
      runs.add(framework.run());
    }
    out.println("[demo] whoever subscribes first takes what it is offered; as tasks end, the master offers what"
        + " they free to the framework with the lowest dominant share, which declines until its task fits");
    out.println("[demo]   time | A tasks  share      | B tasks  share      | C tasks  share      | finished A/B/C");
    long start = System.nanoTime();
    long end = start + options.drfFor().toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(3000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      printRow(out, seconds(start), frameworks);
      for (Future<Void> run : runs) {
        if (run.failed()) {
          out.println("[demo] a DRF framework failed: " + run.cause().getMessage());
          return false;
        }
      }
    }
    List<DrfStatus> last = frameworks.stream().map(DrfFramework::status).toList();
    out.print("[demo] final dominant shares:");
    for (DrfStatus status : last) {
      out.printf(Locale.ROOT, " %s %.3f (%s, %d tasks)", status.name(), status.share().share(),
          status.share().resource(), status.running());
    }
    out.println();
    for (DrfFramework framework : frameworks) {
      framework.stop().await(15, TimeUnit.SECONDS);
    }
    return last.stream().allMatch(s -> s.running() + s.finished() > 0);
  }

  private static void printRow(PrintStream out, double at, List<DrfFramework> frameworks) {
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "[demo] %5.0f s |", at));
    StringBuilder done = new StringBuilder();
    for (DrfFramework framework : frameworks) {
      DrfStatus status = framework.status();
      row.append(String.format(Locale.ROOT, " %7d  %.3f %-4s |", status.running(), status.share().share(),
          status.share().resource()));
      done.append(done.length() == 0 ? "" : "/").append(status.finished());
    }
    out.println(row.append(' ').append(done));
  }

  private static String describe(TaskDuration duration) {
    return duration.min() == duration.max() ? String.valueOf(duration.min()) : duration.min() + "-" + duration.max();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
