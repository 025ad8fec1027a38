package dev.vmesos.deploy;

import dev.vmesos.agent.AgentMain;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.cluster.ProcessMain;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The {@code vmesos} command: {@code master}, {@code agent}, {@code local} and {@code demo}. */
public final class Main {

  private static final String USAGE = """
      usage: vmesos <command> [--flag=value ...]
        master   run a master (--ip, --port=5050, --hostname, --allocation_interval, --heartbeat_interval,
                 --agent_ping_interval, --cluster_host, --cluster_port, --cluster_members, --cluster_name)
        agent    run an agent (--master=127.0.0.1:5050,..., --resources, --work_dir, --port=5051, --credential);
                 it attaches to a master's agent bus over a WebSocket and joins no cluster
        local    run a master and N agents in one JVM (--agents=1, --resources, --work_dir, --port=5050,
                 --containerizers: docker,mesos when a Docker engine answers, mesos otherwise)
        demo     start a local cluster, run the throttle framework, then DRF frameworks A, B, C side by side, shut down
                 (--executor=auto|docker|process, --drf_seconds=30secs, --task_seconds=4-8, --total_queries=2000)
        throttle the throttle load-test framework (--master, --total-queries, --queries-per-task, --parallelism,
                 --target=sink|http://...|jdbc:postgresql://..., --executor=docker|process, --executor-image)
        drf      a DRF demo framework (--master, --framework-name, --task-cpus, --task-memory, --task-seconds=20-40,
                 --executor=docker|process, --executor-image, --run_for)
        agent list, framework list [--all], task list [--all], task log TASK [--follow] [--stderr], task kill TASK
                 the operator CLI against a running master (--master=127.0.0.1:5050, --json; vmesos task --help)
        simulate run a DRF or max-min fairness scenario through the allocator, print it step by step
        bench-launch  tasks started per second by one agent and ACCEPT-to-RUNNING latency (./vmesos bench launch)
        bench-failover  leader failover times over 3 master and 2 agent processes (./vmesos bench failover)
        bench-cluster  10,000 simulated agents on the agent bus, 100 frameworks: registration, memory, launches/s
                 and latencies, beside agents as cluster members (./vmesos bench cluster)
      """;

  /** {@code vmesos local --help}: its own flags, then the master's and the cluster's. */
  static final FlagHelp LOCAL_HELP = FlagHelp.builder()
      .flag("masters", "COUNT", 1, "Masters to start: 1, or an odd number from 3, electing a leader on Raft"
          + " (HTTP on --port, --port+10, ...; Hazelcast on --cluster_port, +1, ...; registries under"
          + " --work_dir/master-N).")
      .flag("agents", "COUNT", 1, "Agents to start beside the master, in the same JVM.")
      .flag("resources", "RESOURCES", "cpus:2;mem:2048;disk:4096;ports:[31000-32000]", "Each agent's resources.")
      .flag("work_dir", "PATH", "/tmp/vmesos-local", "Agents' work directories go under it.")
      .flag("agent_port", "PORT", 5051, "The first agent's HTTP port; the others take the next ones.")
      .flag("containerizers", "docker,mesos|mesos", "docker,mesos when a Docker engine answers on "
          + DockerProbe.DEFAULT_SOCKET + ", mesos otherwise", "The agents' containerizers (vmesos agent keeps"
          + " Mesos's default, mesos).")
      .build()
      .plus(MasterConfig.HELP)
      .plus(dev.vmesos.master.security.MasterSecurity.HELP)
      .plus(dev.vmesos.api.http.HttpLimits.HELP)
      .plus(ClusterConfig.HELP);

  private Main() {
  }

  public static void main(String[] args) {
    Cluster.configureProcess();
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    if (dev.vmesos.deploy.cli.Cli.isCommand(args)) {
      System.exit(dev.vmesos.deploy.cli.Cli.run(args, System.getenv(), System.out, System.err));
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    FlagHelp help = switch (args[0]) {
      case "master" -> MasterMain.HELP;
      case "agent" -> dev.vmesos.agent.AgentMain.HELP;
      case "local" -> LOCAL_HELP;
      case "demo" -> Demo.HELP;
      default -> null; // the others print their own
    };
    if (help != null && FlagHelp.requested(rest)) {
      help.print("vmesos " + args[0] + " [--flag=value ...]", System.out);
      System.exit(0);
    }
    try {
      switch (args[0]) {
        case "master" -> MasterMain.start(rest);
        case "agent" -> AgentMain.start(rest);
        case "local" -> local(rest);
        case "demo" -> System.exit(Demo.run(rest, System.out));
        case "throttle" -> System.exit(dev.vmesos.examples.throttle.ThrottleMain.run(rest, System.out, System.err));
        case "drf" -> System.exit(dev.vmesos.examples.drf.DrfMain.run(rest, System.out, System.err));
        case "simulate" -> System.exit(SimulateCommand.run(rest, System.out));
        case "bench-launch" -> System.exit(LaunchBench.run(rest, System.out));
        case "bench-failover" -> System.exit(dev.vmesos.deploy.ha.FailoverBench.run(rest, System.out));
        case "bench-cluster" -> System.exit(dev.vmesos.deploy.bench.ClusterBench.run(rest, System.out));
        default -> {
          System.err.println("vmesos: unknown command '" + args[0] + "'\n" + USAGE);
          System.exit(2);
        }
      }
    } catch (FlagException e) {
      System.err.println("vmesos " + args[0] + ": failed to load flags: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("vmesos " + args[0] + ": " + ProcessMain.describe(e));
      System.exit(1);
    }
  }

  /** {@code vmesos local}'s flags, read once. */
  record LocalOptions(int masters, int agents, String resources, Path workDir, int agentPort, List<String> agentFlags,
                      MasterConfig master, ClusterConfig cluster, dev.vmesos.master.security.MasterSecurity security,
                      dev.vmesos.api.http.HttpLimits httpLimits) {

    static LocalOptions fromFlags(Flags flags) {
      int masters = flags.integer("masters", 1, 1, 9);
      if (masters > 1 && masters % 2 == 0) {
        throw new FlagException("Flag '--masters': " + masters + " masters cannot elect a leader; use 1, or an odd"
            + " number from 3");
      }
      int agents = flags.integer("agents", 1, 1, 64);
      String resources = flags.string("resources", "cpus:2;mem:2048;disk:4096;ports:[31000-32000]");
      Path workDir = Path.of(flags.string("work_dir", "/tmp/vmesos-local"));
      int agentPort = flags.integer("agent_port", 5051, 0, 65535);
      List<String> agentFlags = flags.optional("containerizers").map(c -> List.of("--containerizers=" + c))
          .orElseGet(() -> defaultContainerizers(DockerProbe.engineAnswers(DockerProbe.DEFAULT_SOCKET)));
      MasterConfig master = MasterConfig.fromFlags(flags);
      dev.vmesos.master.security.MasterSecurity security = dev.vmesos.master.security.MasterSecurity.fromFlags(flags,
          master.agentAuth().credentials());
      for (String ignored : MasterConfig.ignoredFlagsGiven(flags)) {
        System.err.println("vmesos local: flag '--" + ignored + "' is accepted for Mesos compatibility and ignored");
      }
      ClusterConfig cluster = ClusterConfig.fromFlags(flags, ClusterConfig.DEFAULT_HOST);
      if (masters > 1 && (security.frameworks() || security.readwrite() || security.readonly()
          || security.acls().configured())) {
        throw new FlagException("Flag '--masters': authentication and --acls are supported with one local master;"
            + " start HA masters with 'vmesos master'");
      }
      return new LocalOptions(masters, agents, resources, workDir, agentPort, agentFlags, master, cluster, security,
          dev.vmesos.api.http.HttpLimits.fromFlags(flags));
    }
  }

  /**
   * The local cluster's agents without {@code --containerizers}: {@code docker,mesos} when an engine
   * answers, so that the example frameworks' Docker executors run with no extra flag (the README's
   * quick start); Mesos's own default, {@code mesos}, otherwise. {@code vmesos agent} keeps Mesos's default.
   */
  static List<String> defaultContainerizers(boolean engineAnswers) {
    return engineAnswers ? LocalCluster.DOCKER_FLAGS : List.of("--containerizers=mesos");
  }

  /** The one line saying which containerizers the local cluster's agents run, and why. */
  static String describeContainerizers(List<String> agentFlags, boolean given) {
    String value = agentFlags.stream().filter(f -> f.startsWith("--containerizers="))
        .map(f -> f.substring("--containerizers=".length())).findFirst().orElse("mesos");
    if (given) {
      return "vmesos local: agents run --containerizers=" + value + " (as given)";
    }
    return value.contains("docker")
        ? "vmesos local: a Docker engine answers on " + DockerProbe.DEFAULT_SOCKET + ": agents run"
            + " --containerizers=docker,mesos (Docker tasks and executors, and processes)"
        : "vmesos local: no Docker engine answers on " + DockerProbe.DEFAULT_SOCKET + ": agents run"
            + " --containerizers=mesos (processes only; run the examples with --executor=process)";
  }

  private static void local(String[] args) throws Exception {
    Flags flags = Flags.parse(args, System.getenv());
    LocalOptions options = LocalOptions.fromFlags(flags);
    flags.rejectUnknown();
    System.out.println(describeContainerizers(options.agentFlags(), flags.optional("containerizers").isPresent()));
    int agents = options.agents();
    Path workDir = options.workDir();
    // The master's registry goes beside the agents' work dirs (--work_dir is the local cluster's root).
    MasterConfig master = options.master().withHa(options.master().ha().withWorkDir(workDir.resolve("master")));
    if (options.masters() > 1) {
      System.out.printf("vmesos local: starting %d masters and %d agent(s)...%n", options.masters(), agents);
      LocalCluster local = LocalCluster.startHa(options.cluster(), master, options.masters(), agents,
          options.agentPort(), options.resources(), workDir, options.agentFlags(), options.httpLimits())
          .await(180, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          local.close().await(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway
        }
      }, "vmesos-shutdown"));
      List<String> urls = new java.util.ArrayList<>();
      for (dev.vmesos.master.MasterVerticle m : local.masters()) {
        urls.add("http://" + master.ip() + ":" + m.actualPort());
      }
      byte[] ready = String.format(Locale.ROOT, "vmesos local: masters at %s (one leads; the others redirect),"
          + " agents on ports %s, work dir %s. Ctrl-C stops it.%n", String.join(" ", urls), local.agentPorts(),
          workDir).getBytes(StandardCharsets.UTF_8);
      System.out.write(ready, 0, ready.length);
      System.out.flush();
      return;
    }
    System.out.printf("vmesos local: starting a master and %d agent(s)...%n", agents);
    // Mesos's LIBPROCESS_SSL_* variables: the master serves HTTPS, and the agents reach it over TLS.
    dev.vmesos.api.config.TlsConfig tls = dev.vmesos.api.config.TlsConfig.fromEnv(System.getenv());
    LocalCluster local = LocalCluster.start(options.cluster(), master, agents, options.agentPort(),
        options.resources(), workDir, options.agentFlags(), tls, options.security(), options.httpLimits())
        .await(120, TimeUnit.SECONDS);
    Cluster.closeOnShutdown(local.vertx());
    // One write: System.out flushes every 128 bytes, and a log line on stderr may land in between when
    // both go to one pipe (scripts and tests wait for this line).
    byte[] ready = String.format(Locale.ROOT, "vmesos local: master at %s://%s:%d/api/v1/scheduler, agents on"
        + " ports %s, work dir %s. Ctrl-C stops it.%n", tls.enabled() ? "https" : "http", master.ip(),
        local.masterPort(), local.agentPorts(), workDir)
        .getBytes(StandardCharsets.UTF_8);
    System.out.write(ready, 0, ready.length);
    System.out.flush();
  }

}
