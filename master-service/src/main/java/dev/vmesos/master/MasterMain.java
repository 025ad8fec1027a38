package dev.vmesos.master;

import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.cluster.ProcessMain;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos master}: a master on a Vert.x clustered with Hazelcast, from Mesos-style flags or
 * {@code MESOS_*} variables. The entry point of the {@code vmesos/master} image and of
 * {@code ./vmesos master}.
 */
public final class MasterMain {

  /** What {@code --help} prints: the master's flags and the cluster flags. */
  public static final FlagHelp HELP = MasterConfig.HELP.plus(ClusterConfig.HELP);

  private MasterMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("master", args, HELP, MasterMain::start);
  }

  /** Starts the master; it runs until the JVM is asked to stop. */
  public static void start(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    MasterConfig config = MasterConfig.fromFlags(flags);
    ClusterConfig cluster = ClusterConfig.fromFlags(flags, ClusterConfig.DEFAULT_HOST);
    flags.rejectUnknown();
    Vertx vertx = Cluster.start(cluster).await(120, TimeUnit.SECONDS);
    Cluster.closeOnShutdown(vertx);
    vertx.deployVerticle(new MasterVerticle(config)).await(60, TimeUnit.SECONDS);
  }
}
