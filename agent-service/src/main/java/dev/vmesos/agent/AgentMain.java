package dev.vmesos.agent;

import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.cluster.ProcessMain;
import io.vertx.core.Vertx;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos agent}: an agent on a Vert.x clustered with Hazelcast (joining its masters' hosts
 * unless {@code --cluster_members} says otherwise), from Mesos-style flags or {@code MESOS_*}
 * variables. The entry point of the {@code vmesos/agent} image and of {@code ./vmesos agent}.
 */
public final class AgentMain {

  /** What {@code --help} prints: the agent's flags and the cluster flags. */
  public static final FlagHelp HELP = AgentConfig.HELP.plus(ClusterConfig.HELP);

  private AgentMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("agent", args, HELP, AgentMain::start);
  }

  /**
   * Joins the cluster. An agent of several masters is a lite member, which cannot form a cluster on its
   * own: until a master is up it tries again every 2 s, as Mesos's agent waits for a leading master.
   */
  static Vertx joinCluster(ClusterConfig cluster, Cluster.Role role) throws Exception {
    boolean logged = false;
    while (true) {
      try {
        return Cluster.start(cluster, role).await(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (!role.liteMember() || !describesNoMaster(e)) {
          throw e;
        }
        if (!logged) {
          LoggerFactory.getLogger(AgentMain.class).info("No master is up in the cluster ({}) yet; trying every 2 s",
              String.join(",", cluster.members()));
          logged = true;
        }
        Thread.sleep(2000);
      }
    }
  }

  private static boolean describesNoMaster(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  /** Starts the agent; it runs until the JVM is asked to stop. */
  public static void start(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    AgentConfig config = AgentConfig.fromFlags(flags);
    ClusterConfig cluster = ClusterConfig.fromFlags(flags, config.masterHosts());
    flags.rejectUnknown();
    Vertx vertx = joinCluster(cluster, Cluster.Role.agent(config.masters().size()));
    Cluster.closeOnShutdown(vertx);
    // As Mesos's agent: terminating it leaves the tasks of checkpointing frameworks running, for
    // the agent that restarts on this work_dir to recover.
    vertx.deployVerticle(new AgentVerticle(config).keepCheckpointedTasksOnStop()).await(60, TimeUnit.SECONDS);
  }
}
