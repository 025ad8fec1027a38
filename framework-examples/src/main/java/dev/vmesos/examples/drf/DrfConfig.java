package dev.vmesos.examples.drf;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.examples.common.ExecutorLaunch;
import dev.vmesos.examples.common.TaskResources;
import java.util.List;

/**
 * The DRF demo framework's flags, parsed once: {@code --master}, {@code --framework-name},
 * {@code --task-cpus}, {@code --task-memory} (MB), {@code --task-seconds} (how long each task runs,
 * {@code 20-40} by default) and the executor's ({@code --executor}, {@code --executor-image},
 * {@code --executor-classpath}).
 */
public record DrfConfig(List<MasterAddress> masters, String name, TaskResources task, TaskDuration duration,
                        ExecutorLaunch executor, dev.vmesos.client.ClientSecurity security) {

  /** Without credentials or TLS of its own. */
  public DrfConfig(List<MasterAddress> masters, String name, TaskResources task, TaskDuration duration,
                   ExecutorLaunch executor) {
    this(masters, name, task, duration, executor, dev.vmesos.client.ClientSecurity.none());
  }

  /** With credentials (HTTP Basic) and TLS for the masters. */
  public DrfConfig withSecurity(dev.vmesos.client.ClientSecurity value) {
    return new DrfConfig(masters, name, task, duration, executor, value);
  }

  public DrfConfig {
    masters = List.copyOf(masters);
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("no master");
    }
  }

  /** With a single master. */
  public DrfConfig(MasterAddress master, String name, TaskResources task, TaskDuration duration,
                   ExecutorLaunch executor) {
    this(List.of(master), name, task, duration, executor);
  }

  /** The first master listed. */
  public MasterAddress master() {
    return masters.get(0);
  }

  /** What {@code drf --help} prints, with the executor's flags. */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("master", "HOST:PORT,...", null,
          "The master (required), also as http://HOST:PORT or https://HOST:PORT, or standby masters comma-separated;"
              + " the leader is found through any of them.")
      .flag("framework-name", "NAME", "drf-demo", "FrameworkInfo.name: letters, digits and . _ -.")
      .flag("task-cpus", "CPUS", 1, "cpus of each task.")
      .flag("task-memory", "MB", 512, "mem of each task.")
      .flag("task-seconds", "N|MIN-MAX", "20-40", "How long each task runs, drawn from the range.")
      .flag("run-for", "DURATION", "until stopped", "Stop after this long (0: run until interrupted).")
      .build()
      .plus(dev.vmesos.client.ClientSecurity.HELP)
      .plus(ExecutorLaunch.HELP);

  public static DrfConfig fromFlags(Flags flags) {
    List<MasterAddress> masters;
    try {
      masters = MasterAddress.parseList(flags.required("master"));
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--master': " + e.getMessage());
    }
    String name = flags.string("framework_name", "drf-demo").trim();
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new FlagException("Flag '--framework_name': '" + name + "' may hold only letters, digits and . _ -");
    }
    double cpus = flags.positiveNumber("task_cpus", 1);
    double mem = flags.positiveNumber("task_memory", 512);
    TaskDuration duration = TaskDuration.parse(flags.string("task_seconds", "20-40"));
    return new DrfConfig(masters, name, new TaskResources(cpus, mem), duration, ExecutorLaunch.fromFlags(flags),
        dev.vmesos.client.ClientSecurity.fromFlags(flags, System.getenv()));
  }
}
