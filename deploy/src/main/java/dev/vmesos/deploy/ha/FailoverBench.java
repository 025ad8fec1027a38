package dev.vmesos.deploy.ha;

import dev.vmesos.api.config.Flags;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./vmesos bench failover}: how fast the masters fail over. Three masters and two agents run
 * as processes on loopback; each round kills the leader with SIGKILL, times how long until a master
 * answers a scheduler SUBSCRIBE with 200 (a new leader serving), then how much longer until both
 * agents are registered with it, then restarts the killed master and waits until it is back in the
 * Raft group before the next round. Prints a line per failover and a table of median, min, p90 and
 * max against the targets: a new leader serving within 5 s, the agents back within 10 s after that.
 */
public final class FailoverBench {

  private static final String USAGE = """
      usage: ./vmesos bench failover [--failovers=10] [--port=16050] [--cluster_port=16701] [--agent_port=16151]
                                     [--work_dir=a new temporary directory] [--timeout=60secs]
        masters on HTTP --port, +10, +20 and Hazelcast --cluster_port, +1, +2; agents on --agent_port, +1;
        logs under --work_dir
      """;
  static final Duration SERVING_TARGET = Duration.ofSeconds(5);
  static final Duration AGENTS_TARGET = Duration.ofSeconds(10);

  private FailoverBench() {
  }

  /** Runs the benchmark; returns the process exit code (0 when every round completed). */
  public static int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, Map.of());
    if (flags.bool("help", false)) {
      out.print(USAGE);
      return 0;
    }
    int failovers = flags.integer("failovers", 10, 1, 1000);
    int port = flags.integer("port", 16050, 1024, 65000);
    int clusterPort = flags.integer("cluster_port", 16701, 1024, 65000);
    int agentPort = flags.integer("agent_port", 16151, 1024, 65000);
    Duration timeout = flags.duration("timeout", Duration.ofSeconds(60));
    Path workDir = flags.optional("work_dir").map(Path::of)
        .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "vmesos-bench-failover-" + UUID.randomUUID()));
    flags.rejectUnknown();
    Files.createDirectories(workDir);

    MasterProcesses.Layout layout = MasterProcesses.Layout.of(workDir, "vmesos-bench-failover-" + UUID.randomUUID(),
        3, 2, port, clusterPort, agentPort, "cpus:2;mem:2048;disk:1024;ports:[31000-31009]");
    out.printf(Locale.ROOT, "bench failover: 3 masters (HTTP %s), 2 agents, %d failovers, %d cores; logs in %s%n",
        layout.masterPorts(), failovers, Runtime.getRuntime().availableProcessors(), workDir);
    List<Double> serving = new ArrayList<>();
    List<Double> agents = new ArrayList<>();
    List<Double> rejoin = new ArrayList<>();
    try (MasterProcesses cluster = new MasterProcesses(layout)) {
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "bench-failover-cleanup"));
      cluster.start();
      int leader = cluster.awaitLeader(Duration.ofSeconds(120));
      cluster.awaitAgentsRegistered(leader, 2, timeout);
      for (int round = 1; round <= failovers; round++) {
        leader = cluster.awaitLeader(timeout);
        cluster.awaitAgentsRegistered(leader, 2, timeout);
        long killed = System.nanoTime();
        cluster.killMaster(leader);
        int next = cluster.awaitSubscribeServed(timeout);
        long served = System.nanoTime();
        cluster.awaitAgentsRegistered(next, 2, timeout);
        long registered = System.nanoTime();
        cluster.startMaster(leader);
        long restarted = System.nanoTime();
        cluster.awaitJoinedRaft(leader, Duration.ofSeconds(120));
        long joined = System.nanoTime();
        serving.add(seconds(served - killed));
        agents.add(seconds(registered - served));
        rejoin.add(seconds(joined - restarted));
        out.printf(Locale.ROOT, "failover %2d/%d: killed master %d; master %d serving SUBSCRIBE after %.2f s,"
                + " both agents re-registered %.2f s later; master %d back in the Raft group %.1f s after its"
                + " restart%n", round, failovers, leader, next, serving.get(round - 1), agents.get(round - 1), leader,
            rejoin.get(round - 1));
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%-40s %8s %8s %8s %8s %8s  %s%n", "seconds over " + failovers + " failovers",
        "median", "min", "p90", "max", "target", "");
    row(out, "new leader answers SUBSCRIBE", serving, SERVING_TARGET);
    row(out, "agents re-registered after that", agents, AGENTS_TARGET);
    row(out, "killed master back in the Raft group", rejoin, null);
    return 0;
  }

  private static void row(PrintStream out, String name, List<Double> values, Duration target) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double max = sorted.get(sorted.size() - 1);
    String verdict = target == null ? "" : max <= target.toMillis() / 1000.0 ? "all within target"
        : percentile(sorted, 50) <= target.toMillis() / 1000.0 ? "median within target, max over" : "OVER target";
    out.printf(Locale.ROOT, "%-40s %8.2f %8.2f %8.2f %8.2f %8s  %s%n", name, percentile(sorted, 50), sorted.get(0),
        percentile(sorted, 90), max, target == null ? "-" : "<= " + target.toSeconds(), verdict);
  }

  /** The median as the mean of the middle two for an even count; other percentiles by nearest rank. */
  static double percentile(List<Double> sorted, int p) {
    int n = sorted.size();
    if (p == 50) {
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted.get(Math.max(0, Math.min(n - 1, rank - 1)));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
