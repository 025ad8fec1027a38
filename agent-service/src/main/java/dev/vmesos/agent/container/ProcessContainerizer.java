package dev.vmesos.agent.container;

import dev.vmesos.agent.cgroups.CgroupIsolator;
import dev.vmesos.agent.cgroups.ContainerCgroup;
import dev.vmesos.agent.container.LaunchSpec;
import dev.vmesos.agent.container.ProcessLauncher;
import dev.vmesos.api.v1.Protos.CommandInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos's {@code mesos} containerizer for commands: a local process in the sandbox, in a cgroup
 * limited to the declared cpus and mem when an isolator is on. The process runs under a small
 * {@code /bin/sh} supervisor that waits for it and writes its exit value to
 * {@link ContainerPaths#exitStatus}, so that an agent restarted while it ran still learns how it
 * ended. Signals to the container reach the command too (the agent signals the whole process tree).
 */
public final class ProcessContainerizer implements Containerizer {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessContainerizer.class);

  /**
   * {@code $1} is the exit-status file, the rest the command's argv (never re-parsed). A trapped
   * TERM or INT interrupts {@code wait} without killing the supervisor; it waits again until the
   * command is gone. Handlers, unlike ignored signals, are not inherited by the command.
   */
  static final String SUPERVISOR = "f=$1; shift; \"$@\" & c=$!; trap : TERM INT HUP; "
      + "while :; do wait $c; s=$?; kill -0 $c 2>/dev/null || break; done; echo $s > \"$f\"; exit $s";

  private final Vertx vertx;
  private final Context context;
  private final ContainerCheckpoints checkpoints;
  private final ProcessLauncher launcher;
  private final CgroupIsolator isolator;
  private final TaskUsers users = new TaskUsers(true);

  /**
   * @param context  the agent verticle's
   * @param isolator null for none
   */
  public ProcessContainerizer(Vertx vertx, Context context, ContainerCheckpoints checkpoints, ProcessLauncher launcher,
      CgroupIsolator isolator) {
    this.vertx = vertx;
    this.context = context;
    this.checkpoints = checkpoints;
    this.launcher = launcher;
    this.isolator = isolator;
  }

  @Override
  public String name() {
    return "mesos";
  }

  @Override
  public Optional<String> validate(ContainerLaunch launch) {
    if (launch.isDocker()) {
      return Optional.of("The mesos containerizer does not run DOCKER containers");
    }
    return LaunchSpec.validate(launch.command()).map(why -> "Invalid command: " + why);
  }

  @Override
  public Future<Container> launch(ContainerLaunch launch) {
    LaunchSpec spec = LaunchSpec.of(launch.command(), launch.environment(), System.getenv("PATH"), launch.sandbox());
    Optional<double[]> limits = limits(launch);
    Path exitStatus = checkpoints.paths().exitStatus(launch.containerId());
    LOG.info("Launching {} (container {}) in {}{}: {}", launch.describe(), launch.containerId(), launch.sandbox(),
        launch.user().map(user -> " as user " + user.name()).orElse(""), spec.argv());
    return context.<Container>executeBlocking(() -> {
      checkExecutable(launch.command(), spec.environment().get("PATH"), launch.sandbox());
      Files.createDirectories(exitStatus.getParent());
      Files.deleteIfExists(exitStatus);
      List<String> command = spec.argv();
      if (launch.user().isPresent() && users.mustSwitch(launch.user().get())) {
        command = TaskUsers.runAs(launch.user().get(), command);
      }
      List<String> argv = supervised(exitStatus, command);
      ContainerCgroup cgroup = limits.isEmpty() ? null
          : isolator.prepare(launch.containerId(), limits.get()[0], limits.get()[1]);
      try {
        Process process = launcher.launch(new LaunchSpec(cgroup == null ? argv : cgroup.wrap(argv),
            spec.environment(), spec.sandbox()));
        checkpoints.writePid(launch.containerId(), new ContainerCheckpoints.Pid(process.pid(),
            process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis())));
        return ProcessContainer.started(vertx, context, launch.containerId(), process, cgroup, isolator, launcher, exitStatus);
      } catch (IOException | RuntimeException e) {
        if (cgroup != null) {
          isolator.destroy(cgroup);
        }
        throw e;
      }
    }, false);
  }

  /**
   * Finds a process container a previous run of the agent started: its supervisor if it still runs
   * (the pid file's process, started when the file says, so that a reused pid is not taken for it),
   * else one that has ended, with the exit value it left behind. {@code cgroup} is the container's,
   * as the isolator recovered it, if any. Blocking: call off the event loop.
   */
  public Container recover(String containerId, Optional<ContainerCgroup> cgroup) {
    Optional<ProcessHandle> handle = checkpoints.readPid(containerId).flatMap(ProcessContainerizer::running);
    return ProcessContainer.recovered(vertx, context, containerId, handle, cgroup.orElse(null), isolator, launcher,
        checkpoints.paths().exitStatus(containerId));
  }

  /** SIGKILLs a container nobody wants any more (its supervisor and all below it), if it still runs. */
  public void killOrphan(String containerId) {
    checkpoints.readPid(containerId).flatMap(ProcessContainerizer::running).ifPresent(supervisor -> {
      LOG.info("Killing orphaned container {} (pid {})", containerId, supervisor.pid());
      supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
      supervisor.destroyForcibly();
    });
  }

  /** The process of {@code pid} if it still runs and is the one that started then. */
  static Optional<ProcessHandle> running(ContainerCheckpoints.Pid pid) {
    return ProcessHandle.of(pid.pid()).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().startInstant()
            .map(i -> Math.abs(i.toEpochMilli() - pid.startedAtMillis()) < 2_000).orElse(false));
  }

  static List<String> supervised(Path exitStatus, List<String> argv) {
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", SUPERVISOR, "vmesos-supervisor",
        exitStatus.toString()));
    wrapped.addAll(argv);
    return wrapped;
  }

  /** The cpus and mem a launch is limited to, when isolation is on and it declares both. */
  private Optional<double[]> limits(ContainerLaunch launch) {
    if (isolator == null || !isolator.enabled()) {
      return Optional.empty();
    }
    double cpus = launch.resources().scalar("cpus");
    double mem = launch.resources().scalar("mem");
    if (cpus <= 0 || mem <= 0) {
      LOG.debug("{} declares no cpus or no mem: it runs without a cgroup", launch.describe());
      return Optional.empty();
    }
    return Optional.of(new double[] {cpus, mem});
  }

  /**
   * Behind the supervisor a missing program would only show as exit 127; a program (not a shell
   * command) that cannot be found or executed fails the launch at once instead, as an exec does.
   */
  static void checkExecutable(CommandInfo command, String path, Path sandbox) throws IOException {
    if (!command.hasShell() || command.getShell()) {
      return;
    }
    String program = command.getValue();
    if (program.contains("/")) {
      if (!Files.isExecutable(sandbox.resolve(program))) {
        throw new IOException("Cannot run program \"" + program + "\": not an executable file");
      }
      return;
    }
    for (String dir : (path == null ? LaunchSpec.DEFAULT_PATH : path).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir).resolve(program))) {
        return;
      }
    }
    throw new IOException("Cannot run program \"" + program + "\": not found in PATH");
  }
}
