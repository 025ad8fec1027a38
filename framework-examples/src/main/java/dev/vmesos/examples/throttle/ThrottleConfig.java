package dev.vmesos.examples.throttle;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import java.util.List;

/**
 * The throttle framework's flags, parsed once: the original's {@code --master},
 * {@code --total-queries}, {@code --queries-per-task}, {@code --parallelism}, plus {@code --target},
 * the executor's ({@code --executor}, {@code --executor-image}, {@code --executor-classpath}) and
 * each task's size ({@code --task-cpus}, {@code --task-memory}).
 */
public record ThrottleConfig(List<MasterAddress> masters, long totalQueries, int queriesPerTask, int parallelism,
                             Target target, ExecutorLaunch executor, TaskResources task, String name,
                             boolean checkpoint, dev.vmesos.client.ClientSecurity security) {

  /** Without credentials or TLS of its own. */
  public ThrottleConfig(List<MasterAddress> masters, long totalQueries, int queriesPerTask, int parallelism,
                        Target target, ExecutorLaunch executor, TaskResources task, String name, boolean checkpoint) {
    this(masters, totalQueries, queriesPerTask, parallelism, target, executor, task, name, checkpoint,
        dev.vmesos.client.ClientSecurity.none());
  }

  public ThrottleConfig {
    masters = List.copyOf(masters);
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("no master");
    }
  }

  /** Without checkpointing (FrameworkInfo.checkpoint false, as Mesos's default). */
  public ThrottleConfig(List<MasterAddress> masters, long totalQueries, int queriesPerTask, int parallelism,
                        Target target, ExecutorLaunch executor, TaskResources task, String name) {
    this(masters, totalQueries, queriesPerTask, parallelism, target, executor, task, name, false);
  }

  /** With a single master. */
  public ThrottleConfig(MasterAddress master, long totalQueries, int queriesPerTask, int parallelism,
                        Target target, ExecutorLaunch executor, TaskResources task, String name) {
    this(List.of(master), totalQueries, queriesPerTask, parallelism, target, executor, task, name, false);
  }

  /**
   * With FrameworkInfo.checkpoint set or not: a checkpointing framework's tasks outlive a restart of
   * their agent, and its updates are kept on the agent's disk until acknowledged.
   */
  public ThrottleConfig withCheckpoint(boolean checkpoint) {
    return new ThrottleConfig(masters, totalQueries, queriesPerTask, parallelism, target, executor, task, name,
        checkpoint, security);
  }

  /** With credentials (HTTP Basic) and TLS for the masters. */
  public ThrottleConfig withSecurity(dev.vmesos.client.ClientSecurity value) {
    return new ThrottleConfig(masters, totalQueries, queriesPerTask, parallelism, target, executor, task, name,
        checkpoint, value);
  }

  /** The first master listed. */
  public MasterAddress master() {
    return masters.get(0);
  }

  /** More task errors than this stop the run. */
  public static final int MAX_ERRORS = 5;

  /** What {@code throttle --help} prints, with the executor's flags. */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("master", "HOST:PORT,...", null,
          "The master (required), also as http://HOST:PORT or https://HOST:PORT, or standby masters comma-separated;"
              + " the leader is found through any of them.")
      .flag("total-queries", "COUNT", 1000, "Queries to run in all.")
      .flag("queries-per-task", "COUNT", 100, "Queries each task carries in its TaskInfo.data.")
      .flag("parallelism", "COUNT", 2, "At most this many tasks run at once; other offers are declined.")
      .flag("target", "sink|http://...|jdbc:postgresql://...", "sink",
          "What the queries hit: a counting HTTP sink the framework starts itself, an HTTP URL, or PostgreSQL.")
      .flag("task-cpus", "CPUS", 0.1, "cpus of each task (its executor's included).")
      .flag("task-memory", "MB", 128, "mem of each task (its executor's included).")
      .flag("framework-name", "NAME", "throttle", "FrameworkInfo.name.")
      .flag("checkpoint", "BOOL", false, "FrameworkInfo.checkpoint: tasks outlive a restart of their agent.")
      .build()
      .plus(dev.vmesos.client.ClientSecurity.HELP)
      .plus(ExecutorLaunch.HELP);

  public static ThrottleConfig fromFlags(Flags flags) {
    List<MasterAddress> masters;
    try {
      masters = MasterAddress.parseList(flags.required("master"));
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--master': " + e.getMessage());
    }
    int total = flags.integer("total_queries", 1000, 1, Integer.MAX_VALUE);
    int perTask = flags.integer("queries_per_task", 100, 1, 1_000_000);
    int parallelism = flags.integer("parallelism", 2, 1, 10_000);
    Target target = Target.parse(flags.string("target", "sink"));
    ExecutorLaunch executor = ExecutorLaunch.fromFlags(flags);
    TaskResources task = new TaskResources(flags.positiveNumber("task_cpus", 0.1), flags.positiveNumber("task_memory", 128));
    String name = flags.string("framework_name", "throttle");
    boolean checkpoint = flags.bool("checkpoint", false);
    return new ThrottleConfig(masters, total, perTask, parallelism, target, executor, task, name, checkpoint,
        dev.vmesos.client.ClientSecurity.fromFlags(flags, System.getenv()));
  }
}
