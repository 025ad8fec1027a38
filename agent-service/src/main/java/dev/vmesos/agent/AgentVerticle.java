package dev.vmesos.agent;

import dev.vmesos.agent.container.ContainerCheckpoints;
import dev.vmesos.agent.container.ContainerPaths;
import dev.vmesos.agent.container.Containerizer;
import dev.vmesos.agent.container.Containerizers;
import dev.vmesos.agent.container.DockerContainerizer;
import dev.vmesos.agent.container.ProcessContainerizer;
import dev.vmesos.agent.docker.DockerEngine;
import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.agent.executor.CustomExecutors;
import dev.vmesos.agent.executor.ExecutorEndpoint;
import dev.vmesos.agent.api.AgentFlags;
import dev.vmesos.agent.api.AgentOperatorApi;
import dev.vmesos.agent.api.AgentVersion;
import dev.vmesos.agent.api.LiveAgentView;
import dev.vmesos.agent.http.AgentHttpApi;
import dev.vmesos.agent.http.FilesEndpoint;
import dev.vmesos.agent.http.SandboxAccessAcl;
import dev.vmesos.agent.http.AgentMetrics;
import dev.vmesos.agent.http.AgentState;
import dev.vmesos.client.Backoff;
import dev.vmesos.agent.master.MasterLink;
import dev.vmesos.agent.status.StatusUpdateSender;
import dev.vmesos.agent.status.StatusUpdateStreams;
import dev.vmesos.agent.status.UpdateCheckpoints;
import dev.vmesos.agent.task.AgentTask;
import dev.vmesos.agent.cgroups.CgroupIsolator;
import dev.vmesos.agent.cgroups.Cgroups;
import dev.vmesos.agent.cgroups.CgroupsOptions;
import dev.vmesos.agent.task.CommandExecutor;
import dev.vmesos.agent.container.ProcessLauncher;
import dev.vmesos.agent.task.StatusSink;
import dev.vmesos.agent.task.TaskStatusFactory;
import dev.vmesos.agent.task.TaskTable;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.AgentBus;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.ExitedExecutor;
import dev.vmesos.api.internal.Internal.FrameworkToExecutorMessage;
import dev.vmesos.api.internal.Internal.RunTaskGroup;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.internal.Internal.ShutdownExecutor;
import dev.vmesos.api.internal.Internal.ShutdownFramework;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vmesos agent: serves {@code /health} and {@code /state}, registers with the leading master over
 * the event bus, runs the command tasks the master sends it and reports their statuses reliably.
 * All agent state is owned by this verticle's event loop. Clustering is the caller's business:
 * deploy it on a clustered Vert.x with {@code ProtobufCodec} installed.
 */
public final class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  private static final Ack ACK = Ack.getDefaultInstance();

  private final AgentConfig config;
  private final Clock clock;
  private final Instant startedAt;
  private final AgentMetrics.Counters counters = new AgentMetrics.Counters();
  private HttpServer server;
  private MasterLink master;
  private StatusUpdateSender updates;
  private CommandExecutor executor;
  /** Custom executors and the executor HTTP API. */
  private CustomExecutors customExecutors;
  private CgroupIsolator isolator;
  private boolean releaseCgroupRootOnStop;
  private DockerEngine docker;
  private Containerizers containerizers;
  private final ContainerCheckpoints checkpoints;
  private boolean keepCheckpointedTasksOnStop;
  private AgentBus.Subscription consumer;
  /** The agent's connection to the masters' event bus; a bridge client unless a test gives one. */
  private AgentBus bus;
  private java.util.function.Function<io.vertx.core.Vertx, AgentBus> busFactory;

  public AgentVerticle(AgentConfig config) {
    this(config, Clock.systemUTC());
  }

  AgentVerticle(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.checkpoints = new ContainerCheckpoints(new ContainerPaths(config.workDir()));
  }

  /**
   * On stop, leave the tasks of checkpointing frameworks running, for the agent that restarts on
   * this work_dir to recover (what Mesos's agent does when it is terminated); the others are killed.
   * By default, stopping the agent kills every task.
   */
  public AgentVerticle keepCheckpointedTasksOnStop() {
    this.keepCheckpointedTasksOnStop = true;
    return this;
  }

  /**
   * On stop, remove the agent's cgroup root if it is empty: for an agent whose {@code --cgroups_root}
   * is its own, as each agent of a local cluster has.
   */
  public AgentVerticle releaseCgroupRootOnStop() {
    this.releaseCgroupRootOnStop = true;
    return this;
  }

  /**
   * Talks to the master over the Vert.x event bus the agent is deployed on rather than over the agent
   * bus's WebSocket: for tests with a fake master on that event bus.
   */
  public AgentVerticle overLocalEventBus() {
    this.busFactory = v -> AgentBus.local(v.eventBus());
    return this;
  }

  private dev.vmesos.api.config.TlsConfig tls = dev.vmesos.api.config.TlsConfig.disabled();
  /** Whether the Docker engine answers (with --containerizers=docker,...). */
  private dev.vmesos.agent.docker.EngineMonitor engineMonitor;
  /** Fetches tasks' and executors' URIs (one cache for both). */
  private dev.vmesos.agent.fetcher.Fetcher fetcher;
  /** Which executor family a kill or an acknowledgement is for. */
  private TaskRouter router;
  /** Deletes finished sandboxes after --gc_delay (sooner as the disk fills). */
  private dev.vmesos.agent.gc.SandboxCollector sandboxes;

  /**
   * Before deploying: serve every endpoint over HTTPS with the agent's certificate, reach the masters'
   * agent bus over TLS presenting it, and tell executors to reach the agent over HTTPS.
   */
  public AgentVerticle withTls(dev.vmesos.api.config.TlsConfig config) {
    this.tls = config;
    return this;
  }

  private dev.vmesos.api.http.HttpLimits httpLimits = dev.vmesos.api.http.HttpLimits.defaults();
  private dev.vmesos.api.http.HttpGuard httpGuard;

  /**
   * Before deploying: the header and idle timeouts and the body limit of the HTTP server
   * ({@code --http_header_timeout}, {@code --http_idle_timeout}, {@code --http_max_body_size}).
   */
  public AgentVerticle withHttpLimits(dev.vmesos.api.http.HttpLimits limits) {
    this.httpLimits = limits;
    return this;
  }

  /** The port the HTTP server listens on (useful with {@code --port=0}); valid once deployed. */
  public int httpPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    bus = busFactory != null ? busFactory.apply(vertx)
        : new BridgeClient(vertx, BridgeClient.Options.of(config.masters().stream().map(Object::toString).toList(),
            config.credential()).withBackoff(config.registrationBackoffInitial(), Duration.ofSeconds(30)).withTls(tls));
    return prepareWorkDir()
        .compose(v -> detectIsolator())
        .compose(v -> connectDocker())
        .map(v -> containerizers = containerizers())
        .compose(v -> startHttpServer())
        .onSuccess(v -> startMasterLink());
  }

  @Override
  public Future<?> stop() {
    LOG.info("Stopping agent {}", master == null ? "" : master.agentId().map(AgentID::getValue).orElse("(unregistered)"));
    if (master != null) {
      master.stop();
    }
    if (sandboxes != null) {
      sandboxes.stop();
    }
    if (engineMonitor != null) {
      engineMonitor.stop();
    }
    Future<Void> tasksKilled = executor == null
        ? Future.succeededFuture()
        : executor.killAll(config.defaultKillGracePeriod(), keepCheckpointedTasksOnStop);
    if (customExecutors != null) {
      tasksKilled = Future.all(tasksKilled,
          customExecutors.stop(config.defaultKillGracePeriod(), keepCheckpointedTasksOnStop)).mapEmpty();
    }
    return tasksKilled
        .eventually(() -> updates == null ? Future.succeededFuture() : updates.stop())
        .compose(v -> consumer == null ? Future.succeededFuture() : consumer.unregister())
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .andThen(v -> {
          if (httpGuard != null) {
            httpGuard.close();
          }
        })
        .compose(v -> docker == null ? Future.succeededFuture() : docker.close())
        .eventually(() -> bus == null ? Future.succeededFuture() : bus.close())
        .compose(v -> !releaseCgroupRootOnStop || isolator == null ? Future.succeededFuture()
            : vertx.executeBlocking(() -> {
              isolator.releaseRoot();
              return null;
            }, false));
  }

  /** With {@code --containerizers=docker,...}, the engine must answer before the agent registers. */
  private Future<Void> connectDocker() {
    if (!config.dockerEnabled()) {
      return Future.succeededFuture();
    }
    docker = DockerEngine.create(vertx, DockerOptions.defaults().withSocketPath(config.dockerSocket())
        .withPullTimeout(config.dockerPullTimeout()).withRegistryAuths(config.registryAuths()));
    return docker.ping()
        .onSuccess(version -> LOG.info("Docker engine {} at {}", version, config.dockerSocket()))
        .onSuccess(version -> {
          engineMonitor = new dev.vmesos.agent.docker.EngineMonitor(vertx, docker, config.dockerSocket(),
              config.dockerHealthCheckInterval());
          engineMonitor.start();
        })
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new FlagException("Flag '--containerizers': docker is enabled but the "
            + "Docker engine at " + config.dockerSocket() + " (--docker_socket) does not answer: " + e.getMessage())));
  }

  private Containerizers containerizers() {
    List<Containerizer> enabled = new ArrayList<>();
    for (String name : config.containerizers()) {
      enabled.add(name.equals(AgentConfig.DOCKER_CONTAINERIZER)
          ? new DockerContainerizer(docker, this::healthProblem)
          : new ProcessContainerizer(vertx, context, checkpoints, new ProcessLauncher(), isolator));
    }
    LOG.info("Agent containerizers: {}", config.containerizers());
    return new Containerizers(enabled);
  }

  /** Finds the cgroup hierarchies (blocking file reads) when --isolation asks for cgroups. */
  private Future<Void> detectIsolator() {
    if (!config.isolation().cgroups()) {
      LOG.info("Agent isolation: posix (no cgroup limits)");
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      isolator = Cgroups.detect(CgroupsOptions.of(config.isolation().cgroupsRoot()));
      return null;
    });
  }

  private Future<Void> prepareWorkDir() {
    Path workDir = config.workDir();
    return vertx.executeBlocking(() -> {
      try {
        Files.createDirectories(workDir);
        Files.delete(Files.createTempFile(workDir, ".write-probe", ""));
      } catch (IOException | SecurityException e) {
        throw new IllegalStateException("Flag '--work_dir': cannot write to " + workDir + ": " + e, e);
      }
      return null;
    });
  }

  private Future<Void> startHttpServer() {
    sandboxes = new dev.vmesos.agent.gc.SandboxCollector(vertx, config.workDir(), config.gc().delay(), config.gc().diskWatchInterval(),
        config.gc().diskHeadroom(), clock);
    sandboxes.start();
    fetcher = new dev.vmesos.agent.fetcher.Fetcher(config.fetch().timeout(),
        new dev.vmesos.agent.fetcher.FetcherCache(config.fetch().cacheDir(), config.fetch().cacheSize()));
    // Created before the server, whose /api/v1/executor route serves them.
    customExecutors = new CustomExecutors(vertx, context, bus,
        new CustomExecutors.Options(config.workDir(), config.executorRegistrationTimeout(),
            CustomExecutors.Options.DEFAULT_HEARTBEAT_INTERVAL, config.defaultKillGracePeriod(),
            config.executorReregistrationTimeout(), config.recoveryTimeout()),
        containerizers, checkpoints, new Sink(),
        () -> new LinkedAgent().info().toBuilder().setId(master.agentId().orElseThrow()).build(),
        () -> config.ip() + ":" + httpPort(),
        (frameworkId, taskId) -> executor != null && executor.tasks().find(frameworkId, taskId).isPresent(), clock,
        sandboxes::schedule, fetcher);
    Optional<dev.vmesos.agent.executor.ExecutorTokens> tokens = config.security().jwtSecretKey()
        .map(key -> new dev.vmesos.agent.executor.ExecutorTokens(key, clock));
    dev.vmesos.agent.container.TaskUsers users = new dev.vmesos.agent.container.TaskUsers(config.security().switchUser());
    if (config.security().switchUser() && !users.agentIsRoot()) {
      LOG.warn("--switch_user: the agent does not run as root; tasks of any other user than its own will be lost"
          + " (--switch_user=false runs every task as the agent's user)");
    }
    customExecutors.withTokens(tokens).withAgentTls(tls).withUsers(users);
    if (config.security().authenticateHttpExecutors()) {
      LOG.info("Executor API calls must carry the executor's token (--authenticate_http_executors)");
    }
    LiveAgentView view = new LiveAgentView(
        () -> {
          AgentInfo info = new LinkedAgent().info();
          return master == null ? info
              : master.agentId().map(id -> info.toBuilder().setId(id).build()).orElse(info);
        },
        () -> executor == null ? new TaskTable() : executor.tasks(),
        customExecutors::snapshot,
        this::metricValues,
        this::healthProblem);
    FilesEndpoint files = new FilesEndpoint(config.workDir(), SandboxAccessAcl.of(config.security().acls(), view));
    AgentOperatorApi operatorApi = new AgentOperatorApi(vertx, view, files, AgentFlags.of(config),
        AgentVersion.current(), clock);
    Router router = operatorApi.mount(ExecutorEndpoint.mount(
        AgentHttpApi.withFilesAndMetrics(AgentHttpApi.router(vertx, this::state, this::healthProblem), vertx,
            files, this::metrics), customExecutors,
        config.security().authenticateHttpExecutors() ? tokens : Optional.empty(), httpLimits.maxBodyBytes()),
        httpLimits.maxBodyBytes());
    dev.vmesos.agent.http.AgentHttpAuthentication.install(router, config.security().authenticateHttpReadonly(),
        config.security().authenticateHttpReadwrite(), config.security().httpCredentials());
    dev.vmesos.agent.http.AgentObservability.mount(router, vertx, this::metricValues);
    // With LIBPROCESS_SSL_ENABLED every endpoint (executor API, operator API, /state, /files) is HTTPS only.
    httpGuard = dev.vmesos.api.http.HttpGuard.create(vertx, httpLimits, "agent");
    Future<HttpServer> listening = httpGuard.createServer(tls.apply(new io.vertx.core.http.HttpServerOptions()), router)
        .listen(config.port(), config.ip())
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + config.ip() + ":"
            + config.port() + " (--ip, --port): " + e.getMessage(), e)));
    return listening.map(s -> {
      server = s;
      LOG.info("Agent HTTP server listening on {}:{}{}", config.ip(), s.actualPort(),
          tls.enabled() ? " (HTTPS" + (tls.requireClientCert() ? ", client certificates required)" : ")") : "");
      return null;
    });
  }

  private void startMasterLink() {
    router = new TaskRouter(customExecutors::owns,
        (frameworkId, taskId) -> executor != null && executor.tasks().find(frameworkId, taskId).isPresent());
    updates = new StatusUpdateSender(vertx, bus, clock,
        new StatusUpdateStreams(clock, config.statusUpdateRetryMin(), config.statusUpdateRetryMax()),
        (frameworkId, taskId) -> {
          switch (router.owner(frameworkId, taskId)) {
            case CUSTOM_EXECUTOR -> customExecutors.terminalAcknowledged(frameworkId, taskId);
            case COMMAND_EXECUTOR -> executor.terminalAcknowledged(frameworkId, taskId);
            case NONE -> LOG.debug("Terminal acknowledgement of task {} of framework {}: no family owns it",
                taskId, frameworkId);
          }
        },
        new UpdateCheckpoints(config.workDir()));
    executor = new CommandExecutor(vertx, context, config.workDir(), config.defaultKillGracePeriod(),
        containerizers, checkpoints, new TaskStatusFactory(clock), new Sink(), sandboxes::schedule,
        config.dockerSocket(), fetcher, new dev.vmesos.agent.container.TaskUsers(config.security().switchUser()));
    master = new MasterLink(vertx, bus, new LinkedAgent(), config.masterRequestTimeout(),
        new Backoff(config.registrationBackoffInitial(), config.registrationBackoffMax()));
    // Register only once the previous run's unacknowledged updates and containers are known; the
    // updates are replayed once registered, and the recovered tasks are reported to the master.
    updates.recover()
        .compose(v -> new AgentRecovery(context, checkpoints, containerizers, isolator, executor, customExecutors)
            .run(updates.recoveredUpdates()))
        .onComplete(recovered -> {
          if (recovered.failed()) {
            LOG.error("Agent recovery failed: {}; registering without the previous run's tasks",
                recovered.cause().toString());
          } else {
            recovered.result().ifPresent(master::resume);
          }
          master.start();
          if (bus instanceof BridgeClient bridge) {
            bridge.connectedHandler(master::connected).start();
          }
        });
  }

  private JsonObject state() {
    JsonObject state = AgentState.toJson(new AgentState.Snapshot(
        master == null ? null : master.agentId().map(AgentID::getValue).orElse(null),
        config.hostname(),
        httpPort(),
        master == null ? config.master().toString() : master.leader()
            .filter(leader -> master.isRegistered())
            .map(AgentVerticle::hostPort).orElse(config.master().toString()),
        master != null && master.isRegistered(),
        config.resources(),
        executor == null ? new TaskTable() : executor.tasks(),
        updates == null ? 0 : updates.streams().size()));
    state.put("attributes", AgentState.attributes(config.attributes()));
    // Custom executors are listed under frameworks[].executors.
    customExecutors.stateByFramework().forEach((framework, executors) ->
        AgentState.addExecutors(state, framework, executors));
    return state;
  }

  /** Why the agent is unhealthy: its Docker engine stopped answering. */
  private Optional<String> healthProblem() {
    return engineMonitor == null ? Optional.empty() : engineMonitor.problem();
  }

  private JsonObject metrics() {
    return new JsonObject(new LinkedHashMap<>(metricValues()));
  }

  private java.util.Map<String, Double> metricValues() {
    return new LinkedHashMap<>(AgentMetrics.of(new AgentMetrics.Inputs(
        master != null && master.isRegistered(),
        Duration.between(startedAt, clock.instant()).toMillis() / 1000.0,
        config.resources(),
        executor == null ? List.of() : executor.tasks().all(),
        counters,
        updates == null ? 0 : updates.streams().pendingUpdates(),
        master == null ? 0 : master.staleLeaderMessages())));
  }

  /** A master's {@code host:port} as its MasterInfo gives it (address first, as Mesos fills both). */
  private static String hostPort(MasterInfo info) {
    String host = info.hasAddress() && info.getAddress().hasIp() ? info.getAddress().getIp()
        : info.hasAddress() && info.getAddress().hasHostname() ? info.getAddress().getHostname()
        : info.hasHostname() ? info.getHostname() : ipv4FromNetworkOrder(info.getIp());
    int port = info.hasAddress() && info.getAddress().hasPort() ? info.getAddress().getPort() : info.getPort();
    return new AgentConfig.HostPort(host, port).toString();
  }

  /** MasterInfo.ip holds the IPv4 address in network byte order read as a little-endian uint32, as Mesos. */
  private static String ipv4FromNetworkOrder(int ip) {
    return (ip & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 24) & 0xff);
  }

  /** Consumes {@code vmesos.agent.<id>}, replacing the consumer of an earlier id. */
  private Future<Void> bind(AgentID agentId) {
    String address = Addresses.agent(agentId.getValue());
    if (consumer != null && consumer.address().equals(address)) {
      // Over the agent bus, a connection to another master registers it there.
      return consumer.completion();
    }
    Future<Void> previousGone = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return previousGone.compose(v -> {
      consumer = bus.consumer(address, this::onMessage);
      return consumer.completion();
    }).onSuccess(v -> LOG.info("Agent {} consumes {}", agentId.getValue(), address));
  }

  private void onMessage(Message<Object> message) {
    // Fencing first: nothing a deposed leader sends is acted on.
    if (!master.admit(message)) {
      return;
    }
    Object body = message.body();
    AgentID agentId = master.agentId().orElseThrow();
    if (body instanceof RunTask run) {
      if (!run.getFrameworkInfo().hasId()) {
        LOG.warn("Agent {} refuses RunTask for task {}: framework_info has no id", agentId.getValue(),
            run.getTask().getTaskId().getValue());
        message.fail(400, "RunTask.framework_info.id is required");
        return;
      }
      LOG.debug("RunTask {} of framework {}", run.getTask().getTaskId().getValue(),
          run.getFrameworkInfo().getId().getValue());
      replyIfAsked(message);
      if (CustomExecutors.runsUnderCustomExecutor(run.getTask())) {
        customExecutors.launch(run.getFrameworkInfo(), run.getTask());
        return;
      }
      executor.launch(agentId, run.getFrameworkInfo(), run.getTask());
    } else if (body instanceof RunTaskGroup group) {
      if (!group.getFrameworkInfo().hasId()) {
        message.fail(400, "RunTaskGroup.framework_info.id is required");
        return;
      }
      replyIfAsked(message);
      executor.launchGroup(agentId, group.getFrameworkInfo(), group.getExecutor(), group.getTaskGroup().getTasksList());
    } else if (body instanceof KillTask kill) {
      replyIfAsked(message);
      String frameworkId = kill.getFrameworkId().getValue();
      String taskId = kill.getTaskId().getValue();
      Optional<dev.vmesos.api.v1.Protos.KillPolicy> policy = kill.hasKillPolicy()
          ? Optional.of(kill.getKillPolicy()) : Optional.empty();
      if (router.owner(frameworkId, taskId) == TaskRouter.Owner.CUSTOM_EXECUTOR) {
        customExecutors.kill(frameworkId, taskId, policy);
      } else {
        executor.kill(frameworkId, taskId, policy);   // it logs a kill of a task no one has
      }
    } else if (body instanceof StatusUpdateAcknowledgement ack) {
      replyIfAsked(message);
      if (router.owner(ack.getFrameworkId().getValue(), ack.getTaskId().getValue())
          == TaskRouter.Owner.CUSTOM_EXECUTOR) {
        customExecutors.acknowledged(ack);   // its executor hears of it; before the streams may forget the task
      }
      updates.acknowledge(ack);
    } else if (body instanceof ShutdownFramework shutdown) {
      replyIfAsked(message);
      customExecutors.shutdownFramework(shutdown.getFrameworkId().getValue());
      executor.shutdownFramework(shutdown.getFrameworkId().getValue());
    } else if (body instanceof ShutdownExecutor shutdown) {
      replyIfAsked(message);
      if (!customExecutors.shutdownExecutor(shutdown.getFrameworkId().getValue(), shutdown.getExecutorId().getValue())) {
        executor.shutdownExecutor(shutdown.getFrameworkId().getValue(), shutdown.getExecutorId().getValue());
      }
    } else if (body instanceof FrameworkToExecutorMessage frameworkMessage) {
      replyIfAsked(message);
      customExecutors.frameworkMessage(frameworkMessage);
    } else {
      String type = body == null ? "null" : body.getClass().getName();
      LOG.warn("Agent {} got an unexpected message of type {} on {}", agentId.getValue(), type, message.address());
      message.fail(400, "Agent does not handle messages of type " + type);
    }
  }

  private static void replyIfAsked(Message<Object> message) {
    if (message.replyAddress() != null) {
      message.reply(ACK);
    }
  }

  /** What the master link needs from this agent. */
  private final class LinkedAgent implements MasterLink.Agent {

    @Override
    public AgentInfo info() {
      return AgentInfo.newBuilder()
          .setHostname(config.hostname())
          .setPort(httpPort())
          .addAllResources(config.resources().toList())
          .addAllAttributes(config.attributes())
          .build();
    }

    @Override
    public List<RunningTask> runningTasks() {
      List<RunningTask> tasks = new ArrayList<>(executor.tasks().all().stream()
          .map(AgentVerticle::runningTask)
          .toList());
      tasks.addAll(customExecutors.runningTasks());
      return tasks;
    }

    @Override
    public Future<Void> registered(AgentRegistered registered, boolean reregistered) {
      context.executeBlocking(() -> {
        checkpoints.writeAgentId(registered.getAgentId());
        return null;
      }, true).onFailure(e -> LOG.error("Cannot write the agent id under {}: {}", config.workDir(), e.toString()));
      return bind(registered.getAgentId()).onSuccess(v -> {
        if (reregistered) {
          updates.flush();
        }
        updates.replayRecovered();
      });
    }
  }

  private static RunningTask runningTask(AgentTask task) {
    return RunningTask.newBuilder()
        .setFrameworkId(task.frameworkId())
        .setTask(task.info())
        .setState(task.state())
        .setFrameworkInfo(task.framework())
        .build();
  }

  /** Statuses from the executor go onto the reliable streams. */
  private final class Sink implements StatusSink {

    @Override
    public void update(FrameworkID frameworkId, TaskStatus status) {
      counters.statusUpdate(status.getState());
      updates.enqueue(statusUpdate(frameworkId, status));
    }

    @Override
    public void sendOnce(FrameworkID frameworkId, TaskStatus status) {
      counters.statusUpdate(status.getState());
      updates.sendOnce(statusUpdate(frameworkId, status));
    }

    @Override
    public void frameworkRemoved(String frameworkId) {
      updates.removeFramework(frameworkId);
    }

    @Override
    public void executorExited(FrameworkID frameworkId, ExecutorID executorId, int status) {
      // Best effort, as Mesos's ExitedExecutorMessage: the framework hears of it as a FAILURE event.
      master.agentId().ifPresent(id -> bus.send(Addresses.MASTER_LEADER,
          ExitedExecutor.newBuilder().setFrameworkId(frameworkId)
              .setExecutorId(executorId).setAgentId(id).setStatus(status).build()));
    }

    private StatusUpdate statusUpdate(FrameworkID frameworkId, TaskStatus status) {
      return StatusUpdate.newBuilder()
          .setFrameworkId(frameworkId)
          .setStatus(status)
          .setExecutorId(status.getExecutorId())
          .setAgentId(status.getAgentId())
          .build();
    }
  }
}
