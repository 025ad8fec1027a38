package dev.vmesos.deploy.bench;

import dev.vmesos.api.bus.AgentBus;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.ha.MasterProcesses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./vmesos bench cluster}: a master (or three) in processes of their own, and simulated agents
 * in this JVM speaking the real agent protocol over real agent-bus connections, with executors that
 * answer at once; frameworks are real scheduler clients over HTTP. It prints how long the agents take
 * to register, the master's heap and RSS per agent and with every task running, the allocation round
 * time, and end-to-end offers, launches and updates per second (ACCEPT → RUNNING → ACK) with p50 and
 * p99 latencies, first in a phase launching at a fixed rate, then as fast as offers allow. The same
 * figures for a few agents that are cluster members (the topology before the agent bus) are measured
 * in the same run, beside the same few agents over the bridge.
 */
public final class ClusterBench {

  private static final String USAGE = """
      usage: ./vmesos bench cluster [--agents=1000] [--frameworks=10] [--tasks=10000] [--masters=1|3]
                                    [--agent_resources='cpus:16;mem:16384'] [--task_cpus=0.1] [--task_mem=64]
                                    [--latency_rate=<2500, or half the throughput if lower>] [--latency_tasks=<tasks/5>] [--compare_agents=16]
                                    [--allocation_interval=1secs] [--master_heap=3g] [--port=17050]
                                    [--cluster_port=17701] [--work_dir=/tmp/vmesos-bench-cluster] [--timeout=900secs]
                                    [--warmup_tasks=20000] (launched first, on top of --tasks, not measured)
                                    [--warm_agents=true] (first run the agents and frameworks of this JVM
                                      against a throwaway master, so that its JIT compilers are done)
                                    [--profile=DIR]  (a JFR recording of each phase, master and this JVM)
                                    [--principal=P --secret=S | --credential=PATH] [--ca_file=PEM]
                                                     (the frameworks' HTTP Basic credential and the CA of
                                                      masters serving https)
        --compare_agents=0 skips the comparison with agents as cluster members.
      """;

  /** Half of the 5,000 launches/s target: the rate the p99 latency target is set at. */
  private static final double HALF_THE_LAUNCH_TARGET = 2_500;

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  private final PrintStream out;
  private final Flags flags;
  private final Path workDir;
  private final Duration timeout;
  private final double taskCpus;
  private final double taskMem;
  private final String agentResources;
  private final String masterHeap;
  private final String allocationInterval;
  /** Where to keep a JFR recording of each phase (master and this JVM); null: none. */
  private final Path profile;
  /** Tasks launched before the measured phases, on top of --tasks. */
  private final int warmUp;
  /** Whether this JVM's simulated agents and frameworks first run against a throwaway master. */
  private final boolean warmAgents;
  /** While the throwaway run is on: nothing is recorded. */
  private boolean throwaway;
  private int nextPort;
  private int nextClusterPort;
  /** The frameworks' credential and TLS ({@code --principal}, {@code --secret}, {@code --credential}, {@code --ca_file}). */
  private final dev.vmesos.client.ClientSecurity security;

  private ClusterBench(PrintStream out, Flags flags) {
    this.out = out;
    this.flags = flags;
    this.workDir = Path.of(flags.string("work_dir", "/tmp/vmesos-bench-cluster"));
    this.timeout = flags.duration("timeout", Duration.ofSeconds(900));
    this.taskCpus = flags.positiveNumber("task_cpus", 0.1);
    this.taskMem = flags.positiveNumber("task_mem", 64);
    this.agentResources = flags.string("agent_resources", "cpus:16;mem:16384");
    this.masterHeap = flags.string("master_heap", "3g");
    this.allocationInterval = flags.string("allocation_interval", "1secs");
    this.nextPort = flags.integer("port", 17050, 1024, 60000);
    this.profile = flags.optional("profile").map(Path::of).orElse(null);
    this.warmUp = flags.integer("warmup_tasks", 20_000, 0, 1_000_000);
    this.warmAgents = flags.bool("warm_agents", true);
    this.nextClusterPort = flags.integer("cluster_port", 17701, 1024, 60000);
    this.security = dev.vmesos.client.ClientSecurity.fromFlags(flags, Map.of());
  }

  /** One measured run. */
  record Result(String topology, int agents, int masters, double registerSeconds, double heapPerAgentKb,
                double rssPerAgentKb, double heapAllMb, double rssAllMb, int tasks, Measured latency,
                Measured throughput, String allocation, Double reregisterSeconds, Measured atHalfReached) {
  }

  /** A phase's figures. */
  record Measured(double launchesPerSecond, double offersPerSecond, double updatesPerSecond, double[] offerToRunning,
                  double[] acceptToRunning, int acknowledged, int failed) {
  }

  public static int run(String[] args, PrintStream out) throws Exception {
    if (List.of(args).contains("--help")) {
      out.print(USAGE);
      return 0;
    }
    // 10,000 agents' connections are not news: only what goes wrong is logged here.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.vmesos.api.bus"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Flags flags = Flags.parse(args, Map.of());
    int agents = flags.integer("agents", 1000, 1, 100_000);
    int frameworks = flags.integer("frameworks", 10, 1, 10_000);
    int tasks = flags.integer("tasks", 10 * agents, 1, 10_000_000);
    int masters = flags.integer("masters", 1, 1, 3);
    if (masters == 2) {
      throw new FlagException("Flag '--masters': 1 or 3");
    }
    // 0: half the rate the throughput phase reached.
    double latencyRate = flags.optional("latency_rate").map(Double::parseDouble).orElse(0.0);
    int latencyTasks = flags.integer("latency_tasks", tasks / 5, 0, tasks);
    int compare = flags.integer("compare_agents", 16, 0, 64);
    ClusterBench bench = new ClusterBench(out, flags);
    flags.rejectUnknown();
    out.printf(Locale.ROOT, "bench cluster: %d agent(s) (%s each), %d framework(s), %d task(s) of cpus:%s;mem:%s,"
            + " %d master(s), allocation every %s; %d processor(s) on this machine%n", agents, bench.agentResources,
        frameworks, tasks, bench.taskCpus, bench.taskMem, masters, bench.allocationInterval,
        Runtime.getRuntime().availableProcessors());
    warmUp();
    if (bench.warmAgents) {
      // Real agents are machines of their own, each long past its JIT warm-up; the simulated ones
      // share this JVM, whose JIT compilers would otherwise take a core from the master (measured:
      // about half of this JVM's CPU while 10,000 agents first register). The master measured
      // below is a new process, as cold as a master that has just started.
      out.printf(Locale.ROOT, "%nwarming up this JVM's simulated agents and frameworks on a throwaway master"
          + " (not measured; --warm_agents=false skips it)%n");
      bench.scenario("warm-up of this JVM", agents, 1, frameworks, 0, 0, latencyRate, false);
    }
    List<Result> results = new ArrayList<>();
    results.add(bench.scenario("agent bus", agents, masters, frameworks, tasks, latencyTasks, latencyRate, false));
    if (compare > 0) {
      int small = compare * 10;
      int smallFrameworks = Math.min(frameworks, compare);
      results.add(bench.scenario("agent bus", compare, 1, smallFrameworks, small, small / 5, latencyRate, false));
      results.add(bench.scenario("cluster members (before)", compare, 1, smallFrameworks, small, small / 5,
          latencyRate, true));
    }
    bench.report(results);
    return 0;
  }

  private Result scenario(String topology, int agents, int masters, int frameworks, int tasks, int latencyTasks,
                          double latencyRate, boolean members) throws Exception {
    throwaway = tasks == 0;
    int warmUpTasks = throwaway ? warmUp : Math.min(tasks, warmUp);
    out.printf(Locale.ROOT, "%n== %s: %d agent(s), %d master(s), %d framework(s), %d task(s)%n", topology, agents,
        masters, frameworks, tasks);
    MasterProcesses.Layout layout = MasterProcesses.Layout.of(workDir.resolve(UUID.randomUUID().toString()),
        "bench-" + UUID.randomUUID(), masters, 0, nextPort, nextClusterPort, 0, "")
        .withMasterFlags("--allocation_interval=" + allocationInterval, "--max_event_stream_queue=256MB");
    nextPort += 100;
    nextClusterPort += 100;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
    List<Vertx> memberNodes = new ArrayList<>();
    for (int port : layout.masterPorts()) {
      requireFree(port);
    }
    for (int port : layout.clusterPorts()) {
      requireFree(port);
    }
    // The GC options of the images and of ./vmesos (short young pauses, survivors promoted at once).
    try (MasterProcesses cluster = new MasterProcesses(layout).withJavaOptions("-Xmx" + masterHeap, "-Xms512m",
        "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:MaxTenuringThreshold=1")) {
      Thread cleanUp = new Thread(cluster::close, "bench-cluster-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanUp);
      cluster.start();
      int leader = cluster.awaitLeader(Duration.ofSeconds(120));
      long pid = cluster.masterPid(leader);
      double heap0 = heapUsedKb(pid);
      double rss0 = rssKb(pid);
      out.printf(Locale.ROOT, "master %d leads (pid %d): heap %.1f MB, RSS %.1f MB before any agent%n", leader, pid,
          heap0 / 1024, rss0 / 1024);

      SimulatedAgent.Stats stats = new SimulatedAgent.Stats();
      if (profile != null && !throwaway) {
        Files.createDirectories(profile);
        jcmd(pid, "JFR.start name=registration settings=profile filename=" + profile.resolve("master-registration.jfr"));
        jcmd(ProcessHandle.current().pid(), "JFR.start name=registration settings=profile filename="
            + profile.resolve("bench-registration.jfr"));
      }
      List<SimulatedAgent> sims = Collections.synchronizedList(new ArrayList<>());
      double masterCpu0 = cpuSeconds(pid);
      double ownCpu0 = ownCpuSeconds();
      long startedAt = System.nanoTime();
      if (members) {
        startMembers(layout, agents, stats, sims, memberNodes);
      } else {
        startBridged(vertx, layout, agents, stats, sims);
      }
      await("agents registered", () -> stats.registered.get() >= agents,
          () -> stats.connected.get() + " connections made, " + stats.registered.get() + "/" + agents + " registered");
      double registerSeconds = (System.nanoTime() - startedAt) / 1e9;
      if (profile != null && !throwaway) {
        jcmd(pid, "JFR.stop name=registration");
        jcmd(ProcessHandle.current().pid(), "JFR.stop name=registration");
      }
      cluster.awaitAgentsRegistered(leader, agents, Duration.ofSeconds(60));
      out.printf(Locale.ROOT, "%d agent(s) registered in %.2f s (CPU meanwhile: master %.1f s, this JVM %.1f s, of the"
              + " %.1f s the machine's %d cores had)%n", agents, registerSeconds, cpuSeconds(pid) - masterCpu0,
          ownCpuSeconds() - ownCpu0, registerSeconds * Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors());
      double heap1 = heapUsedKb(pid);
      double rss1 = rssKb(pid);
      out.printf(Locale.ROOT, "master with %d agent(s): heap %.1f MB (%.1f KB per agent), RSS %.1f MB (%.1f KB per"
          + " agent)%n", agents, heap1 / 1024, (heap1 - heap0) / agents, rss1 / 1024, (rss1 - rss0) / agents);

      BenchFrameworks bench = new BenchFrameworks(vertx, "127.0.0.1", layout.masterPorts().get(leader), taskCpus, taskMem,
          security);
      bench.arrivals(stats.arrivals);
      bench.subscribe(frameworks).await(60, TimeUnit.SECONDS);
      // Warm-up tasks first, on top of --tasks: until the master's and this JVM's JIT compilers are
      // done with the hot paths, they take more CPU than the work (on 2 cores, from each other). A
      // quarter of them paced, so that the paths of holding offers are compiled too. Then as fast as
      // offers come, then paced at half that rate.
      int pacedWarmUp = warmUpTasks / 4;
      Measured warm = phase(bench, new BenchFrameworks.Phase("warm-up", warmUpTasks - pacedWarmUp, 0), pid);
      if (pacedWarmUp > 0) {
        phase(bench, new BenchFrameworks.Phase("warm-up, paced", pacedWarmUp,
            Math.max(1, warm.launchesPerSecond() / 2)), pid);
      }
      if (tasks == 0) {
        // The throwaway run that warms this JVM up: registration and the warm-up phase only.
        bench.close().await(30, TimeUnit.SECONDS);
        closeAll(sims);
        return null;
      }
      Measured throughput = phase(bench, new BenchFrameworks.Phase("as fast as offers come",
          tasks - latencyTasks, 0), pid);
      // By default at half the 5,000/s launch target (or of the rate reached, if that is lower), and
      // then, if the run reached more, again at half the rate reached.
      double halfReached = Math.max(1, throughput.launchesPerSecond() / 2);
      double rate = latencyRate > 0 ? latencyRate : Math.min(HALF_THE_LAUNCH_TARGET, halfReached);
      Measured latency = latencyTasks == 0 ? null : phase(bench, new BenchFrameworks.Phase(
          String.format(Locale.ROOT, "paced at %.0f/s", rate), latencyTasks, rate), pid);
      Measured atHalfReached = null;
      if (latencyRate <= 0 && latencyTasks > 1 && halfReached > rate * 1.05) {
        atHalfReached = phase(bench, new BenchFrameworks.Phase(String.format(Locale.ROOT,
            "paced at %.0f/s (half the rate reached)", halfReached), latencyTasks / 2, halfReached), pid);
      }
      await("updates acknowledged by the agents", () -> stats.unacknowledged.get() == 0,
          () -> stats.unacknowledged.get() + " update(s) not yet acknowledged to the agents");
      String allocation = allocation(cluster, leader);
      double heap2 = heapUsedKb(pid);
      double rss2 = rssKb(pid);
      int running = cluster.metric(leader, "master/tasks_running").orElse(-1.0).intValue();
      out.printf(Locale.ROOT, "master with %d agent(s) and %d running task(s): heap %.1f MB, RSS %.1f MB; allocation"
          + " runs %s%n", agents, running, heap2 / 1024, rss2 / 1024, allocation);

      Double reregister = null;
      if (masters > 1) {
        reregister = failover(cluster, leader, sims, agents);
      }
      bench.close().await(30, TimeUnit.SECONDS);
      closeAll(sims);
      return new Result(topology, agents, masters, registerSeconds, (heap1 - heap0) / agents, (rss1 - rss0) / agents,
          heap2 / 1024, rss2 / 1024, running, latency, throughput, allocation, reregister, atHalfReached);
    } finally {
      for (Vertx node : memberNodes) {
        node.close().await(30, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void closeAll(List<SimulatedAgent> sims) throws Exception {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (sims) {
      sims.forEach(s -> closing.add(s.close()));
    }
    Future.join(closing).await(30, TimeUnit.SECONDS);
  }

  /**
   * Loads and initializes here what every simulated agent uses (protobuf descriptors, JSON), so that
   * the time to register measures the agents and the master, not this JVM's class loading: a real
   * agent is a JVM of its own that does it once.
   */
  private static void warmUp() {
    dev.vmesos.api.internal.Internal.RegisterAgent register = dev.vmesos.api.internal.Internal.RegisterAgent
        .newBuilder().setAgentInfo(dev.vmesos.api.v1.Protos.AgentInfo.newBuilder().setHostname("warm-up").setPort(1)
            .addAllResources(dev.vmesos.api.resources.Resources.parse("cpus:1;mem:1").toList())).build();
    for (com.google.protobuf.Message m : List.of(register,
        dev.vmesos.api.internal.Internal.AgentRegistered.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.RunTask.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.StatusUpdate.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.Ping.getDefaultInstance(), dev.vmesos.api.internal.Internal.Pong.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.LeaderElected.getDefaultInstance(),
        dev.vmesos.api.internal.Internal.Ack.getDefaultInstance(),
        dev.vmesos.api.v1.scheduler.Protos.Event.getDefaultInstance(),
        dev.vmesos.api.v1.scheduler.Protos.Call.getDefaultInstance())) {
      io.vertx.core.json.JsonObject frame = new io.vertx.core.json.JsonObject().put("body",
          dev.vmesos.api.bus.BusEnvelope.wrap(m));
      try {
        dev.vmesos.api.bus.BusEnvelope.unwrap(new io.vertx.core.json.JsonObject(frame.encode()).getValue("body"));
      } catch (IllegalArgumentException incomplete) {
        // an empty message of a type with required fields: parsed as far as that, which is the point
      }
      m.getAllFields();
    }
  }

  /** Agents over the bridge: spread over this JVM's event loops, one shared WebSocket client per loop. */
  private void startBridged(Vertx vertx, MasterProcesses.Layout layout, int agents, SimulatedAgent.Stats stats,
                            List<SimulatedAgent> sims) throws Exception {
    List<String> masters = layout.masterPorts().stream().map(p -> "127.0.0.1:" + p).toList();
    int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
    List<Context> contexts = new ArrayList<>();
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      contexts.add(((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext());
      clients.add(vertx.createWebSocketClient(BridgeClient.clientOptions().setMaxConnections(agents + 10)));
    }
    // In waves of 500 every 50 ms: 10,000 agents start within a second.
    for (int first = 0; first < agents; first += 500) {
      int from = first;
      int to = Math.min(agents, first + 500);
      for (int i = from; i < to; i++) {
        int index = i;
        Context context = contexts.get(i % loops);
        WebSocketClient client = clients.get(i % loops);
        context.runOnContext(v -> {
          BridgeClient bus = new BridgeClient(vertx, client, BridgeClient.Options.of(masters, java.util.Optional.empty()));
          SimulatedAgent agent = new SimulatedAgent(vertx, bus, "sim-" + index, 20000 + index % 40000, agentResources,
              stats);
          sims.add(agent);
          agent.listen();
          bus.connectedHandler(m -> {
            stats.connected.incrementAndGet();
            agent.connected();
          }).start();
        });
      }
      Thread.sleep(50);
    }
  }

  /** The topology before the agent bus: each agent a Hazelcast member of the master's cluster. */
  private void startMembers(MasterProcesses.Layout layout, int agents, SimulatedAgent.Stats stats,
                            List<SimulatedAgent> sims, List<Vertx> nodes) throws Exception {
    List<String> members = layout.clusterPorts().stream().map(p -> "127.0.0.1:" + p).toList();
    for (int i = 0; i < agents; i++) {
      ClusterConfig config = new ClusterConfig("127.0.0.1", layout.clusterPorts().get(0) + 10 + i, members,
          layout.clusterName(), java.util.Optional.empty());
      Vertx node = Cluster.start(config, Cluster.Role.SINGLE_MASTER_CLUSTER).await(120, TimeUnit.SECONDS);
      nodes.add(node);
      int index = i;
      node.runOnContext(v -> {
        SimulatedAgent agent = new SimulatedAgent(node, AgentBus.local(node.eventBus()), "member-" + index,
            20000 + index, agentResources, stats);
        sims.add(agent);
        agent.start();
        agent.connected();
      });
    }
  }

  private Measured phase(BenchFrameworks bench, BenchFrameworks.Phase phase, long masterPid) throws Exception {
    out.printf(Locale.ROOT, "phase '%s': %d task(s)%n", phase.name, phase.tasks);
    double masterCpu0 = cpuSeconds(masterPid);
    double ownCpu0 = ownCpuSeconds();
    double[] masterGc0 = gcPauses(masterPid);
    double[] ownGc0 = ownGcPauses();
    String recording = "phase-" + phase.name.replaceAll("[^a-z0-9]+", "-");
    if (profile != null && !throwaway) {
      Files.createDirectories(profile);
      jcmd(masterPid, "JFR.start name=" + recording + " settings=profile filename=" + profile.resolve("master-" + recording
          + ".jfr"));
      jcmd(ProcessHandle.current().pid(), "JFR.start name=" + recording + " settings=profile filename="
          + profile.resolve("bench-" + recording + ".jfr"));
    }
    bench.start(phase);
    await("phase '" + phase.name + "'", () -> {
      try {
        return bench.done(phase).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        return false;
      }
    }, () -> {
      try {
        return bench.progress(phase).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        return "?";
      }
    });
    if (profile != null && !throwaway) {
      jcmd(masterPid, "JFR.stop name=" + recording);
      jcmd(ProcessHandle.current().pid(), "JFR.stop name=" + recording);
      out.println("  recorded with JFR under " + profile);
    }
    double seconds = (phase.lastAckNanos - phase.startNanos) / 1e9;
    Measured measured = new Measured(phase.acknowledged / seconds, phase.offers / seconds, phase.updates / seconds,
        percentiles(phase.offerToRunningMs), percentiles(phase.acceptToRunningMs), phase.acknowledged, phase.failed);
    out.printf(Locale.ROOT, "phase '%s': %d running and acknowledged in %.2f s: %.0f launches/s, %.0f offers/s,"
            + " %.0f updates/s; offer->RUNNING p50 %.1f ms p99 %.1f ms; ACCEPT->RUNNING p50 %.1f ms p99 %.1f ms;"
            + " %d failed%n", phase.name, phase.acknowledged, seconds, measured.launchesPerSecond(),
        measured.offersPerSecond(), measured.updatesPerSecond(), measured.offerToRunning()[0],
        measured.offerToRunning()[1], measured.acceptToRunning()[0], measured.acceptToRunning()[1], phase.failed);
    out.printf(Locale.ROOT, "  CPU per task: master %.0f us, this JVM (frameworks and agents) %.0f us%n",
        (cpuSeconds(masterPid) - masterCpu0) * 1e6 / Math.max(1, phase.acknowledged),
        (ownCpuSeconds() - ownCpu0) * 1e6 / Math.max(1, phase.acknowledged));
    double[] toAgent = percentiles(phase.acceptToAgentMs);
    double[] back = percentiles(phase.agentToFrameworkMs);
    out.printf(Locale.ROOT, "  of which ACCEPT->RunTask at the agent p50 %.1f ms p99 %.1f ms; RunTask at the agent->RUNNING at"
        + " the framework p50 %.1f ms p99 %.1f ms%n", toAgent[0], toAgent[1], back[0], back[1]);
    double[] masterGc = gcPauses(masterPid);
    double[] ownGc = ownGcPauses();
    // Every task waits out a pause of either JVM: this JVM's stand in for 10,000 agents at once.
    out.printf(Locale.ROOT, "  GC pauses meanwhile: master %.0f, %.0f ms in all; this JVM %.0f, %.0f ms in all%n",
        masterGc[0] - masterGc0[0], (masterGc[1] - masterGc0[1]) * 1000, ownGc[0] - ownGc0[0],
        (ownGc[1] - ownGc0[1]) * 1000);
    return measured;
  }

  /** Kills the leader; returns the seconds until every agent re-registered with the next one. */
  private double failover(MasterProcesses cluster, int leader, List<SimulatedAgent> sims, int agents) throws Exception {
    out.printf(Locale.ROOT, "killing the leader (master %d) with SIGKILL%n", leader);
    long killed = System.nanoTime();
    cluster.killMaster(leader);
    int next = cluster.awaitLeader(Duration.ofSeconds(120));
    double elected = (System.nanoTime() - killed) / 1e9;
    cluster.awaitAgentsRegistered(next, agents, timeout);
    double back = (System.nanoTime() - killed) / 1e9;
    out.printf(Locale.ROOT, "master %d leads %.2f s after the kill; all %d agent(s) re-registered with it %.2f s after"
        + " the kill%n", next, elected, agents, back);
    return back;
  }

  private String allocation(MasterProcesses cluster, int leader) {
    Optional<Double> p50 = cluster.metric(leader, "allocator/mesos/allocation_run_ms/p50");
    Optional<Double> p99 = cluster.metric(leader, "allocator/mesos/allocation_run_ms/p99");
    Optional<Double> max = cluster.metric(leader, "allocator/mesos/allocation_run_ms/max");
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", p50.orElse(Double.NaN),
        p99.orElse(Double.NaN), max.orElse(Double.NaN));
  }

  private void await(String what, BooleanSupplier done, java.util.function.Supplier<String> progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextReport = System.nanoTime() + 2_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what + ": "
            + progress.get());
      }
      if (System.nanoTime() > nextReport) {
        out.println("  ... " + progress.get());
        nextReport = System.nanoTime() + 2_000_000_000L;
      }
      Thread.sleep(20);
    }
  }

  private static double[] percentiles(List<Double> values) {
    if (values.isEmpty()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return new double[] {rank(sorted, 50), rank(sorted, 99)};
  }

  private static double rank(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Used heap in KB after a full GC, from {@code jcmd} (the JDK's own tool, beside this java). */
  private static double heapUsedKb(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("jcmd GC.heap_info gave no heap figure");
    }
    return Double.parseDouble(m.group(1));
  }

  /** Stops here when a port the masters need is taken (by a master a killed run left behind, say). */
  private static void requireFree(int port) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new FlagException("Flag '--port' or '--cluster_port': 127.0.0.1:" + port + " is in use (" + e.getMessage()
          + "); stop what holds it or choose other ports");
    }
  }

  /** User and system CPU seconds of a process, from /proc (clock ticks of 10 ms). */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /**
   * Stop-the-world collections of a JVM so far and the seconds they took, from {@code jstat -gc}
   * (young, full, and the pauses of concurrent cycles); NaN when jstat cannot tell.
   */
  private static double[] gcPauses(long pid) {
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), "-gc",
          Long.toString(pid)).redirectErrorStream(true).start();
      String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || lines.length < 2) {
        return new double[] {Double.NaN, Double.NaN};
      }
      List<String> names = List.of(lines[0].trim().split("\\s+"));
      String[] values = lines[lines.length - 1].trim().split("\\s+");
      double count = 0;
      double seconds = 0;
      for (String[] pair : new String[][] {{"YGC", "YGCT"}, {"FGC", "FGCT"}, {"CGC", "CGCT"}}) {
        int c = names.indexOf(pair[0]);
        int t = names.indexOf(pair[1]);
        if (c >= 0 && t >= 0 && !values[c].equals("-")) {
          count += Double.parseDouble(values[c]);
          seconds += Double.parseDouble(values[t]);
        }
      }
      return new double[] {count, seconds};
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  /** This JVM's collections so far and the seconds they took. */
  private static double[] ownGcPauses() {
    double count = 0;
    double seconds = 0;
    for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
        .getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      seconds += Math.max(0, gc.getCollectionTime()) / 1000.0;
    }
    return new double[] {count, seconds};
  }

  private static double rssKb(long pid) throws IOException {
    Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid)));
    line.addAll(List.of(command.split(" ")));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }

  private void report(List<Result> results) {
    out.println();
    out.printf(Locale.ROOT, "%-26s %7s %9s %9s %9s %10s %10s %26s %26s %11s%n", "topology", "agents", "register",
        "heap/agt", "RSS/agt", "launch/s", "updates/s", "offer->RUNNING p50/p99 @", "ACCEPT->RUNNING p50/p99 max",
        "heap all");
    for (Result r : results) {
      Measured fast = r.throughput();
      Measured slow = r.latency();
      out.printf(Locale.ROOT, "%-26s %7d %8.2fs %7.1fKB %7.1fKB %10.0f %10.0f %26s %26s %9.0fMB%n", r.topology(),
          r.agents(), r.registerSeconds(), r.heapPerAgentKb(), r.rssPerAgentKb(), fast.launchesPerSecond(),
          fast.updatesPerSecond(),
          slow == null ? "-" : String.format(Locale.ROOT, "%.1f/%.1f ms @%.0f/s", slow.offerToRunning()[0],
              slow.offerToRunning()[1], slow.launchesPerSecond()),
          String.format(Locale.ROOT, "%.1f/%.1f ms", fast.acceptToRunning()[0], fast.acceptToRunning()[1]),
          r.heapAllMb());
    }
    for (Result r : results) {
      out.printf(Locale.ROOT, "%s, %d agents: allocation runs %s%s%s%n", r.topology(), r.agents(), r.allocation(),
          r.reregisterSeconds() == null ? "" : String.format(Locale.ROOT, "; after a leader kill all agents were back"
              + " in %.2f s", r.reregisterSeconds()),
          r.atHalfReached() == null ? "" : String.format(Locale.ROOT, "; at half the rate reached, %.0f/s: offer->RUNNING"
              + " p50 %.1f ms, p99 %.1f ms", r.atHalfReached().launchesPerSecond(), r.atHalfReached().offerToRunning()[0],
              r.atHalfReached().offerToRunning()[1]));
    }
  }
}
