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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos demo}, the product's showcase: a local cluster (a master, two agents), then the
 * throttle framework run to completion against its built-in sink, then three DRF demo frameworks
 * A ⟨2 CPU, 1000 MB⟩, B ⟨1 CPU, 2500 MB⟩ and C ⟨0.5 CPU, 512 MB⟩ side by side for about 30 s with a
 * live table of their tasks and dominant shares, which converge (each framework takes one task per
 * offer, so the master's DRF order decides every task); then everything is shut down, or with
 * {@code --stay} keeps running until Ctrl-C. The master's and agents' logs go to a file
 * ({@link DemoLogs}), so the terminal holds only the demo's own lines. Executors run in Docker when
 * an engine answers on {@code /var/run/docker.sock}, as processes otherwise
 * ({@code --executor=docker|process} forces one). Exits 0 when both parts did what they should.
 */
public final class Demo {

  /**
   * Each of the two agents. Big enough beside the tasks that one task is at most 1/16 of the
   * cluster (A's 2 CPU of 32), so the shares can come within one task of each other: with 4 CPU
   * agents one A task was a quarter of the cluster, and the shares ended .25 apart.
   */
  static final String AGENT_RESOURCES = "cpus:16;mem:20480;disk:4096;ports:[31000-31099]";
  /** Spread of the dominant shares the demo calls converged (the issue's: within 0.1). */
  static final double CONVERGED_SPREAD = 0.1;
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
      .flag("log_dir", "PATH", "<work_dir>/logs", "The master's and agents' logs go to vmesos.log in it (Mesos's"
          + " flag name), not to the terminal.")
      .flag("throttle", "true|false", true, "Run part 1, the throttle framework, before the DRF frameworks.")
      .flag("stay", "true|false", false, "Keep the cluster and the DRF frameworks running after --drf_seconds,"
          + " the table going, until Ctrl-C.")
      .build();

  /** The demo's flags, parsed once. */
  record Options(ExecutorLaunch.Kind executor, String image, int totalQueries, int queriesPerTask,
                 int parallelism, Duration drfFor, TaskDuration taskSeconds, Path workDir, Path logDir,
                 boolean throttle, boolean stay) {

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
      boolean throttle = flags.bool("throttle", true);
      boolean stay = flags.bool("stay", false);
      Path workDir = Path.of(flags.string("work_dir", Files.createTempDirectory("vmesos-demo-").toString()));
      Path logDir = Path.of(flags.string("log_dir", workDir.resolve("logs").toString()));
      return new Options(kind, image, total, perTask, parallelism, drfFor, taskSeconds, workDir, logDir, throttle,
          stay);
    }
  }

  private final Options options;
  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CompletableFuture<Integer> masterPort = new CompletableFuture<>();

  Demo(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Parses the flags, runs the demo; Ctrl-C (the JVM shutting down) stops it cleanly. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    Options options = Options.fromFlags(flags);
    flags.rejectUnknown();
    Demo demo = new Demo(options, out);
    Thread hook = new Thread(demo::stopAndWait, "vmesos-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for this run to have cleaned up
      }
    }
  }

  /** Asks the run to end: the DRF part stops at its next tick and everything is shut down. */
  void stop() {
    stopRequested.countDown();
  }

  /** The master's HTTP port, once the cluster is up. */
  CompletableFuture<Integer> masterPort() {
    return masterPort;
  }

  private void stopAndWait() {
    stop();
    try {
      finished.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int run() throws Exception {
    try (DemoLogs logs = DemoLogs.toFile(options.logDir())) {
      return runLogged(logs);
    } finally {
      finished.countDown();
    }
  }

  private int runLogged(DemoLogs logs) throws Exception {
    long start = System.nanoTime();
    boolean docker = options.executor() == ExecutorLaunch.Kind.DOCKER;
    out.println(docker
        ? "[demo] a Docker engine answers on " + DockerProbe.DEFAULT_SOCKET + ": executors run in Docker containers ("
            + options.image() + ", host network), agents started with --containerizers=docker,mesos"
        : "[demo] executors run as processes on the agents (no Docker engine, or --executor=process)");
    out.println("[demo] the master's and agents' logs go to " + logs.file() + " (executors' output: their sandboxes)");
    out.printf("[demo] starting a local cluster: a master and two agents (%s each), clustered over loopback%n",
        AGENT_RESOURCES);
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-demo-" + UUID.randomUUID()),
        MASTER, 2, 0, AGENT_RESOURCES, options.workDir(),
        docker ? LocalCluster.DOCKER_FLAGS : List.of()).await(90, TimeUnit.SECONDS);
    out.printf("[demo] cluster up in %.1f s: master at http://127.0.0.1:%d, agents on ports %s, sandboxes under %s%n",
        seconds(start), local.masterPort(), local.agentPorts(), options.workDir());
    out.printf("[demo] web UI: http://127.0.0.1:%d/   CLI: ./vmesos task list --master=127.0.0.1:%d%n",
        local.masterPort(), local.masterPort());
    masterPort.complete(local.masterPort());
    MasterAddress master = new MasterAddress("127.0.0.1", local.masterPort());
    ExecutorLaunch executor = docker
        ? ExecutorLaunch.docker(options.image(), ExecutorLaunch.currentClasspath())
        : ExecutorLaunch.process(ExecutorLaunch.currentClasspath());
    boolean ok;
    try {
      ok = (!options.throttle() || throttle(local, master, executor, options, out)) && drf(local, master, executor);
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

  private boolean drf(LocalCluster local, MasterAddress master, ExecutorLaunch executor) throws Exception {
    out.printf("[demo] part 2: DRF demo frameworks A <2 CPU, 1000 MB>, B <1 CPU, 2500 MB>, C <0.5 CPU, 512 MB>"
        + " take one task per offer, tasks run %s s, for %s%n", describe(options.taskSeconds()),
        options.stay() ? "as long as the demo stays (Ctrl-C stops it)" : options.drfFor().toSeconds() + " s");
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
    out.println("[demo] the master offers an agent's free resources to the framework with the lowest dominant share;"
        + " it takes one task and hands the rest back, so the next task goes to whoever is lowest then");
    out.println("[demo]   time | A tasks  share      | B tasks  share      | C tasks  share      | spread | finished A/B/C");
    long start = System.nanoTime();
    long end = options.stay() ? Long.MAX_VALUE : start + options.drfFor().toNanos();
    boolean stayAnnounced = false;
    double convergedAt = -1;
    try {
      while (System.nanoTime() < end) {
        long wait = Math.min(options.stay() && stayAnnounced ? 5000 : 3000,
            Math.max(1, (end - System.nanoTime()) / 1_000_000));
        if (stopRequested.await(wait, TimeUnit.MILLISECONDS)) {
          out.println("[demo] stopping, as asked (Ctrl-C)");
          break;
        }
        double spread = printRow(out, seconds(start), frameworks);
        if (spread <= CONVERGED_SPREAD && frameworks.stream().allMatch(f -> f.status().running() > 0)) {
          convergedAt = convergedAt < 0 ? seconds(start) : convergedAt;
        } else {
          convergedAt = -1;
        }
        for (Future<Void> run : runs) {
          if (run.failed()) {
            out.println("[demo] a DRF framework failed: " + run.cause().getMessage());
            return false;
          }
        }
        if (options.stay() && !stayAnnounced && seconds(start) >= options.drfFor().toSeconds()) {
          stayAnnounced = true;
          out.printf("[demo] --stay: the cluster and the frameworks keep running (web UI http://127.0.0.1:%d/);"
              + " Ctrl-C stops them%n", local.masterPort());
        }
      }
      List<DrfStatus> last = frameworks.stream().map(DrfFramework::status).toList();
      out.print("[demo] final dominant shares:");
      for (DrfStatus status : last) {
        out.printf(Locale.ROOT, " %s %.3f (%s, %d tasks)", status.name(), status.share().share(),
            status.share().resource(), status.running());
      }
      out.println();
      out.println(convergedAt >= 0
          ? String.format(Locale.ROOT, "[demo] the shares have been within %.1f of each other since %.0f s",
              CONVERGED_SPREAD, convergedAt)
          : String.format(Locale.ROOT, "[demo] the shares were not within %.1f of each other at the end",
              CONVERGED_SPREAD));
      return last.stream().allMatch(s -> s.running() + s.finished() > 0);
    } finally {
      for (DrfFramework framework : frameworks) {
        framework.stop().await(15, TimeUnit.SECONDS);
      }
    }
  }

  /** One row of the table; returns the spread of the shares (largest minus smallest). */
  private static double printRow(PrintStream out, double at, List<DrfFramework> frameworks) {
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "[demo] %5.0f s |", at));
    StringBuilder done = new StringBuilder();
    double max = 0;
    double min = Double.MAX_VALUE;
    for (DrfFramework framework : frameworks) {
      DrfStatus status = framework.status();
      row.append(String.format(Locale.ROOT, " %7d  %.3f %-4s |", status.running(), status.share().share(),
          status.share().resource()));
      done.append(done.length() == 0 ? "" : "/").append(status.finished());
      max = Math.max(max, status.share().share());
      min = Math.min(min, status.share().share());
    }
    out.println(row.append(String.format(Locale.ROOT, "  %.3f | ", max - min)).append(done));
    return max - min;
  }

  private static String describe(TaskDuration duration) {
    return duration.min() == duration.max() ? String.valueOf(duration.min()) : duration.min() + "-" + duration.max();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
