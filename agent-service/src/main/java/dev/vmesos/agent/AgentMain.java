package dev.vmesos.agent;

import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.cluster.ProcessMain;
import io.vertx.core.Vertx;
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

  /** Starts the agent; it runs until the JVM is asked to stop. */
  public static void start(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    AgentConfig config = AgentConfig.fromFlags(flags);
    ClusterConfig cluster = ClusterConfig.fromFlags(flags, config.masterHosts());
    flags.rejectUnknown();
    Vertx vertx = Cluster.start(cluster, Cluster.Role.agent(config.masters().size())).await(120, TimeUnit.SECONDS);
    Cluster.closeOnShutdown(vertx);
    // As Mesos's agent: terminating it leaves the tasks of checkpointing frameworks running, for
    // the agent that restarts on this work_dir to recover.
    vertx.deployVerticle(new AgentVerticle(config).keepCheckpointedTasksOnStop()).await(60, TimeUnit.SECONDS);
  }
}
