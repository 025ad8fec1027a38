package dev.vmesos.agent;

import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ProcessMain;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos agent}: an agent from Mesos-style flags or {@code MESOS_*} variables, on a Vert.x of
 * its own. It is not a member of the masters' cluster: it attaches to one of its {@code --master}s
 * over the agent bus (a WebSocket to the master's HTTP port) and listens only on its own HTTP port.
 * The entry point of the {@code vmesos/agent} image and of {@code ./vmesos agent}.
 */
public final class AgentMain {

  /** What {@code --help} prints: the agent's flags and its HTTP server's limits. */
  public static final dev.vmesos.api.config.FlagHelp HELP =
      AgentConfig.HELP.plus(dev.vmesos.api.http.HttpLimits.HELP).plus(dev.vmesos.api.logging.LoggingFlags.HELP);

  private AgentMain() {
  }

  public static void main(String[] args) {
    ProcessMain.run("agent", args, HELP, AgentMain::start);
  }

  /** Starts the agent; it runs until the JVM is asked to stop. */
  public static void start(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    AgentConfig config = AgentConfig.fromFlags(flags);
    dev.vmesos.api.http.HttpLimits httpLimits = dev.vmesos.api.http.HttpLimits.fromFlags(flags);
    dev.vmesos.api.logging.LoggingFlags logging = dev.vmesos.api.logging.LoggingFlags.fromFlags(flags);
    flags.rejectUnknown();
    logging.apply("agent");
    dev.vmesos.api.config.TlsConfig tls = dev.vmesos.api.config.TlsConfig.fromEnv(System.getenv());
    Vertx vertx = dev.vmesos.cluster.metrics.VertxMetrics.local();
    Cluster.closeOnShutdown(vertx);
    // As Mesos's agent: terminating it leaves the tasks of checkpointing frameworks running, for
    // the agent that restarts on this work_dir to recover.
    vertx.deployVerticle(new AgentVerticle(config).withTls(tls).withHttpLimits(httpLimits).keepCheckpointedTasksOnStop())
        .await(60, TimeUnit.SECONDS);
  }
}
