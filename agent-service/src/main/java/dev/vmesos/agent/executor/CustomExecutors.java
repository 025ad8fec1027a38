package dev.vmesos.agent.executor;

import dev.vmesos.agent.cgroups.Limitation;
import dev.vmesos.agent.container.Container;
import dev.vmesos.agent.container.ContainerCheckpoints;
import dev.vmesos.api.internal.Internal.ContainerCheckpoint;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.agent.container.ContainerLaunch;
import dev.vmesos.agent.container.TaskUsers;
import dev.vmesos.agent.container.Containerizers;
import dev.vmesos.agent.container.Termination;
import dev.vmesos.agent.executor.CustomExecutor.State;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.agent.task.ExitStatus;
import dev.vmesos.agent.container.LaunchSpec;
import dev.vmesos.agent.task.Sandboxes;
import dev.vmesos.agent.task.StatusSink;
import dev.vmesos.agent.task.TaskStatusFactory;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage;
import dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ContainerID;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ContainerStatus;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.KillPolicy;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import dev.vmesos.api.v1.Protos.TaskStatus.Source;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's custom executors: starts one container per (framework, executor id) for tasks that
 * carry an ExecutorInfo (a local process, or a Docker container for a DOCKER ContainerInfo), hands
 * it those tasks over the executor HTTP API once it subscribes, forwards its status updates and
 * messages to the master, and relays kills, acknowledgements, messages and shutdowns back to it.
 * Every method runs on the owning verticle's context.
 */
public final class CustomExecutors {

  private static final Logger LOG = LoggerFactory.getLogger(CustomExecutors.class);

  /**
   * Timings and places.
   *
   * @param workDir             root of the sandboxes ({@code --work_dir})
   * @param registrationTimeout how long a started executor may take to subscribe
   * @param heartbeatInterval   how often subscribed executors get a HEARTBEAT event
   * @param killEscalation      SIGTERM-to-SIGKILL wait once an executor's shutdown grace is over
   * @param reregistrationTimeout how long a recovered executor may take to subscribe again
   * @param recoveryTimeout     how long a checkpointing framework's executors keep trying to reach a
   *                            restarted agent ({@code MESOS_RECOVERY_TIMEOUT})
   */
  public record Options(Path workDir, Duration registrationTimeout, Duration heartbeatInterval,
      Duration killEscalation, Duration reregistrationTimeout, Duration recoveryTimeout) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  }

  private final dev.vmesos.api.bus.AgentBus bus;
  private final Vertx vertx;
  private final Context context;
  private final Options options;
  private final Containerizers containerizers;
  private final ContainerCheckpoints checkpoints;
  private final StatusSink sink;
  private final Supplier<AgentInfo> agentInfo;
  private final Supplier<String> agentEndpoint;
  private final BiPredicate<String, String> otherTaskExists;
  private final Clock clock;
  /** Live executors by "frameworkId/executorId". */
  private final Map<String, CustomExecutor> executors = new LinkedHashMap<>();
  /** Tasks of custom executors by "frameworkId/taskId", until their terminal update is acknowledged. */
  private final Map<String, ExecutorTask> tasks = new LinkedHashMap<>();
  /** Frameworks the master shut down whose executors have not all exited yet. */
  private final Set<String> frameworksShuttingDown = new HashSet<>();
  private final java.util.function.Consumer<Path> sandboxDone;
  private final dev.vmesos.agent.fetcher.Fetcher fetcher;
  private long heartbeatTimerId = -1;
  /** Signs each executor run's token ({@code --jwt_secret_key}); none: executors get no token. */
  private Optional<ExecutorTokens> tokens = Optional.empty();
  /** Which user each executor runs as ({@code --switch_user}); by default the agent's own. */
  private TaskUsers users = new TaskUsers(false);
  /** The LIBPROCESS_SSL_* variables executors get; none without TLS. */
  private Map<String, String> tlsVariables = Map.of();

  /**
   * @param agentInfo       the agent's info with its id (asked when needed; tasks arrive only once
   *                        the agent is registered)
   * @param agentEndpoint   {@code ip:port} of the agent's HTTP server, for MESOS_AGENT_ENDPOINT
   * @param otherTaskExists whether (framework id, task id) is already a command task here
   * @param sandboxDone     told of each exited executor's sandbox, to delete later ({@code --gc_delay})
   * @param fetcher         fetches an executor's {@code CommandInfo.uris} into its sandbox before it starts
   */
  public CustomExecutors(Vertx vertx, Context context, dev.vmesos.api.bus.AgentBus bus, Options options,
      Containerizers containerizers,
      ContainerCheckpoints checkpoints, StatusSink sink,
      Supplier<AgentInfo> agentInfo, Supplier<String> agentEndpoint, BiPredicate<String, String> otherTaskExists,
      Clock clock, java.util.function.Consumer<Path> sandboxDone, dev.vmesos.agent.fetcher.Fetcher fetcher) {
    this.fetcher = fetcher;
    this.sandboxDone = sandboxDone;
    this.vertx = vertx;
    this.context = context;
    this.bus = bus;
    this.options = options;
    this.containerizers = containerizers;
    this.checkpoints = checkpoints;
    this.sink = sink;
    this.agentInfo = agentInfo;
    this.agentEndpoint = agentEndpoint;
    this.otherTaskExists = otherTaskExists;
    this.clock = clock;
  }

  /**
   * With a key, each executor started from now on gets its token in
   * {@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN} (claims: framework, executor, container id).
   */
  public CustomExecutors withTokens(Optional<ExecutorTokens> signer) {
    this.tokens = signer;
    return this;
  }

  /**
   * With TLS on, executors get the agent's {@code LIBPROCESS_SSL_*} variables, as a Mesos executor
   * inherits them from its agent: the executor library then reaches the agent over HTTPS, trusting
   * the CA (and presenting the certificate when the agent requires one).
   */
  public CustomExecutors withAgentTls(dev.vmesos.api.config.TlsConfig tls) {
    this.tlsVariables = ExecutorEnvironment.tls(tls);
    return this;
  }

  /** Executors run as their command's user, else their framework's, under {@code --switch_user}. */
  public CustomExecutors withUsers(TaskUsers taskUsers) {
    this.users = taskUsers;
    return this;
  }

  /**
   * The container id of the current run of an executor, the {@code cid} its token must carry; empty
   * when no such executor runs here.
   */
  Optional<String> containerOf(String frameworkId, String executorId) {
    return Optional.ofNullable(executors.get(key(frameworkId, executorId))).map(executor -> executor.containerId);
  }

  /** Whether a RunTask's task goes to a custom executor (it has an ExecutorInfo not of type DEFAULT). */
  public static boolean runsUnderCustomExecutor(TaskInfo task) {
    return task.hasExecutor() && task.getExecutor().getType() != ExecutorInfo.Type.DEFAULT;
  }

  // ---------------------------------------------------------------------------------------------
  // From the master.

  /** Queues {@code task} for its executor, starting the executor if it does not run yet. */
  public void launch(FrameworkInfo framework, TaskInfo task) {
    String frameworkId = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    ExecutorInfo info = task.getExecutor().hasFrameworkId() ? task.getExecutor()
        : task.getExecutor().toBuilder().setFrameworkId(framework.getId()).build();
    String executorId = info.getExecutorId().getValue();
    ExecutorTask agentTask = new ExecutorTask(framework, task, info.getExecutorId());
    if (tasks.containsKey(key(frameworkId, taskId)) || otherTaskExists.test(frameworkId, taskId)) {
      LOG.warn("Refusing task {} of framework {}: a task with this id is already here", taskId, frameworkId);
      sink.sendOnce(framework.getId(), status(agentTask, null, TaskState.TASK_FAILED, Reason.REASON_TASK_INVALID,
          "Task '" + taskId + "' already exists on this agent"));
      return;
    }
    tasks.put(key(frameworkId, taskId), agentTask);
    if (frameworksShuttingDown.remove(frameworkId)) {
      LOG.info("Framework {} launches task {} again: no longer shutting it down", frameworkId, taskId);
    }
    Optional<String> badId = Sandboxes.validateId("Framework", frameworkId)
        .or(() -> Sandboxes.validateId("Task", taskId))
        .or(() -> Sandboxes.validateId("Executor", executorId));
    if (badId.isPresent()) {
      fail(agentTask, null, Reason.REASON_TASK_INVALID, "Invalid task: " + badId.get());
      return;
    }
    CustomExecutor executor = executors.get(key(frameworkId, executorId));
    if (executor != null) {
      if (executor.state == State.TERMINATING) {
        fail(agentTask, executor, Reason.REASON_EXECUTOR_TERMINATED,
            "Executor '" + executorId + "' of framework '" + frameworkId + "' is shutting down");
      } else if (!executor.info.equals(info)) {
        // Mesos's master refuses this as TASK_ERROR/REASON_TASK_INVALID; the agent must not run it.
        fail(agentTask, executor, Reason.REASON_TASK_INVALID, "ExecutorInfo of task '" + taskId
            + "' is not compatible with that of the running executor '" + executorId + "'");
      } else {
        addTask(executor, agentTask);
      }
      return;
    }
    Optional<String> unsupported = unsupported(info);
    if (unsupported.isPresent()) {
      fail(agentTask, null, Reason.REASON_CONTAINER_LAUNCH_FAILED, unsupported.get());
      return;
    }
    boolean docker = info.hasContainer() && info.getContainer().getType() == ContainerInfo.Type.DOCKER;
    Optional<String> invalid = docker ? Optional.empty() : LaunchSpec.validate(info.getCommand());
    if (invalid.isPresent()) {
      fail(agentTask, null, Reason.REASON_TASK_INVALID, "Invalid executor command: " + invalid.get());
      return;
    }
    start(framework, info, agentTask);
  }

  /** Whether {@code taskId} of {@code frameworkId} belongs to a custom executor here. */
  public boolean owns(String frameworkId, String taskId) {
    return tasks.containsKey(key(frameworkId, taskId));
  }

  /** Whether a custom executor of this id runs here for the framework. */
  public boolean hasExecutor(String frameworkId, String executorId) {
    return executors.containsKey(key(frameworkId, executorId));
  }

  /**
   * Kills a task: a task the executor has not been given yet ends TASK_KILLED at once (Mesos's
   * REASON_TASK_KILLED_DURING_LAUNCH); otherwise the executor gets a KILL event and reports the end.
   */
  public void kill(String frameworkId, String taskId, Optional<KillPolicy> policy) {
    ExecutorTask task = tasks.get(key(frameworkId, taskId));
    if (task == null || task.isTerminal()) {
      LOG.info("Ignoring kill of task {} of framework {}: {}", taskId, frameworkId,
          task == null ? "unknown" : "already " + task.state);
      return;
    }
    CustomExecutor executor = executors.get(key(frameworkId, task.executorId.getValue()));
    if (executor == null) {
      LOG.info("Ignoring kill of task {} of framework {}: its executor is gone", taskId, frameworkId);
      return;
    }
    if (!task.launched) {
      LOG.info("Killing task {} of framework {} before {} was given it", taskId, frameworkId, executor);
      transition(task, executor, TaskState.TASK_KILLED, Source.SOURCE_AGENT, Reason.REASON_TASK_KILLED_DURING_LAUNCH,
          "Task killed before it was launched");
      if (!executor.isSubscribed() && executor.tasks.values().stream().allMatch(ExecutorTask::isTerminal)) {
        shutdown(executor, "its last queued task was killed");
      }
      return;
    }
    if (!executor.isSubscribed()) {
      LOG.warn("Cannot kill task {} of framework {}: {} is not connected", taskId, frameworkId, executor);
      return;
    }
    Optional<KillPolicy> effective = policy.or(() -> task.info.hasKillPolicy()
        ? Optional.of(task.info.getKillPolicy()) : Optional.empty());
    LOG.info("Sending KILL of task {} of framework {} to {}", taskId, frameworkId, executor);
    executor.stream.send(ExecutorEvents.kill(task.info.getTaskId(), effective));
  }

  /** Shuts one executor down; false if no such custom executor runs here. */
  public boolean shutdownExecutor(String frameworkId, String executorId) {
    CustomExecutor executor = executors.get(key(frameworkId, executorId));
    if (executor == null) {
      return false;
    }
    shutdown(executor, "the master asked");
    return true;
  }

  /**
   * Shuts down every executor of a framework, idle ones included (as Mesos's agent on
   * ShutdownFrameworkMessage); once the last one has exited, the agent forgets the framework.
   */
  public void shutdownFramework(String frameworkId) {
    boolean any = false;
    for (CustomExecutor executor : List.copyOf(executors.values())) {
      if (executor.frameworkId().equals(frameworkId)) {
        any = true;
        shutdown(executor, "framework " + frameworkId + " is shutting down");
      }
    }
    if (any) {
      frameworksShuttingDown.add(frameworkId);
    } else {
      forgetFramework(frameworkId);
    }
  }

  /** The framework is shut down and none of its executors runs: its tasks and update streams go. */
  private void forgetFramework(String frameworkId) {
    frameworksShuttingDown.remove(frameworkId);
    int forgotten = 0;
    for (ExecutorTask task : List.copyOf(tasks.values())) {
      if (task.frameworkId().equals(frameworkId)) {
        tasks.remove(key(frameworkId, task.taskId()));
        forgotten++;
      }
    }
    if (forgotten > 0) {
      sink.frameworkRemoved(frameworkId);
      LOG.info("Framework {} is shut down: no custom executor left; forgot {} task(s)", frameworkId, forgotten);
    }
  }

  /** A scheduler's MESSAGE for an executor: becomes a MESSAGE event, or is dropped (as Mesos does). */
  public void frameworkMessage(FrameworkToExecutorMessage message) {
    String frameworkId = message.getFrameworkId().getValue();
    String executorId = message.getExecutorId().getValue();
    CustomExecutor executor = executors.get(key(frameworkId, executorId));
    if (executor == null || !executor.isSubscribed()) {
      LOG.warn("Dropping a message of framework {} for executor {}: {}", frameworkId, executorId,
          executor == null ? "no such executor" : "it is not subscribed");
      return;
    }
    LOG.info("Sending MESSAGE ({} bytes) of framework {} to {}", message.getData().size(), frameworkId, executor);
    executor.stream.send(ExecutorEvents.message(message.getData()));
  }

  /**
   * The framework acknowledged an update: if it came from a custom executor, the executor gets
   * ACKNOWLEDGED. Call before the status-update streams see the acknowledgement (they may forget
   * the task).
   */
  public void acknowledged(StatusUpdateAcknowledgement ack) {
    ExecutorTask task = tasks.get(key(ack.getFrameworkId().getValue(), ack.getTaskId().getValue()));
    if (task == null || !task.pendingAcks.remove(ack.getUuid())) {
      return;
    }
    CustomExecutor executor = executors.get(key(task.frameworkId(), task.executorId.getValue()));
    if (executor == null || !executor.isSubscribed()) {
      LOG.debug("Not forwarding the acknowledgement of task {} of framework {}: its executor is not connected",
          task.taskId(), task.frameworkId());
      return;
    }
    LOG.debug("Sending ACKNOWLEDGED for task {} of framework {} to {}", task.taskId(), task.frameworkId(), executor);
    executor.stream.send(ExecutorEvents.acknowledged(ack.getTaskId(), ack.getUuid()));
  }

  /** The task's terminal update was acknowledged: the agent forgets it. */
  public void terminalAcknowledged(String frameworkId, String taskId) {
    ExecutorTask task = tasks.remove(key(frameworkId, taskId));
    if (task == null) {
      return;
    }
    CustomExecutor executor = executors.get(key(frameworkId, task.executorId.getValue()));
    if (executor != null) {
      executor.tasks.remove(taskId);
      if (executor.framework.getCheckpoint()) {
        checkpointIo("forget task " + taskId + " of " + executor,
            () -> checkpoints.removeExecutorTask(executor.containerId, taskId));
      }
    }
    LOG.debug("Task {} of framework {} (custom executor {}) completed ({})", taskId, frameworkId,
        task.executorId.getValue(), task.state);
  }

  // ---------------------------------------------------------------------------------------------
  // From executors (the HTTP API).

  /**
   * A SUBSCRIBE (or re-SUBSCRIBE): {@code open} starts the 200 response and is called only if the
   * call is accepted. Sends SUBSCRIBED, then LAUNCH for every task the executor has not had yet.
   */
  CallResult subscribe(Call call, Supplier<ExecutorEventStream> open) {
    CustomExecutor executor = executors.get(key(call));
    if (executor == null) {
      return notFound(call);
    }
    if (executor.state == State.TERMINATING || executor.state == State.TERMINATED) {
      return CallResult.forbidden("Executor is terminating");
    }
    boolean resubscribe = executor.stream != null || executor.state == State.RUNNING;
    if (executor.stream != null) {
      executor.stream.close();
    }
    cancelTimer(executor.registrationTimerId);
    executor.registrationTimerId = -1;
    executor.stream = open.get();
    executor.state = State.RUNNING;
    Call.Subscribe subscribe = call.getSubscribe();
    LOG.info("{} {} ({} unacknowledged task(s), {} unacknowledged update(s))", executor,
        resubscribe ? "re-subscribed" : "subscribed", subscribe.getUnacknowledgedTasksCount(),
        subscribe.getUnacknowledgedUpdatesCount());
    executor.stream.send(ExecutorEvents.subscribed(executor.info, executor.framework, agentInfo.get(),
        executor.containerId));
    Set<String> known = new HashSet<>();
    subscribe.getUnacknowledgedTasksList().forEach(t -> known.add(t.getTaskId().getValue()));
    for (Call.Update update : subscribe.getUnacknowledgedUpdatesList()) {
      ExecutorTask task = executor.tasks.get(update.getStatus().getTaskId().getValue());
      if (task == null || (update.getStatus().hasUuid() && task.pendingAcks.contains(update.getStatus().getUuid()))) {
        continue;   // already forwarded, or not this executor's: nothing to redo
      }
      known.add(task.taskId());
      forward(executor, task, update.getStatus());
    }
    for (ExecutorTask task : executor.tasks.values()) {
      if (known.contains(task.taskId())) {
        task.launched = true;
      } else if (!task.launched && !task.isTerminal()) {
        deliver(executor, task);
      }
    }
    startHeartbeats();
    return CallResult.SUBSCRIBED;
  }

  /** The executor's SUBSCRIBE connection closed: it may subscribe again. */
  void streamClosed(Call call, ExecutorEventStream stream) {
    CustomExecutor executor = executors.get(key(call));
    if (executor != null && executor.stream == stream) {
      executor.stream = null;
      LOG.info("{} disconnected", executor);
    }
  }

  /** An UPDATE: stamped as Mesos does and forwarded reliably to the master. */
  CallResult update(Call call) {
    CustomExecutor executor = executors.get(key(call));
    if (executor == null) {
      return notFound(call);
    }
    TaskStatus status = call.getUpdate().getStatus();
    ExecutorTask task = executor.tasks.get(status.getTaskId().getValue());
    if (task == null) {
      LOG.warn("Refusing an update of {} for task {}: not one of its tasks", executor, status.getTaskId().getValue());
      return CallResult.badRequest("Task '" + status.getTaskId().getValue() + "' is not a task of executor '"
          + executor.executorId() + "' of framework '" + executor.frameworkId() + "'");
    }
    forward(executor, task, status);
    return CallResult.ACCEPTED;
  }

  /** A MESSAGE for the scheduler, sent on to the leading master. */
  CallResult message(Call call) {
    CustomExecutor executor = executors.get(key(call));
    if (executor == null) {
      return notFound(call);
    }
    LOG.info("{} sends a MESSAGE ({} bytes) to its framework", executor, call.getMessage().getData().size());
    bus.send(Addresses.MASTER_LEADER, ExecutorToFrameworkMessage.newBuilder()
        .setFrameworkId(call.getFrameworkId())
        .setExecutorId(call.getExecutorId())
        .setAgentId(agentInfo.get().getId())
        .setData(call.getMessage().getData())
        .build());
    return CallResult.ACCEPTED;
  }

  CallResult heartbeat(Call call) {
    return executors.containsKey(key(call)) ? CallResult.ACCEPTED : notFound(call);
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery after an agent restart.

  /**
   * Takes back a checkpointing framework's executor a previous run of the agent started, with its
   * container as recovered, the tasks it had been given and those still queued for it (handed over
   * when it subscribes again). Each task is in the state of its last unacknowledged update (RUNNING
   * when all were acknowledged, STAGING for a queued one), and those updates count as forwarded
   * (the status update streams resend them). The executor gets {@code reregistrationTimeout} to
   * subscribe again, else it is killed and its tasks fail; one whose container ended meanwhile ends
   * its tasks at once.
   *
   * @param pending the recovered unacknowledged updates, by {@code frameworkId/taskId}
   */
  public void recover(ContainerCheckpoint checkpoint, List<ContainerCheckpoints.ExecutorTaskCheckpoint> given,
      Map<String, List<StatusUpdate>> pending, Container container) {
    FrameworkInfo framework = checkpoint.getFrameworkInfo();
    ExecutorInfo info = checkpoint.getExecutorInfo();
    CustomExecutor executor = new CustomExecutor(framework, info, checkpoint.getContainerId(),
        Path.of(checkpoint.getSandbox()));
    executor.recovered = true;
    executor.container = container;
    executor.state = State.REGISTERING;
    executors.put(key(executor.frameworkId(), executor.executorId()), executor);
    for (ContainerCheckpoints.ExecutorTaskCheckpoint checkpointed : given) {
      ExecutorTask task = new ExecutorTask(framework, checkpointed.task(), info.getExecutorId());
      // A task still queued for the executor is handed over when it subscribes again.
      task.launched = checkpointed.launched();
      List<StatusUpdate> updates = pending.getOrDefault(task.frameworkId() + "/" + task.taskId(), List.of());
      TaskState unreported = task.launched ? TaskState.TASK_RUNNING : TaskState.TASK_STAGING;
      task.state = updates.isEmpty() ? unreported : updates.get(updates.size() - 1).getStatus().getState();
      updates.forEach(u -> task.pendingAcks.add(u.getStatus().getUuid()));
      executor.tasks.put(task.taskId(), task);
      tasks.put(key(task.frameworkId(), task.taskId()), task);
    }
    LOG.info("Recovered {} in container {} with {} task(s); waiting {} ms for it to subscribe again", executor,
        executor.containerId, given.size(), options.reregistrationTimeout().toMillis());
    executor.registrationTimerId = vertx.setTimer(Math.max(1, options.reregistrationTimeout().toMillis()), id -> {
      executor.registrationTimerId = -1;
      registrationTimedOut(executor);
    });
    container.termination().onComplete(ended -> exited(executor, ended.result()));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading (state endpoint, re-registration) and stopping.

  /** Every task of a custom executor not yet completed, as reported when re-registering. */
  public List<RunningTask> runningTasks() {
    return tasks.values().stream()
        .map(t -> RunningTask.newBuilder()
            .setFrameworkId(t.framework.getId())
            .setTask(t.info)
            .setState(t.state)
            .setFrameworkInfo(t.framework)
            .build())
        .toList();
  }

  /** Every live custom executor with its tasks, for the agent API. */
  public List<ExecutorsReport.ExecutorSnapshot> snapshot() {
    return ExecutorsReport.snapshot(executors.values());
  }

  /** The live executors of each framework, Mesos {@code /state} style, by framework. */
  public Map<FrameworkInfo, JsonArray> stateByFramework() {
    return ExecutorsReport.stateByFramework(executors.values());
  }

  /**
   * Kills every executor container (SIGTERM, SIGKILL after {@code grace}); completes once all exited.
   * With {@code detachCheckpointed}, the executors of checkpointing frameworks are left running (their
   * streams close; they subscribe again to the agent that restarts on this work_dir).
   */
  public Future<Void> stop(Duration grace, boolean detachCheckpointed) {
    cancelTimer(heartbeatTimerId);
    heartbeatTimerId = -1;
    List<Future<?>> exits = new ArrayList<>();
    for (CustomExecutor executor : List.copyOf(executors.values())) {
      cancelTimers(executor);
      if (executor.stream != null) {
        executor.stream.close();
      }
      Container container = executor.container;
      if (detachCheckpointed && executor.framework.getCheckpoint() && container != null) {
        LOG.info("Leaving {} running for the next agent on this work_dir", executor);
        container.release();
        continue;
      }
      executor.state = State.TERMINATING;
      if (container != null && container.isRunning()) {
        LOG.info("Stopping {}", executor);
        container.terminate(grace);
        exits.add(container.termination());
      }
    }
    return Container.awaitAll(exits, grace, "executor containers");
  }

  // ---------------------------------------------------------------------------------------------
  // Executor containers.

  private void start(FrameworkInfo framework, ExecutorInfo info, ExecutorTask first) {
    AgentInfo agent = agentInfo.get();
    String containerId = UUID.randomUUID().toString();
    Path sandbox = Sandboxes.path(options.workDir(), agent.getId().getValue(), framework.getId().getValue(),
        info.getExecutorId().getValue(), containerId);
    CustomExecutor executor = new CustomExecutor(framework, info, containerId, sandbox);
    executors.put(key(executor.frameworkId(), executor.executorId()), executor);
    addTask(executor, first);
    ContainerLaunch launch = new ContainerLaunch(containerId, agent.getId().getValue(), executor.frameworkId(),
        executor.executorId(), Optional.empty(), info.hasContainer() ? Optional.of(info.getContainer()) : Optional.empty(),
        info.getCommand(), Resources.of(info.getResourcesList()),
        environment(agent, framework, executor), sandbox);
    Containerizers.Choice choice = containerizers.choose(launch);
    if (choice.containerizer().isEmpty()) {
      launchFailed(executor, choice.refusal());
      return;
    }
    executor.registrationTimerId = vertx.setTimer(options.registrationTimeout().toMillis(), id -> {
      executor.registrationTimerId = -1;
      registrationTimedOut(executor);
    });
    Optional<String> user = users.userOf(framework, info.getCommand());
    createSandbox(sandbox, user)
        .compose(account -> fetch(executor).map(account))
        .compose(account -> ownSandbox(sandbox, account))
        .compose(account -> checkpoint(executor, agent, launch.isDocker()).map(account))
        .compose(account -> choice.containerizer().get().launch(account.map(launch::withUser).orElse(launch)))
        .onComplete(started -> {
          if (started.succeeded()) {
            started(executor, started.result());
          } else if (started.cause() instanceof TaskUsers.UserException e) {
            userFailed(executor, e.getMessage());
          } else {
            launchFailed(executor, started.cause().getMessage());
          }
        });
  }

  private Map<String, String> environment(AgentInfo agent, FrameworkInfo framework, CustomExecutor executor) {
    Map<String, String> env = ExecutorEnvironment.of(agent.getId().getValue(), executor.frameworkId(),
        executor.executorId(), agentEndpoint.get(), executor.sandbox, executor.shutdownGracePeriod(),
        framework.getCheckpoint() ? Optional.of(options.recoveryTimeout()) : Optional.empty(),
        options.reregistrationTimeout());
    env.putAll(tlsVariables);
    tokens.ifPresent(signer -> env.put(ExecutorEnvironment.TOKEN,
        signer.sign(executor.frameworkId(), executor.executorId(), executor.containerId)));
    return env;
  }

  /** The executor's {@code CommandInfo.uris}, into its sandbox, before it starts (on a worker). */
  private Future<Void> fetch(CustomExecutor executor) {
    List<dev.vmesos.api.v1.Protos.CommandInfo.URI> uris = executor.info.getCommand().getUrisList();
    if (uris.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      fetcher.fetch(uris, executor.sandbox, executor.containerId);
      return null;
    }, false).recover(e -> Future.failedFuture(new IllegalStateException("Failed to fetch all URIs for container '"
        + executor.containerId + "': " + e.getMessage(), e)));
  }

  /** For a checkpointing framework, what a restarted agent needs to find the executor again. */
  private Future<Void> checkpoint(CustomExecutor executor, AgentInfo agent, boolean docker) {
    if (!executor.framework.getCheckpoint()) {
      return Future.succeededFuture();
    }
    ContainerCheckpoint checkpoint = ContainerCheckpoint.newBuilder()
        .setContainerId(executor.containerId)
        .setAgentId(agent.getId())
        .setFrameworkInfo(executor.framework)
        .setExecutorId(executor.info.getExecutorId())
        .setExecutorInfo(executor.info)
        .setSandbox(executor.sandbox.toString())
        .setDocker(docker)
        .build();
    return checkpoints.writeInOrder(context, checkpoint);
  }

  /** A checkpoint write or removal, in order with the others, logged if it fails. */
  private void checkpointIo(String what, CheckpointIo io) {
    context.executeBlocking(() -> {
      io.run();
      return null;
    }, true).onFailure(e -> LOG.warn("Cannot {}: {}", what, e.toString()));
  }

  private interface CheckpointIo {
    void run() throws Exception;
  }

  /** The process containerizer makes the sandbox itself; Docker's bind mount needs it to exist first. */
  private Future<Optional<TaskUsers.Account>> createSandbox(Path sandbox, Optional<String> user) {
    return context.executeBlocking(() -> {
      Optional<TaskUsers.Account> account = user.isEmpty() ? Optional.empty() : Optional.of(users.lookup(user.get()));
      Sandboxes.create(sandbox);
      return account;
    }, false);
  }

  /** With {@code --switch_user}, the sandbox and what was fetched into it become the executor's user's. */
  private Future<Optional<TaskUsers.Account>> ownSandbox(Path sandbox, Optional<TaskUsers.Account> account) {
    if (account.isEmpty()) {
      return Future.succeededFuture(account);
    }
    return context.executeBlocking(() -> {
      TaskUsers.chown(sandbox, account.get());
      return account;
    }, false);
  }

  private void started(CustomExecutor executor, Container container) {
    executor.container = container;
    if (executor.state == State.TERMINATING) {
      LOG.info("{} was shut down while launching", executor);
      container.terminate(Duration.ZERO);
    } else {
      executor.state = State.REGISTERING;
      LOG.info("{} is running in container {}{}; waiting for it to subscribe", executor, container.containerId(),
          container.pid().isPresent() ? " as pid " + container.pid().getAsLong() : "");
    }
    // Last: a container that has already ended calls back at once.
    container.termination().onComplete(ended -> exited(executor, ended.result()));
  }

  private void launchFailed(CustomExecutor executor, String cause) {
    LOG.warn("Failed to launch {}: {}", executor, cause);
    cancelTimers(executor);
    executor.state = State.TERMINATED;
    executors.remove(key(executor.frameworkId(), executor.executorId()), executor);
    failRemaining(executor, Reason.REASON_CONTAINER_LAUNCH_FAILED, "Failed to launch executor: " + cause);
  }

  /**
   * The executor's user does not exist here (or the agent may not run as it): as Mesos's agent when
   * it cannot make the executor's sandbox that user's, its tasks are lost (dropped, for a
   * partition-aware framework) with {@code REASON_EXECUTOR_TERMINATED}.
   */
  private void userFailed(CustomExecutor executor, String cause) {
    LOG.warn("Cannot launch {}: {}", executor, cause);
    cancelTimers(executor);
    executor.state = State.TERMINATED;
    executors.remove(key(executor.frameworkId(), executor.executorId()), executor);
    TaskState state = executor.framework.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE)
        ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (ExecutorTask task : List.copyOf(executor.tasks.values())) {
      if (!task.isTerminal()) {
        transition(task, executor, state, Source.SOURCE_AGENT, Reason.REASON_EXECUTOR_TERMINATED, cause);
      }
    }
  }

  private void registrationTimedOut(CustomExecutor executor) {
    if (executor.state != State.LAUNCHING && executor.state != State.REGISTERING) {
      return;
    }
    Duration timeout = executor.recovered ? options.reregistrationTimeout() : options.registrationTimeout();
    Reason reason = executor.recovered ? Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT
        : Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT;
    LOG.warn("{} did not subscribe {}within {} ms: killing it", executor, executor.recovered ? "again " : "",
        timeout.toMillis());
    executor.state = State.TERMINATING;
    executor.terminationReason = reason;
    failRemaining(executor, reason, "Executor did not " + (executor.recovered ? "re-register" : "register")
        + " within " + timeout.toMillis() + " ms");
    if (executor.container != null) {
      executor.container.terminate(Duration.ZERO);
    }
  }

  /**
   * Shutdown as Mesos does it: a subscribed executor gets SHUTDOWN and its shutdown grace period to
   * exit by itself; then (or at once, if it is not subscribed) its process is terminated.
   */
  private void shutdown(CustomExecutor executor, String why) {
    if (executor.state == State.TERMINATING || executor.state == State.TERMINATED) {
      return;
    }
    boolean subscribed = executor.isSubscribed();
    executor.state = State.TERMINATING;
    cancelTimer(executor.registrationTimerId);
    executor.registrationTimerId = -1;
    if (executor.container == null) {
      LOG.info("Shutting down {} ({}): it is still launching", executor, why);
      return;   // started() kills it
    }
    if (!subscribed) {
      LOG.info("Shutting down {} ({}): not subscribed, terminating it now", executor, why);
      terminate(executor, options.killEscalation());
      return;
    }
    Duration grace = executor.shutdownGracePeriod();
    LOG.info("Sending SHUTDOWN to {} ({}); grace period {} ms", executor, why, grace.toMillis());
    executor.stream.send(ExecutorEvents.shutdown());
    executor.shutdownTimerId = vertx.setTimer(Math.max(1, grace.toMillis()), id -> {
      executor.shutdownTimerId = -1;
      if (executor.container.isRunning()) {
        LOG.info("{} outlived its {} ms shutdown grace period: terminating it", executor, grace.toMillis());
        terminate(executor, options.killEscalation());
      }
    });
  }

  /** SIGTERM now, SIGKILL after {@code escalation} if the container still runs. */
  private void terminate(CustomExecutor executor, Duration escalation) {
    if (executor.container != null) {
      executor.container.terminate(escalation);
    }
  }

  private void exited(CustomExecutor executor, Termination termination) {
    cancelTimers(executor);
    executor.state = State.TERMINATED;
    if (executor.stream != null) {
      executor.stream.close();
      executor.stream = null;
    }
    executors.remove(key(executor.frameworkId(), executor.executorId()), executor);
    checkpointIo("forget " + executor, () -> checkpoints.remove(executor.containerId));
    String description = termination.exitValue()
        .map(exitValue -> ExitStatus.describe(exitValue).replaceFirst("^Command", "Executor"))
        .orElse("Executor ended while the agent was down; its exit status is unknown");
    LOG.info("{} exited: {}", executor, description);
    failRemaining(executor, termination.limitation().map(Limitation::reason).orElse(executor.terminationReason),
        termination.limitation().map(Limitation::message).orElse(description));
    sink.executorExited(executor.framework.getId(), executor.info.getExecutorId(),
        waitStatus(termination.exitValue().orElse(1)));
    sandboxDone.accept(executor.sandbox);
    String frameworkId = executor.frameworkId();
    if (frameworksShuttingDown.contains(frameworkId)
        && executors.values().stream().noneMatch(e -> e.frameworkId().equals(frameworkId))) {
      forgetFramework(frameworkId);
    }
  }

  /** Java's exit value (128 + N for signal N) as the wait status Mesos reports. */
  static int waitStatus(int exitValue) {
    if (exitValue > 128 && exitValue <= 128 + 64) {
      return exitValue - 128;
    }
    return (exitValue & 0xff) << 8;
  }

  private void failRemaining(CustomExecutor executor, Reason reason, String message) {
    for (ExecutorTask task : List.copyOf(executor.tasks.values())) {
      if (!task.isTerminal()) {
        fail(task, executor, reason, message);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks and statuses.

  private void addTask(CustomExecutor executor, ExecutorTask task) {
    executor.tasks.put(task.taskId(), task);
    if (executor.isSubscribed()) {
      deliver(executor, task);
    } else {
      LOG.info("Queued task {} of framework {} for {} ({})", task.taskId(), task.frameworkId(), executor,
          executor.state);
      if (executor.framework.getCheckpoint()) {
        // A restarted agent hands it over when the executor subscribes again.
        checkpointIo("checkpoint queued task " + task.taskId() + " of " + executor,
            () -> checkpoints.writeExecutorTask(executor.containerId, task.info, false));
      }
    }
  }

  private void deliver(CustomExecutor executor, ExecutorTask task) {
    task.launched = true;
    if (executor.framework.getCheckpoint()) {
      checkpointIo("checkpoint task " + task.taskId() + " of " + executor,
          () -> checkpoints.writeExecutorTask(executor.containerId, task.info, true));
    }
    LOG.info("Sending LAUNCH of task {} of framework {} to {}", task.taskId(), task.frameworkId(), executor);
    executor.stream.send(ExecutorEvents.launch(task.info));
  }

  /** Stamps an executor's status as the Mesos agent does and puts it on the task's reliable stream. */
  private void forward(CustomExecutor executor, ExecutorTask task, TaskStatus status) {
    TaskStatus.Builder stamped = status.toBuilder()
        .setAgentId(agentInfo.get().getId())
        .setExecutorId(executor.info.getExecutorId())
        .setSource(Source.SOURCE_EXECUTOR);
    if (!status.hasUuid()) {
      stamped.setUuid(TaskStatusFactory.randomUuid());
    }
    if (!status.hasTimestamp()) {
      stamped.setTimestamp(clock.millis() / 1000.0);
    }
    ContainerStatus.Builder container = stamped.getContainerStatusBuilder()
        .setContainerId(ContainerID.newBuilder().setValue(executor.containerId));
    if (executor.container != null && executor.container.pid().isPresent()) {
      container.setExecutorPid((int) executor.container.pid().getAsLong());
    }
    TaskStatus update = stamped.build();
    task.launched = true;
    if (!task.isTerminal()) {
      task.state = update.getState();
    }
    task.pendingAcks.add(update.getUuid());
    LOG.info("{} reports {} for task {}", executor, update.getState(), task.taskId());
    sink.update(task.framework.getId(), update);
  }

  private void fail(ExecutorTask task, CustomExecutor executor, Reason reason, String message) {
    LOG.warn("Task {} of framework {} (executor {}) failed: {}", task.taskId(), task.frameworkId(),
        task.executorId.getValue(), message);
    transition(task, executor, TaskState.TASK_FAILED, Source.SOURCE_AGENT, reason, message);
  }

  private void transition(ExecutorTask task, CustomExecutor executor, TaskState state, Source source, Reason reason,
      String message) {
    task.state = state;
    sink.update(task.framework.getId(), status(task, executor, state, reason, message).toBuilder()
        .setSource(source).build());
  }

  private TaskStatus status(ExecutorTask task, CustomExecutor executor, TaskState state, Reason reason,
      String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(task.info.getTaskId())
        .setState(state)
        .setSource(Source.SOURCE_AGENT)
        .setReason(reason)
        .setMessage(message)
        .setAgentId(agentInfo.get().getId())
        .setExecutorId(task.executorId)
        .setTimestamp(clock.millis() / 1000.0)
        .setUuid(TaskStatusFactory.randomUuid());
    if (executor != null) {
      status.setContainerStatus(ContainerStatus.newBuilder()
          .setContainerId(ContainerID.newBuilder().setValue(executor.containerId)));
    }
    return status.build();
  }

  // ---------------------------------------------------------------------------------------------

  private void startHeartbeats() {
    if (heartbeatTimerId >= 0) {
      return;
    }
    heartbeatTimerId = vertx.setPeriodic(options.heartbeatInterval().toMillis(), id -> {
      Event heartbeat = ExecutorEvents.heartbeat();
      executors.values().stream().filter(CustomExecutor::isSubscribed).forEach(e -> e.stream.send(heartbeat));
    });
  }

  private void cancelTimers(CustomExecutor executor) {
    cancelTimer(executor.registrationTimerId);
    cancelTimer(executor.shutdownTimerId);
    cancelTimer(executor.killTimerId);
    executor.registrationTimerId = -1;
    executor.shutdownTimerId = -1;
    executor.killTimerId = -1;
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  private CallResult notFound(Call call) {
    String frameworkId = call.getFrameworkId().getValue();
    boolean frameworkKnown = executors.values().stream().anyMatch(e -> e.frameworkId().equals(frameworkId));
    return CallResult.badRequest(frameworkKnown
        ? "Executor '" + call.getExecutorId().getValue() + "' of framework '" + frameworkId + "' cannot be found"
        : "Framework '" + frameworkId + "' cannot be found");
  }

  private static Optional<String> unsupported(ExecutorInfo info) {
    if (!info.hasCommand() && !(info.hasContainer() && info.getContainer().getType() == ContainerInfo.Type.DOCKER)) {
      return Optional.of("Executor '" + info.getExecutorId().getValue() + "' has no command to run");
    }
    return Optional.empty();
  }

  private static String key(Call call) {
    return key(call.getFrameworkId().getValue(), call.getExecutorId().getValue());
  }

  private static String key(String frameworkId, String id) {
    return frameworkId + "/" + id;
  }
}
