package dev.vmesos.deploy;

import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.examples.demo.OneTaskFramework;
import dev.vmesos.master.MasterConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos demo}: starts a local cluster (a master and one agent, clustered over loopback),
 * runs one command task through a scheduler speaking {@code /api/v1/scheduler}, prints the offers
 * and status updates as they arrive, tears everything down and exits 0 if the task finished.
 */
public final class Demo {

  private Demo() {
  }

  public static int run(String[] args, PrintStream out) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    String media = flags.string("media_type", "json");
    MediaType mediaType = switch (media) {
      case "json" -> MediaType.JSON;
      case "protobuf" -> MediaType.PROTOBUF;
      default -> throw new dev.vmesos.api.config.FlagException(
          "Flag '--media_type': '" + media + "' is not one of json, protobuf");
    };
    String command = flags.string("command", "echo 'hello from a vmesos task'; sleep 1");
    Duration timeout = flags.duration("timeout", Duration.ofSeconds(90));
    Path workDir = Path.of(flags.string("work_dir",
        Files.createTempDirectory("vmesos-demo-").toString()));
    flags.rejectUnknown();

    MasterConfig masterConfig = MasterConfig.defaults().withPort(0);
    ClusterConfig cluster = ClusterConfig.loopback("vmesos-demo-" + UUID.randomUUID());
    out.println("[demo] starting a local cluster: a master and one agent on a Hazelcast-clustered event bus (loopback)");
    LocalCluster local = LocalCluster.start(cluster, masterConfig, 1, 0, "cpus:1;mem:512;disk:1024;ports:[31000-31099]",
        workDir).await(60, TimeUnit.SECONDS);
    out.printf("[demo] master at http://127.0.0.1:%d, agent at http://127.0.0.1:%d, sandboxes under %s%n",
        local.masterPort(), local.agentPorts().get(0), workDir);
    int exit;
    try {
      OneTaskFramework framework = new OneTaskFramework(local.vertx(), "127.0.0.1", local.masterPort(), mediaType,
          command, out);
      out.printf("[demo] subscribing a framework to /api/v1/scheduler (%s)%n", mediaType.mime());
      TaskStatus status = framework.run().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      out.printf("[demo] task ended %s; tearing the framework down%n", status.getState());
      framework.teardown().await(10, TimeUnit.SECONDS);
      exit = status.getState() == TaskState.TASK_FINISHED ? 0 : 1;
    } catch (java.util.concurrent.TimeoutException e) {
      out.printf("[demo] the task did not finish within %s%n", timeout);
      exit = 1;
    } finally {
      out.println("[demo] shutting the cluster down");
      local.close().await(30, TimeUnit.SECONDS);
    }
    out.println(exit == 0 ? "[demo] done: the task ran to TASK_FINISHED" : "[demo] failed");
    return exit;
  }
}
