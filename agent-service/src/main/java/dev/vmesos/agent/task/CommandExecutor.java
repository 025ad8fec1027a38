package dev.vmesos.agent.task;

import dev.vmesos.agent.container.LaunchSpec;
import dev.vmesos.agent.fetcher.Fetcher;
import dev.vmesos.agent.health.HealthCheckState;
import dev.vmesos.agent.health.HealthChecker;
import dev.vmesos.agent.health.HealthChecks;
import dev.vmesos.agent.health.TaskChecker;

import dev.vmesos.agent.container.Container;
import dev.vmesos.agent.container.ContainerCheckpoints;
import dev.vmesos.api.internal.Internal.ContainerCheckpoint;
import dev.vmesos.agent.container.ContainerLaunch;
import dev.vmesos.agent.container.Containerizers;
import dev.vmesos.agent.container.Termination;
import dev.vmesos.agent.cgroups.Limitation;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import dev.vmesos.api.v1.Protos.TaskStatus.Source;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in command executor: runs each command task in a container of its own (a local process,
 * or a Docker container for a DOCKER ContainerInfo, as {@link Containerizers} chooses) and reports
 * STARTING, RUNNING and a terminal state through a {@link StatusSink}. Every method runs on the
 * owning verticle's context.
 */
public final class CommandExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);

  private final Vertx vertx;
  private final Context context;
  private final Path workDir;
  private final Duration defaultKillGracePeriod;
  private final Containerizers containerizers;
  private final ContainerCheckpoints checkpoints;
  private final TaskStatusFactory statuses;
  private final StatusSink sink;
  private final TaskTable tasks = new TaskTable();
  private final Set<String> frameworksShuttingDown = new HashSet<>();
  /** Task groups by "frameworkId/executorId": the task ids launched under that DEFAULT executor. */
  private final Map<String, List<String>> groups = new HashMap<>();
  private final java.util.function.Consumer<Path> sandboxDone;
  /** For COMMAND health checks of Docker tasks, run with {@code docker exec}. */
  private final String dockerSocket;
  /** Running health checks by "frameworkId/taskId". */
  private final Map<String, HealthChecker> healthCheckers = new HashMap<>();
  /** Running general checks ({@code TaskInfo.check}) by "frameworkId/taskId". */
  private final Map<String, TaskChecker> checkers = new HashMap<>();
  /** Downloads a task's {@code CommandInfo.uris} into its sandbox before it starts (blocking: a worker). */
  private final Fetcher fetcher;
  /** Which user each task runs as ({@code --switch_user}). */
  private final dev.vmesos.agent.container.TaskUsers users;

  /**
   * {@code context} is the owning verticle's; create this from that context. A task killed by its
   * memory limit ends TASK_FAILED with {@link Reason#REASON_CONTAINER_LIMITATION_MEMORY}.
   * {@code sandboxDone} is told of each forgotten task's sandbox, to delete later ({@code --gc_delay}).
   * A task's {@code health_check} runs here, as Mesos's command executor runs it ({@link HealthChecker}).
   */
  public CommandExecutor(Vertx vertx, Context context, Path workDir, Duration defaultKillGracePeriod,
      Containerizers containerizers, ContainerCheckpoints checkpoints, TaskStatusFactory statuses, StatusSink sink,
      java.util.function.Consumer<Path> sandboxDone, String dockerSocket, Fetcher fetcher,
      dev.vmesos.agent.container.TaskUsers users) {
    this.users = users;
    this.fetcher = fetcher;
    this.sandboxDone = sandboxDone;
    this.dockerSocket = dockerSocket;
    this.checkpoints = checkpoints;
    this.vertx = vertx;
    this.context = context;
    this.workDir = workDir;
    this.defaultKillGracePeriod = defaultKillGracePeriod;
    this.containerizers = containerizers;
    this.statuses = statuses;
    this.sink = sink;
  }

  /** The tasks, for reading (state endpoint, re-registration). */
  public TaskTable tasks() {
    return tasks;
  }

  /** Starts {@code task} for {@code framework} (whose id is set) on agent {@code agentId}. */
  public void launch(AgentID agentId, FrameworkInfo framework, TaskInfo task) {
    launch(agentId, framework, task, null);
  }

  /**
   * Starts a task group as Mesos's default executor does: each task's command in its own sandbox
   * under the group's executor, reported with that executor id. When a task of the group fails or
   * is killed, the others are killed; when the last one ends, the executor has exited.
   */
  public void launchGroup(AgentID agentId, FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group) {
    String key = framework.getId().getValue() + "/" + executor.getExecutorId().getValue();
    List<String> members = groups.computeIfAbsent(key, k -> new ArrayList<>());
    LOG.info("Launching task group {} of framework {} under default executor {}",
        group.stream().map(t -> t.getTaskId().getValue()).toList(), framework.getId().getValue(),
        executor.getExecutorId().getValue());
    for (TaskInfo task : group) {
      members.add(task.getTaskId().getValue());
    }
    for (TaskInfo task : group) {
      launch(agentId, framework, task, executor.getExecutorId());
    }
  }

  private void launch(AgentID agentId, FrameworkInfo framework, TaskInfo task, ExecutorID groupExecutor) {
    String frameworkId = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    ExecutorID executorId = groupExecutor != null ? groupExecutor
        : task.hasExecutor() ? task.getExecutor().getExecutorId()
        : ExecutorID.newBuilder().setValue(taskId).build();
    String containerId = UUID.randomUUID().toString();
    Optional<String> badId = Sandboxes.validateId("Framework", frameworkId)
        .or(() -> Sandboxes.validateId("Task", taskId))
        .or(() -> Sandboxes.validateId("Executor", executorId.getValue()));
    Path sandbox = badId.isPresent()
        ? workDir
        : Sandboxes.path(workDir, agentId.getValue(), frameworkId, executorId.getValue(), containerId);
    AgentTask agentTask = new AgentTask(agentId, framework, task, executorId, containerId, sandbox);

    if (tasks.find(frameworkId, taskId).isPresent()) {
      LOG.warn("Refusing task {} of framework {} on agent {}: a task with this id is already here",
          taskId, frameworkId, agentId.getValue());
      sink.sendOnce(framework.getId(), statuses.status(agentTask, TaskState.TASK_FAILED, Source.SOURCE_AGENT,
          Reason.REASON_TASK_INVALID, "Task '" + taskId + "' already exists on this agent"));
      return;
    }
    tasks.add(agentTask);
    if (frameworksShuttingDown.remove(frameworkId)) {
      LOG.info("Framework {} launches task {} again: no longer shutting it down", frameworkId, taskId);
    }
    if (badId.isPresent()) {
      fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_TASK_INVALID, "Invalid task: " + badId.get());
      return;
    }
    Optional<String> unsupported = unsupported(task);
    if (unsupported.isPresent()) {
      fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED, unsupported.get());
      return;
    }
    Optional<String> badHealthCheck = task.hasHealthCheck() ? HealthChecks.validate(task.getHealthCheck())
        : Optional.empty();
    if (badHealthCheck.isPresent()) {
      fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_TASK_INVALID, "Invalid health check: " + badHealthCheck.get());
      return;
    }
    Optional<String> badCheck = task.hasCheck() ? TaskChecker.validate(task.getCheck()) : Optional.empty();
    if (badCheck.isPresent()) {
      fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_TASK_INVALID, "Invalid check: " + badCheck.get());
      return;
    }
    ContainerLaunch launch = containerLaunch(agentTask);
    if (!launch.isDocker()) {
      Optional<String> invalid = LaunchSpec.validate(task.getCommand());
      if (invalid.isPresent()) {
        fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_TASK_INVALID, "Invalid command: " + invalid.get());
        return;
      }
    }
    Containerizers.Choice choice = containerizers.choose(launch);
    if (choice.containerizer().isEmpty()) {
      fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED, choice.refusal());
      return;
    }
    // The URIs first, into the sandbox, as Mesos's fetcher runs before the executor; none: at once.
    List<dev.vmesos.api.v1.Protos.CommandInfo.URI> uris = task.getCommand().getUrisList();
    if (uris.isEmpty()) {
      start(agentTask, launch, choice.containerizer().get());
      return;
    }
    vertx.<Void>executeBlocking(() -> {
      fetcher.fetch(uris, agentTask.sandbox(), containerId);
      return null;
    }, false).onComplete(fetched -> {
      if (agentTask.isTerminal()) {
        return;
      }
      if (fetched.failed()) {
        // Mesos has no fetcher reason: its agent fails the launch with this one and says what failed.
        fail(agentTask, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "Failed to fetch all URIs for container '" + containerId + "': " + fetched.cause().getMessage());
        return;
      }
      if (agentTask.killRequested()) {
        // Nothing runs yet: the task ends here, as Mesos ends a task killed during its launch.
        LOG.info("Task {} of framework {} was killed while its URIs were fetched", taskId, frameworkId);
        transition(agentTask, TaskState.TASK_KILLED, Source.SOURCE_AGENT, Reason.REASON_TASK_KILLED_DURING_LAUNCH,
            "Killed while its URIs were fetched, before it started");
        groupTaskEnded(agentTask, TaskState.TASK_KILLED, 9);
        removeFrameworkIfDone(frameworkId);
        return;
      }
      LOG.info("Fetched {} URI(s) for task {} of framework {}", uris.size(), taskId, frameworkId);
      start(agentTask, launch, choice.containerizer().get());
    });
  }

  private void start(AgentTask agentTask, ContainerLaunch launch, dev.vmesos.agent.container.Containerizer containerizer) {
    transition(agentTask, TaskState.TASK_STARTING, Source.SOURCE_EXECUTOR, null, null);
    Optional<String> user = users.userOf(agentTask.framework(), agentTask.info().getCommand());
    context.<ContainerLaunch>executeBlocking(() -> {
      Optional<dev.vmesos.agent.container.TaskUsers.Account> account = user.isEmpty() ? Optional.empty()
          : Optional.of(users.lookup(user.get()));
      Sandboxes.create(agentTask.sandbox());
      if (account.isPresent()) {
        dev.vmesos.agent.container.TaskUsers.chown(agentTask.sandbox(), account.get());
      }
      return account.map(launch::withUser).orElse(launch);
    }, false)
        .compose(asUser -> checkpoint(agentTask, launch.isDocker()).compose(v -> containerizer.launch(asUser)))
        .onComplete(started -> {
      if (started.succeeded()) {
        started(agentTask, started.result());
      } else if (started.cause() instanceof dev.vmesos.agent.container.TaskUsers.UserException e) {
        userFailed(agentTask, e.getMessage());
      } else {
        launchFailed(agentTask, started.cause());
      }
    });
  }

  /** What the task's container runs: its command, resources, ContainerInfo and the MESOS_* variables. */
  private static ContainerLaunch containerLaunch(AgentTask task) {
    TaskInfo info = task.info();
    return new ContainerLaunch(task.containerId(), task.agentId().getValue(), task.frameworkId().getValue(),
        task.executorId().getValue(), Optional.of(task.taskId().getValue()),
        info.hasContainer() ? Optional.of(info.getContainer()) : Optional.empty(), info.getCommand(),
        Resources.of(info.getResourcesList()), mesosEnvironment(task), task.sandbox());
  }

  /**
   * Kills a task: SIGTERM, then SIGKILL after the grace period of {@code policy}, else of the
   * task's own kill policy, else the agent's default. An unknown or finished task is left alone.
   */
  public void kill(String frameworkId, String taskId, Optional<KillPolicy> policy) {
    Optional<AgentTask> found = tasks.find(frameworkId, taskId);
    if (found.isEmpty()) {
      LOG.info("Ignoring kill of unknown task {} of framework {}", taskId, frameworkId);
      return;
    }
    AgentTask task = found.get();
    if (task.isTerminal()) {
      LOG.debug("Ignoring kill of task {} of framework {}: already {}", taskId, frameworkId, task.state());
      return;
    }
    if (task.killRequested()) {
      LOG.debug("Task {} of framework {} is already being killed", taskId, frameworkId);
      return;
    }
    Duration grace = gracePeriod(policy.or(() -> task.info().hasKillPolicy()
        ? Optional.of(task.info().getKillPolicy())
        : Optional.empty()));
    LOG.info("Killing task {} of framework {} (grace period {} ms)", taskId, frameworkId, grace.toMillis());
    task.killRequested(true);
    if (hasKillingCapability(task.framework())) {
      transition(task, TaskState.TASK_KILLING, Source.SOURCE_EXECUTOR, null, null);
    }
    if (task.container() != null) {
      task.container().terminate(grace);
    }
    // else the launch is under way; started() kills the container as soon as there is one.
  }

  /** Kills every task of a framework; once none is left, its tasks and streams are dropped. */
  public void shutdownFramework(String frameworkId) {
    LOG.info("Shutting down framework {}", frameworkId);
    frameworksShuttingDown.add(frameworkId);
    for (AgentTask task : tasks.ofFramework(frameworkId)) {
      kill(frameworkId, task.taskId().getValue(), Optional.empty());
    }
    removeFrameworkIfDone(frameworkId);
  }

  /** Kills the tasks of one executor (for command tasks, the executor id is the task id). */
  public void shutdownExecutor(String frameworkId, String executorId) {
    List<AgentTask> matching = tasks.ofFramework(frameworkId).stream()
        .filter(t -> t.executorId().getValue().equals(executorId))
        .toList();
    if (matching.isEmpty()) {
      LOG.info("Ignoring shutdown of unknown executor {} of framework {}", executorId, frameworkId);
      return;
    }
    LOG.info("Shutting down executor {} of framework {}", executorId, frameworkId);
    matching.forEach(t -> kill(frameworkId, t.taskId().getValue(), Optional.empty()));
  }

  /** The framework acknowledged the task's terminal update: the agent can forget the task. */
  public void terminalAcknowledged(String frameworkId, String taskId) {
    tasks.complete(frameworkId, taskId).ifPresent(t -> {
      LOG.debug("Task {} of framework {} completed ({})", taskId, frameworkId, t.state());
      forgetContainer(t);
    });
  }

  /**
   * Takes back a task a previous run of the agent launched, with its container as recovered, in
   * the state its last unacknowledged update gave it ({@code RUNNING} when all were acknowledged).
   * A task that was only STARTING and whose container runs is reported RUNNING now; one whose
   * container ended meanwhile gets its terminal update as if the agent had watched.
   */
  public void recover(ContainerCheckpoint checkpoint, Optional<TaskState> lastState, Container container) {
    TaskInfo info = checkpoint.getTask();
    AgentTask task = new AgentTask(checkpoint.getAgentId(), checkpoint.getFrameworkInfo(), info,
        checkpoint.getExecutorId(), checkpoint.getContainerId(), Path.of(checkpoint.getSandbox()));
    task.state(lastState.orElse(TaskState.TASK_RUNNING));
    task.container(container);
    tasks.add(task);
    LOG.info("Recovered task {} of framework {} ({}) in container {}", info.getTaskId().getValue(),
        task.frameworkId().getValue(), task.state(), container.containerId());
    if (task.state() == TaskState.TASK_KILLING) {
      task.killRequested(true);
      container.terminate(gracePeriod(info.hasKillPolicy() ? Optional.of(info.getKillPolicy()) : Optional.empty()));
    }
    if (container.isRunning() && (task.state() == TaskState.TASK_STAGING || task.state() == TaskState.TASK_STARTING)) {
      transition(task, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR, null, null);
    }
    container.termination().onComplete(ended -> exited(task, ended.result()));
  }

  /** Writes what a restarted agent needs to find the task again, for a checkpointing framework. */
  private Future<Void> checkpoint(AgentTask task, boolean docker) {
    if (!task.framework().getCheckpoint()) {
      return Future.succeededFuture();
    }
    ContainerCheckpoint checkpoint = ContainerCheckpoint.newBuilder()
        .setContainerId(task.containerId())
        .setAgentId(task.agentId())
        .setFrameworkInfo(task.framework())
        .setExecutorId(task.executorId())
        .setTask(task.info())
        .setSandbox(task.sandbox().toString())
        .setDocker(docker)
        .build();
    return checkpoints.writeInOrder(context, checkpoint);
  }

  /** Drops what the agent kept of a finished task's container. */
  private void forgetContainer(AgentTask task) {
    sandboxDone.accept(task.sandbox());
    context.executeBlocking(() -> {
      checkpoints.remove(task.containerId());
      return null;
    }, true).onFailure(e -> LOG.warn("Cannot remove the checkpoint of {}: {}", task, e.toString()));
  }

  /**
   * Kills every running container (SIGTERM, SIGKILL after {@code grace}) for the agent's stop;
   * completes when all have exited. With {@code detachCheckpointed}, the containers of checkpointing
   * frameworks are left running, for the agent that restarts on this work_dir to recover.
   */
  public Future<Void> killAll(Duration grace, boolean detachCheckpointed) {
    healthCheckers.values().forEach(HealthChecker::stop);
    healthCheckers.clear();
    checkers.values().forEach(TaskChecker::stop);
    checkers.clear();
    List<Future<?>> exits = new ArrayList<>();
    for (AgentTask task : tasks.all()) {
      Container container = task.container();
      if (detachCheckpointed && task.framework().getCheckpoint()) {
        if (container != null && container.isRunning()) {
          LOG.info("Leaving task {} of framework {} running for the next agent on this work_dir",
              task.taskId().getValue(), task.frameworkId().getValue());
          container.release();
        }
        continue;
      }
      if (container != null && container.isRunning()) {
        task.killRequested(true);
        LOG.info("Stopping task {} of framework {}", task.taskId().getValue(), task.frameworkId().getValue());
        container.terminate(grace);
        exits.add(container.termination());
      }
    }
    return Container.awaitAll(exits, grace, "task containers");
  }

  private void started(AgentTask task, Container container) {
    task.container(container);
    if (task.killRequested()) {
      LOG.info("Task {} of framework {} was killed while launching", task.taskId().getValue(),
          task.frameworkId().getValue());
      container.terminate(Duration.ZERO);
    } else {
      LOG.info("Task {} of framework {} is running in container {}{}", task.taskId().getValue(),
          task.frameworkId().getValue(), container.containerId(),
          container.pid().isPresent() ? " as pid " + container.pid().getAsLong() : "");
      if (task.info().hasCheck()) {
        // As Mesos's command executor: TASK_RUNNING already says which check runs, with no result yet.
        task.checkStatus(TaskChecker.empty(task.info().getCheck().getType()));
      }
      transition(task, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR, null, null);
      startHealthChecks(task);
      startChecks(task);
    }
    // Last: a container that has already ended calls back at once, and its end comes after RUNNING.
    container.termination().onComplete(ended -> exited(task, ended.result()));
  }

  private void startHealthChecks(AgentTask task) {
    if (!task.info().hasHealthCheck()) {
      return;
    }
    HealthChecker checker = new HealthChecker(vertx, "task " + task.taskId().getValue() + " of framework "
        + task.frameworkId().getValue(), task.info().getHealthCheck(),
        HealthChecker.probe(task.info().getHealthCheck(), task.sandbox(), mesosEnvironment(task),
            dockerContainer(task), dockerSocket),
        java.time.Clock.systemUTC(), report -> healthReported(task, report));
    healthCheckers.put(key(task), checker);
    checker.start();
  }

  private void startChecks(AgentTask task) {
    if (!task.info().hasCheck()) {
      return;
    }
    TaskChecker checker = new TaskChecker(vertx, "task " + task.taskId().getValue() + " of framework "
        + task.frameworkId().getValue(), task.info().getCheck(), task.sandbox(), mesosEnvironment(task),
        dockerContainer(task), dockerSocket, status -> {
          if (!task.isTerminal()) {
            task.checkStatus(status);
            transition(task, task.state(), Source.SOURCE_EXECUTOR, Reason.REASON_TASK_CHECK_STATUS_UPDATED, null);
          }
        });
    checkers.put(key(task), checker);
    checker.start();
  }

  private static Optional<String> dockerContainer(AgentTask task) {
    boolean docker = task.info().hasContainer()
        && task.info().getContainer().getType() == dev.vmesos.api.v1.Protos.ContainerInfo.Type.DOCKER;
    return docker ? Optional.of(dev.vmesos.agent.docker.ContainerSpec.NAME_PREFIX + task.containerId())
        : Optional.empty();
  }

  /**
   * A change of health: an update in the task's state with {@code healthy} and
   * {@code REASON_TASK_HEALTH_CHECK_STATUS_UPDATED}, and a kill once the failures reach the limit.
   */
  private void healthReported(AgentTask task, HealthCheckState.Report report) {
    if (task.isTerminal()) {
      return;
    }
    task.healthy(report.healthy());
    transition(task, task.state(), Source.SOURCE_EXECUTOR, Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
        report.message());
    if (report.killTask()) {
      task.killedByHealthCheck(report.message());
      kill(task.frameworkId().getValue(), task.taskId().getValue(), Optional.empty());
    }
  }

  private void stopHealthChecks(AgentTask task) {
    HealthChecker checker = healthCheckers.remove(key(task));
    if (checker != null) {
      checker.stop();
    }
    TaskChecker general = checkers.remove(key(task));
    if (general != null) {
      general.stop();
    }
  }

  private static String key(AgentTask task) {
    return task.frameworkId().getValue() + "/" + task.taskId().getValue();
  }

  /**
   * The task's user does not exist here (or the agent may not run as it): as Mesos's agent when it
   * cannot make the sandbox that user's, the task is lost (dropped, for a partition-aware framework)
   * with {@code REASON_EXECUTOR_TERMINATED}, and the message says why.
   */
  private void userFailed(AgentTask task, String message) {
    stopHealthChecks(task);
    TaskState state = partitionAware(task.framework()) ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    LOG.warn("Task {} of framework {} is {}: {}", task.taskId().getValue(), task.frameworkId().getValue(), state,
        message);
    transition(task, state, Source.SOURCE_AGENT, Reason.REASON_EXECUTOR_TERMINATED, message);
    groupTaskEnded(task, state, 1);
    removeFrameworkIfDone(task.frameworkId().getValue());
  }

  static boolean partitionAware(FrameworkInfo framework) {
    return framework.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  private void launchFailed(AgentTask task, Throwable cause) {
    LOG.warn("Failed to launch task {} of framework {}: {}", task.taskId().getValue(),
        task.frameworkId().getValue(), cause.getMessage());
    fail(task, Source.SOURCE_EXECUTOR, Reason.REASON_COMMAND_EXECUTOR_FAILED,
        "Failed to launch command: " + cause.getMessage());
  }

  private void exited(AgentTask task, Termination termination) {
    stopHealthChecks(task);
    if (task.isTerminal()) {
      return;
    }
    TaskState state;
    Source source = Source.SOURCE_EXECUTOR;
    Reason reason = null;
    String message;
    Optional<Limitation> limitation = termination.limitation().filter(l -> !task.killRequested());
    if (limitation.isPresent()) {
      state = TaskState.TASK_FAILED;
      source = Source.SOURCE_AGENT;
      reason = limitation.get().reason();
      message = limitation.get().message();
    } else if (termination.exitValue().isEmpty()) {
      state = task.killRequested() ? TaskState.TASK_KILLED : TaskState.TASK_FAILED;
      source = Source.SOURCE_AGENT;
      reason = Reason.REASON_EXECUTOR_TERMINATED;
      message = "Container " + task.containerId() + " ended while the agent was down; its exit status is unknown";
    } else {
      int exitValue = termination.exitValue().get();
      state = task.killRequested() ? TaskState.TASK_KILLED
          : ExitStatus.isSuccess(exitValue) ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
      message = ExitStatus.describe(exitValue);
      if (task.killedByHealthCheck() != null) {
        message = "Killed after failed health checks (" + task.killedByHealthCheck() + "); " + message;
      }
    }
    LOG.info("Task {} of framework {} is {}: {}", task.taskId().getValue(), task.frameworkId().getValue(), state,
        message);
    transition(task, state, source, reason, message);
    groupTaskEnded(task, state, termination.exitValue().orElse(1));
    removeFrameworkIfDone(task.frameworkId().getValue());
  }

  private void fail(AgentTask task, Source source, Reason reason, String message) {
    stopHealthChecks(task);
    LOG.warn("Task {} of framework {} failed: {}", task.taskId().getValue(), task.frameworkId().getValue(), message);
    transition(task, TaskState.TASK_FAILED, source, reason, message);
    groupTaskEnded(task, TaskState.TASK_FAILED, 1);
    removeFrameworkIfDone(task.frameworkId().getValue());
  }

  /** A task of a group ended: a failure takes the group down; the last one ends the executor. */
  private void groupTaskEnded(AgentTask task, TaskState state, int waitStatus) {
    String frameworkId = task.frameworkId().getValue();
    String key = frameworkId + "/" + task.executorId().getValue();
    List<String> members = groups.get(key);
    if (members == null || !members.contains(task.taskId().getValue())) {
      return;
    }
    List<AgentTask> group = members.stream()
        .map(id -> tasks.find(frameworkId, id)).flatMap(Optional::stream).toList();
    if (state != TaskState.TASK_FINISHED) {
      for (AgentTask sibling : group) {
        if (!sibling.isTerminal() && !sibling.killRequested()) {
          LOG.info("Killing task {} of framework {}: task {} of its group is {}", sibling.taskId().getValue(),
              frameworkId, task.taskId().getValue(), state);
          kill(frameworkId, sibling.taskId().getValue(), Optional.empty());
        }
      }
    }
    if (group.stream().allMatch(AgentTask::isTerminal)) {
      groups.remove(key);
      LOG.info("Default executor {} of framework {} exited: its task group ended", task.executorId().getValue(),
          frameworkId);
      sink.executorExited(task.frameworkId(), task.executorId(), 0);
    }
  }

  private void transition(AgentTask task, TaskState state, Source source, Reason reason, String message) {
    task.state(state);
    dev.vmesos.api.v1.Protos.TaskStatus status = statuses.status(task, state, source, reason, message);
    if (task.healthy() != null) {
      // Once checked, every update says how healthy the task last was (the terminal one too).
      status = status.toBuilder().setHealthy(task.healthy()).build();
    }
    if (task.checkStatus() != null) {
      status = status.toBuilder().setCheckStatus(task.checkStatus()).build();
    }
    sink.update(task.frameworkId(), status);
  }

  private void removeFrameworkIfDone(String frameworkId) {
    if (frameworksShuttingDown.contains(frameworkId)
        && tasks.ofFramework(frameworkId).stream().allMatch(AgentTask::isTerminal)) {
      frameworksShuttingDown.remove(frameworkId);
      tasks.ofFramework(frameworkId).forEach(this::forgetContainer);
      tasks.removeFramework(frameworkId);
      sink.frameworkRemoved(frameworkId);
      LOG.info("Framework {} is shut down: no task left", frameworkId);
    }
  }

  private Duration gracePeriod(Optional<KillPolicy> policy) {
    return policy.filter(KillPolicy::hasGracePeriod)
        .map(p -> Duration.ofNanos(Math.max(0, p.getGracePeriod().getNanoseconds())))
        .orElse(defaultKillGracePeriod);
  }

  private static Optional<String> unsupported(TaskInfo task) {
    if (task.hasExecutor()) {
      return Optional.of("Custom executors are not supported by this agent yet (task has an ExecutorInfo)");
    }
    if (!task.hasCommand()) {
      return Optional.of("Task has no command, and custom executors are not supported by this agent yet");
    }
    return Optional.empty();
  }

  private static boolean hasKillingCapability(FrameworkInfo framework) {
    return framework.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
  }

  private static Map<String, String> mesosEnvironment(AgentTask task) {
    Map<String, String> env = new LinkedHashMap<>();
    String sandbox = task.sandbox().toString();
    env.put("MESOS_SANDBOX", sandbox);
    env.put("MESOS_DIRECTORY", sandbox);
    env.put("MESOS_TASK_ID", task.taskId().getValue());
    env.put("MESOS_FRAMEWORK_ID", task.frameworkId().getValue());
    env.put("MESOS_AGENT_ID", task.agentId().getValue());
    env.put("MESOS_EXECUTOR_ID", task.executorId().getValue());
    return env;
  }
}
