package dev.vmesos.deploy;

import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.config.Flags;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.api.http.HttpLimits;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A master and N agents in one JVM, on one Vert.x instance that is still clustered over Hazelcast
 * on loopback, so the agents register over the same clustered event bus a multi-host cluster uses.
 */
public final class LocalCluster {

  private final Vertx vertx;
  private final MasterVerticle master;
  /** With several masters: each master's own Vert.x (a Hazelcast member of its own), in order. */
  private final List<Vertx> masterVertxes = new ArrayList<>();
  private final List<MasterVerticle> masters = new ArrayList<>();
  private final Map<MasterVerticle, Vertx> vertxOf = new java.util.HashMap<>();
  private final List<Integer> agentPorts;
  private final Path workDir;
  private final List<String> agentFlags;

  private LocalCluster(Vertx vertx, MasterVerticle master, List<Integer> agentPorts, Path workDir,
                       List<String> agentFlags) {
    this.vertx = vertx;
    this.master = master;
    this.agentPorts = new ArrayList<>(agentPorts);
    this.workDir = workDir;
    this.agentFlags = List.copyOf(agentFlags);
  }

  /** The agent flags that enable Docker tasks and executors beside processes, as Mesos spells them. */
  public static final List<String> DOCKER_FLAGS = List.of("--containerizers=docker,mesos");

  /**
   * Starts the cluster. Agent {@code i} listens on {@code firstAgentPort + i} (or a free port when
   * {@code firstAgentPort} is 0), works in {@code workDir/agent-i} and offers {@code resources}.
   */
  public static Future<LocalCluster> start(ClusterConfig cluster, MasterConfig masterConfig, int agents,
                                           int firstAgentPort, String resources, Path workDir) {
    return start(cluster, masterConfig, agents, firstAgentPort, resources, workDir, List.of());
  }

  /**
   * Same, every agent also getting {@code agentFlags} (for example {@link #DOCKER_FLAGS}); agents
   * added later with {@link #addAgent} get them too.
   */
  public static Future<LocalCluster> start(ClusterConfig cluster, MasterConfig masterConfig, int agents,
                                           int firstAgentPort, String resources, Path workDir,
                                           List<String> agentFlags) {
    return start(cluster, masterConfig, agents, firstAgentPort, resources, workDir, agentFlags,
        dev.vmesos.api.config.TlsConfig.disabled(), dev.vmesos.master.security.MasterSecurity.none());
  }

  /**
   * Same, the master serving HTTPS with {@code tls} (the agents then reach its agent bus over TLS with
   * the same variables) and authenticating and authorizing as {@code security} says.
   */
  public static Future<LocalCluster> start(ClusterConfig cluster, MasterConfig masterConfig, int agents,
                                           int firstAgentPort, String resources, Path workDir,
                                           List<String> agentFlags, dev.vmesos.api.config.TlsConfig tls,
                                           dev.vmesos.master.security.MasterSecurity security) {
    return start(cluster, masterConfig, agents, firstAgentPort, resources, workDir, agentFlags, tls, security,
        HttpLimits.defaults());
  }

  /** Same, the master and the agents bounding HTTP input as {@code httpLimits} says ({@code --http_*}). */
  public static Future<LocalCluster> start(ClusterConfig cluster, MasterConfig masterConfig, int agents,
                                           int firstAgentPort, String resources, Path workDir,
                                           List<String> agentFlags, dev.vmesos.api.config.TlsConfig tls,
                                           dev.vmesos.master.security.MasterSecurity security,
                                           HttpLimits httpLimits) {
    return Cluster.start(cluster).compose(vertx -> {
      MasterVerticle master = new MasterVerticle(masterConfig).withTls(tls).withSecurity(security)
          .withHttpLimits(httpLimits);
      List<Integer> ports = new ArrayList<>();
      return vertx.deployVerticle(master).compose(id -> {
        return deployAgents(vertx, masterConfig.ip() + ":" + master.actualPort(), agents, firstAgentPort,
            resources, workDir, agentFlags, ports, tls, httpLimits);
      }).map(v -> new LocalCluster(vertx, master, ports, workDir, agentFlags))
          .recover(e -> vertx.close().transform(ignored -> Future.failedFuture(e)));
    });
  }

  /**
   * Deploys agents {@code 0..count-1} one after another on {@code vertx}, agent {@code i} on
   * {@code firstPort + i} (or a free port) in {@code workDir/agent-i}; their ports go to {@code ports}.
   */
  private static Future<String> deployAgents(Vertx vertx, String masters, int count, int firstPort, String resources,
                                             Path workDir, List<String> agentFlags, List<Integer> ports) {
    return deployAgents(vertx, masters, count, firstPort, resources, workDir, agentFlags, ports,
        dev.vmesos.api.config.TlsConfig.disabled(), HttpLimits.defaults());
  }

  private static Future<String> deployAgents(Vertx vertx, String masters, int count, int firstPort, String resources,
                                             Path workDir, List<String> agentFlags, List<Integer> ports,
                                             dev.vmesos.api.config.TlsConfig tls, HttpLimits httpLimits) {
    Future<String> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int port = firstPort == 0 ? FreePorts.find() : firstPort + i;
      ports.add(port);
      List<String> args = new ArrayList<>(List.of(
          "--master=" + masters,
          "--port=" + port,
          "--work_dir=" + workDir.resolve("agent-" + i)));
      if (resources != null) {
        args.add("--resources=" + resources);
      }
      args.addAll(ownCgroupsRoot(workDir.resolve("agent-" + i), agentFlags));
      args.addAll(agentFlags);
      AgentConfig config = AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of()));
      chain = chain.compose(v -> vertx.deployVerticle(new AgentVerticle(config).withTls(tls).withHttpLimits(httpLimits)
          .releaseCgroupRootOnStop()));
    }
    return chain;
  }

  /**
   * Starts {@code masterCount} masters (2 × quorum − 1, at least 3), each on a Vert.x clustered over
   * Hazelcast of its own (ports {@code cluster.port() + i}), electing a leader on Raft, master
   * {@code i} serving HTTP on {@code masterConfig.port() + 10 × i} with its registry under
   * {@code workDir/master-i}; then {@code agents} agents on one more Vert.x (a lite member) given
   * every master in {@code --master}. Completes once a master leads and every agent is deployed.
   */
  public static Future<LocalCluster> startHa(ClusterConfig cluster, MasterConfig masterConfig, int masterCount,
                                             int agents, int firstAgentPort, String resources, Path workDir,
                                             List<String> agentFlags) {
    return startHa(cluster, masterConfig, masterCount, agents, firstAgentPort, resources, workDir, agentFlags,
        HttpLimits.defaults());
  }

  /** Same, the masters and the agents bounding HTTP input as {@code httpLimits} says ({@code --http_*}). */
  public static Future<LocalCluster> startHa(ClusterConfig cluster, MasterConfig masterConfig, int masterCount,
                                             int agents, int firstAgentPort, String resources, Path workDir,
                                             List<String> agentFlags, HttpLimits httpLimits) {
    if (masterCount < 3 || masterCount % 2 == 0) {
      return Future.failedFuture(new dev.vmesos.api.config.FlagException(
          "Flag '--masters': " + masterCount + " masters cannot elect a leader; use 1, or an odd number from 3"));
    }
    int quorum = (masterCount + 1) / 2;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < masterCount; i++) {
      members.add(cluster.host() + ":" + (cluster.port() + i));
    }
    List<String> masterAddresses = new ArrayList<>();
    List<Vertx> vertxes = new ArrayList<>();
    List<MasterVerticle> verticles = new ArrayList<>();
    Map<MasterVerticle, Vertx> pairs = new java.util.HashMap<>();
    List<Future<?>> started = new ArrayList<>();
    for (int i = 0; i < masterCount; i++) {
      ClusterConfig own = new ClusterConfig(cluster.host(), cluster.port() + i, members, cluster.name());
      int port = masterConfig.port() == 0 ? FreePorts.find() : masterConfig.port() + 10 * i;
      masterAddresses.add(masterConfig.ip() + ":" + port);
      MasterConfig config = masterConfig.withPort(port).withHa(masterConfig.ha().withQuorum(quorum)
          .withWorkDir(workDir.resolve("master-" + i)));
      started.add(Cluster.start(own, Cluster.Role.master(masterCount)).compose(vertx -> {
        synchronized (vertxes) {
          vertxes.add(vertx);
        }
        MasterVerticle verticle = dev.vmesos.master.MasterMain.verticle(vertx, config).withHttpLimits(httpLimits);
        synchronized (verticles) {
          verticles.add(verticle);
          pairs.put(verticle, vertx);
        }
        return vertx.deployVerticle(verticle);
      }));
    }
    // The agents are not cluster members: they attach to the masters' agent bus from a Vert.x of their own.
    return Future.all(started)
        .map(v -> Vertx.vertx())
        .compose(agentVertx -> {
          List<Integer> ports = new ArrayList<>();
          Future<String> chain = deployAgents(agentVertx, String.join(",", masterAddresses), agents, firstAgentPort,
              resources, workDir, agentFlags, ports, dev.vmesos.api.config.TlsConfig.disabled(), httpLimits);
          verticles.sort(java.util.Comparator.comparingInt(MasterVerticle::actualPort));
          return chain.map(x -> {
            LocalCluster local = new LocalCluster(agentVertx, verticles.get(0), ports, workDir, agentFlags);
            local.masterVertxes.addAll(vertxes);
            local.masters.addAll(verticles);
            local.vertxOf.putAll(pairs);
            return local;
          });
        })
        .recover(e -> {
          List<Future<Void>> closing = new ArrayList<>();
          for (Vertx vertx : vertxes) {
            closing.add(vertx.close());
          }
          return Future.join(closing).transform(ignored -> Future.failedFuture(e));
        });
  }

  /**
   * Stops one master of {@link #startHa} as a crash would: its Hazelcast member is terminated
   * (leaving the Raft group), then its Vert.x closed.
   */
  public Future<Void> stopMaster(MasterVerticle stopped) {
    int index = masters.indexOf(stopped);
    if (index < 0) {
      return Future.failedFuture("not a master of this cluster");
    }
    Vertx masterVertx = vertxOf.get(stopped);
    if (masterVertx == null) {
      return Future.failedFuture("its Vert.x is not known");
    }
    masterVertxes.remove(masterVertx);
    masters.remove(stopped);
    try {
      Cluster.hazelcast(masterVertx).getLifecycleService().terminate();
    } catch (RuntimeException e) {
      // already gone
    }
    return masterVertx.close().recover(e -> Future.succeededFuture());
  }

  /** Every master, in HTTP port order (one unless started with {@link #startHa}). */
  public List<MasterVerticle> masters() {
    return masters.isEmpty() ? List.of(master) : List.copyOf(masters);
  }

  /** The master that leads now, if any. */
  public java.util.Optional<MasterVerticle> leader() {
    return masters().stream().filter(MasterVerticle::isLeading).findFirst();
  }

  /**
   * Starts one more agent offering {@code resources} on a free port, in {@code workDir/agent-<n>};
   * completes with its HTTP port once it is deployed (it registers with the master right after).
   */
  public Future<Integer> addAgent(String resources) {
    return addAgent(resources, List.of());
  }

  /** Same, the agent also getting {@code extraFlags} (for example its own {@code --attributes}). */
  public Future<Integer> addAgent(String resources, List<String> extraFlags) {
    int index = agentPorts.size();
    int port = FreePorts.find();
    List<String> args = new ArrayList<>(List.of(
        "--master=" + masterList(),
        "--port=" + port,
        "--work_dir=" + workDir.resolve("agent-" + index),
        "--resources=" + resources));
    args.addAll(ownCgroupsRoot(workDir.resolve("agent-" + index), agentFlags));
    args.addAll(agentFlags);
    args.addAll(extraFlags);
    agentPorts.add(port);
    AgentConfig config = AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of()));
    return vertx.deployVerticle(new AgentVerticle(config).releaseCgroupRootOnStop()).map(id -> port);
  }

  /**
   * Each agent of a local cluster gets a cgroup root of its own, named after its work directory:
   * an agent that starts destroys every container cgroup under its root that it did not start, so
   * agents on one host sharing a root (Mesos's rule too) would kill each other's tasks. None when
   * the flags set {@code --cgroups_root} themselves or isolate without cgroups.
   */
  static List<String> ownCgroupsRoot(Path agentWorkDir, List<String> agentFlags) {
    if (agentFlags.stream().anyMatch(f -> f.startsWith("--cgroups_root")
        || (f.startsWith("--isolation") && f.contains("posix/")))) {
      return List.of();
    }
    String id = Integer.toHexString(agentWorkDir.toAbsolutePath().normalize().toString().hashCode());
    return List.of("--cgroups_root=vmesos/local-" + id);
  }

  private String masterList() {
    List<String> addresses = new ArrayList<>();
    for (MasterVerticle m : masters()) {
      addresses.add("127.0.0.1:" + m.actualPort());
    }
    return String.join(",", addresses);
  }

  /** Whether the agents run Docker tasks and executors (started with {@link #DOCKER_FLAGS}). */
  public boolean dockerEnabled() {
    return agentFlags.containsAll(DOCKER_FLAGS);
  }

  public int masterPort() {
    return master.actualPort();
  }

  public List<Integer> agentPorts() {
    return agentPorts;
  }

  public MasterVerticle master() {
    return master;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(vertx.close());
    // Every master at once, as a kill would: leaving one by one, the last ones would wait for a Raft
    // group that has lost its majority.
    for (Vertx masterVertx : masterVertxes) {
      try {
        Cluster.hazelcast(masterVertx).getLifecycleService().terminate();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    for (Vertx masterVertx : masterVertxes) {
      closing.add(masterVertx.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
