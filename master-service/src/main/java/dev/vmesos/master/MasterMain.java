package dev.vmesos.master;

import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.cluster.ProcessMain;
import com.hazelcast.core.HazelcastInstance;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.master.ha.RaftElection;
import dev.vmesos.master.ha.SingleMasterElection;
import dev.vmesos.master.registry.DiskRegistryStore;
import dev.vmesos.master.registry.RegistryPeer;
import dev.vmesos.master.registry.ReplicatedRegistryStore;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos master}: a master on a Vert.x clustered with Hazelcast, from Mesos-style flags or
 * {@code MESOS_*} variables. The entry point of the {@code vmesos/master} image and of
 * {@code ./vmesos master}.
 */
public final class MasterMain {

  /** What {@code --help} prints: the master's flags and the cluster flags. */
  private static final Logger LOG = LoggerFactory.getLogger(MasterMain.class);

  public static final FlagHelp HELP = MasterConfig.HELP.plus(dev.vmesos.master.security.MasterSecurity.HELP)
      .plus(dev.vmesos.api.http.HttpLimits.HELP).plus(MasterConfig.History.HELP).plus(ClusterConfig.HELP)
      .plus(dev.vmesos.api.logging.LoggingFlags.HELP);

  private MasterMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("master", args, HELP, MasterMain::start);
  }

  /** Starts the master; it runs until the JVM is asked to stop. */
  public static void start(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    MasterConfig config = MasterConfig.fromFlags(flags);
    dev.vmesos.master.security.MasterSecurity security = dev.vmesos.master.security.MasterSecurity.fromFlags(flags,
        config.agentAuth().credentials());
    ClusterConfig cluster = ClusterConfig.fromFlags(flags, ClusterConfig.DEFAULT_HOST);
    List<String> ignored = MasterConfig.ignoredFlagsGiven(flags);
    dev.vmesos.api.http.HttpLimits httpLimits = dev.vmesos.api.http.HttpLimits.fromFlags(flags);
    MasterConfig.History history = MasterConfig.History.fromFlags(flags);
    dev.vmesos.api.logging.LoggingFlags logging = dev.vmesos.api.logging.LoggingFlags.fromFlags(flags);
    flags.rejectUnknown();
    logging.apply("master");
    java.util.Map<String, String> given = new java.util.TreeMap<>();
    for (String name : HELP.names()) {
      flags.optional(name).ifPresent(value -> given.put(name, value));
    }
    dev.vmesos.api.config.TlsConfig tls = dev.vmesos.api.config.TlsConfig.fromEnv(System.getenv());
    checkQuorum(config.ha(), cluster);
    for (String flag : ignored) {
      LOG.warn("Flag '--{}' is accepted for Mesos compatibility and ignored{}", flag,
          flag.startsWith("zk") ? ": vmesos elects its leader on Raft among the masters (--quorum, --cluster_members)"
              : "");
    }
    Vertx vertx = Cluster.start(cluster, Cluster.Role.master(config.ha().masters())).await(120, TimeUnit.SECONDS);
    Cluster.closeOnShutdown(vertx);
    vertx.deployVerticle(verticle(vertx, config).withTls(tls).withSecurity(security).withHttpLimits(httpLimits)
            .withHistory(history).withGivenFlags(given))
        .await(60, TimeUnit.SECONDS);
  }

  /**
   * The master for its configuration: one master elects itself and keeps the registry on its own
   * disk; with a quorum, the masters elect a leader on Raft and replicate the registry.
   */
  public static MasterVerticle verticle(Vertx vertx, MasterConfig config) {
    DiskRegistryStore disk = new DiskRegistryStore(vertx, config.ha().workDir());
    if (config.ha().quorum() == 1) {
      return new MasterVerticle(config, new SingleMasterElection(), disk);
    }
    if (config.ha().workDir() == null) {
      LOG.warn("No --work_dir: the registry lives on Raft in the masters' memory only, and is lost if every"
          + " master stops at once");
    }
    HazelcastInstance hazelcast = Cluster.hazelcast(vertx);
    String nodeId = hazelcast.getCluster().getLocalMember().getUuid().toString();
    new RegistryPeer(vertx, disk, nodeId).start()
        .onFailure(e -> LOG.error("Cannot serve this master's registry copy to its peers: {}", e.toString()));
    return new MasterVerticle(config, new RaftElection(hazelcast),
        new ReplicatedRegistryStore(vertx, hazelcast, disk, nodeId));
  }

  /** A quorum that the listed masters could never form stops start-up. */
  static void checkQuorum(MasterConfig.Ha ha, ClusterConfig cluster) {
    if (ha.quorum() > 1 && cluster.kubernetes().isEmpty() && cluster.members().size() < ha.masters()) {
      throw new FlagException("Flag '--quorum': a quorum of " + ha.quorum() + " needs " + ha.masters()
          + " masters, but --cluster_members lists " + cluster.members().size() + " ("
          + String.join(",", cluster.members()) + "); list every master, e.g. --quorum=2 with three masters");
    }
  }
}
