package dev.vmesos.master;

import com.google.protobuf.Message;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.BusEnvelope;
import dev.vmesos.master.bridge.AgentBridge;
import dev.vmesos.api.internal.Internal.KillTask;
import dev.vmesos.api.internal.Internal.RunTaskGroup;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.Address;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.cluster.RouterFailures;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.http.SchedulerEndpoint;
import dev.vmesos.master.operator.OperatorApi;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.MasterEffects;
import dev.vmesos.api.internal.Internal.LeaderElected;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.master.ha.LeaderElection;
import dev.vmesos.master.ha.SingleMasterElection;
import dev.vmesos.master.registry.DiskRegistryStore;
import dev.vmesos.master.registry.RegistryRecorder;
import dev.vmesos.master.registry.RegistryStore;
import java.util.Optional;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's shell. Every master serves HTTP; only the elected leader owns a {@link Master}, consumes
 * the leader address on the event bus and runs the allocation timer. A standby answers the scheduler
 * API and the endpoints Mesos redirects with 307 to the leader (503 while no leader is elected).
 *
 * <p>A term: the election elects this master with an epoch; the master recovers the registry, writes
 * it back under the new epoch (a write fenced against any older leader), builds a fresh {@link Master}
 * from it, consumes the leader address, announces itself to the other masters and to the agents, and
 * serves. Everything it sends to agents carries the epoch ({@link Addresses#EPOCH_HEADER}); every send
 * and every scheduler event checks the lease first: while it has lapsed the master acts on nothing.
 * When the leader lock is lost or a registry write is fenced, the term ends at once: streams closed,
 * timers cancelled, consumer gone, state dropped.
 */
public final class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);
  /** The Mesos API version vmesos speaks; reported in MasterInfo.version. */
  public static final String MESOS_VERSION = "1.11.0";
  private static final long AGENT_REQUEST_TIMEOUT_MS = 10_000;
  /** Resends of a launch while its agent has no consumer: 50 ms doubling, about 3 s in all. */
  private static final int LAUNCH_DELIVERY_ATTEMPTS = 6;
  private static final long LEASE_WATCH_MS = 100;
  /** When a new leader announces itself to the agents again, for any that missed the first one. */
  private static final long[] REANNOUNCE_MS = {1500, 5000};

  private final MasterConfig config;
  private final LeaderElection election;
  private RegistryStore registryStore;
  private volatile Term term;
  private HttpServer server;
  /** The vmesos extensions to the operator API (POST /api/v1/vmesos); attached to each term. */
  private dev.vmesos.master.extensions.VmesosApi extensions;
  private AgentBridge bridge;
  private long leaseWatch = -1;
  /** Sends refused because the lease had lapsed (a paused leader waking up): /metrics/snapshot. */
  private final java.util.concurrent.atomic.AtomicLong fencedSends = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong terms = new java.util.concurrent.atomic.AtomicLong();
  /** Completes when this master first serves as leader. */
  private final io.vertx.core.Promise<Void> firstTerm = io.vertx.core.Promise.promise();

  /** One master, registry in memory (or under --work_dir): elected at once. */
  public MasterVerticle(MasterConfig config) {
    this(config, new SingleMasterElection(), null);
  }

  /** @param registryStore null: the registry on this master's disk under --work_dir (or in memory) */
  public MasterVerticle(MasterConfig config, LeaderElection election, RegistryStore registryStore) {
    this.config = config;
    this.election = election;
    this.registryStore = registryStore;
  }

  /** What one leadership term owns; dropped whole when it ends. */
  private final class Term {
    final long epoch;
    final Master master;
    final SchedulerEndpoint scheduler;
    final OperatorApi operator;
    final RegistryRecorder recorder;
    VertxEffects effects;
    final java.util.Set<Long> timers = new java.util.HashSet<>();
    /** The principal each agent (re)registered under in this term, when agents authenticate. */
    final java.util.Map<String, String> principals = new java.util.HashMap<>();
    MessageConsumer<Object> consumer;
    long allocationTimer = -1;
    boolean ended;

    Term(long epoch, Master master, SchedulerEndpoint scheduler, OperatorApi operator, RegistryRecorder recorder) {
      this.epoch = epoch;
      this.master = master;
      this.scheduler = scheduler;
      this.operator = operator;
      this.recorder = recorder;
    }
  }

  private dev.vmesos.api.config.TlsConfig tls = dev.vmesos.api.config.TlsConfig.disabled();

  /**
   * Before deploying: serve HTTP (the scheduler and operator APIs and the agent bus) over TLS, with
   * mutual TLS when the configuration requires client certificates (Mesos's LIBPROCESS_SSL_* variables).
   */
  public MasterVerticle withTls(dev.vmesos.api.config.TlsConfig config) {
    this.tls = config;
    return this;
  }

  private dev.vmesos.master.security.MasterSecurity security = dev.vmesos.master.security.MasterSecurity.none();

  /**
   * Before deploying: HTTP authentication and ACLs ({@code --authenticate_http_*}, {@code --acls});
   * none by default.
   */
  public MasterVerticle withSecurity(dev.vmesos.master.security.MasterSecurity config) {
    this.security = config;
    return this;
  }

  private dev.vmesos.api.http.HttpLimits httpLimits = dev.vmesos.api.http.HttpLimits.defaults();
  private dev.vmesos.api.http.HttpGuard httpGuard;

  /**
   * Before deploying: the header and idle timeouts and the body limit of the HTTP server
   * ({@code --http_header_timeout}, {@code --http_idle_timeout}, {@code --http_max_body_size}).
   */
  public MasterVerticle withHttpLimits(dev.vmesos.api.http.HttpLimits limits) {
    this.httpLimits = limits;
    return this;
  }

  private MasterConfig.History history = MasterConfig.History.defaults();
  private java.util.Map<String, String> givenFlags = java.util.Map.of();

  /**
   * Before deploying: how many removed frameworks and completed tasks per framework the master
   * keeps ({@code --max_completed_frameworks}, {@code --max_completed_tasks_per_framework}).
   */
  public MasterVerticle withHistory(MasterConfig.History bounds) {
    this.history = bounds;
    return this;
  }

  /** Before deploying: the flags given on the command line, by name, for {@code /flags} and GET_FLAGS. */
  public MasterVerticle withGivenFlags(java.util.Map<String, String> given) {
    this.givenFlags = java.util.Map.copyOf(given);
    return this;
  }

  /** What the HTTP server's guard has closed so far, by reason (for tests and metrics). */
  public java.util.Map<String, Long> httpConnectionsClosed() {
    return httpGuard == null ? java.util.Map.of() : httpGuard.closed();
  }

  /** The port the HTTP API listens on (useful with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The master state of the current term; null while this master does not lead. */
  public Master master() {
    Term current = term;
    return current == null ? null : current.master;
  }

  /** Whether this master leads now (elected, lease fresh, recovered). */
  public boolean isLeading() {
    Term current = term;
    return current != null && !current.ended && election.leaseValid();
  }

  /** The leadership epoch of the current term, or 0. */
  public long epoch() {
    Term current = term;
    return current == null ? 0 : current.epoch;
  }

  public LeaderElection election() {
    return election;
  }

  /** Sends refused because this master's lease had lapsed. */
  public long fencedSends() {
    return fencedSends.get();
  }

  /** Completes once this master serves as leader for the first time. */
  public Future<Void> firstLeadership() {
    return firstTerm.future();
  }

  /**
   * Starts serving HTTP and campaigning. A single master completes once it leads (it is elected at
   * once), so that whoever deploys it may use it at once; one of several completes as a standby.
   */
  @Override
  public Future<?> start() {
    Future<?> started = startServing();
    return election instanceof SingleMasterElection ? started.compose(v -> firstTerm.future()) : started;
  }

  private Future<?> startServing() {
    if (registryStore == null) {
      registryStore = new DiskRegistryStore(vertx, config.ha().workDir());
    }
    return listenHttp()
        .onSuccess(v -> {
          leaseWatch = vertx.setPeriodic(LEASE_WATCH_MS, id -> watchLease());
          LOG.info("Master listening on {}:{} (Mesos API {}); {}", config.ip(), server.actualPort(), MESOS_VERSION,
              config.ha().quorum() > 1 ? "electing a leader among " + config.ha().masters() + " masters (quorum "
                  + config.ha().quorum() + ")" : "a single master");
          election.start(new LeaderElection.Listener() {
            @Override
            public void elected(long fence) {
              context.runOnContext(x -> beginTerm(fence));
            }

            @Override
            public void deposed(String reason) {
              context.runOnContext(x -> {
                Term current = term;
                if (current != null) {
                  endTerm(current, reason);
                }
              });
            }
          });
        });
  }

  private boolean suspended;

  /**
   * While the lease has lapsed the term is suspended: nothing is sent, calls and agents get 503 and
   * try again. The election ends the term if the lock is lost, or renews the lease if it is not.
   */
  private void watchLease() {
    Term current = term;
    boolean valid = election.leaseValid();
    if (current != null && !current.ended && !valid && !suspended) {
      suspended = true;
      LOG.warn("Master {} cannot confirm its leadership (epoch {}): acting on nothing until it can",
          current.master.masterInfo().getId(), current.epoch);
      // Agents' requests go to a leader that can answer them, not to one that would let them time out.
      if (current.consumer != null) {
        current.consumer.unregister();
        current.consumer = null;
      }
    } else if (suspended && (valid || current == null || current.ended)) {
      suspended = false;
      if (current != null && !current.ended) {
        LOG.info("Master {} confirmed its leadership again (epoch {})", current.master.masterInfo().getId(),
            current.epoch);
        current.consumer = vertx.eventBus().consumer(Addresses.MASTER_LEADER,
            message -> onAgentMessage(current, message));
      }
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(leaseWatch);
    Term current = term;
    if (current != null) {
      endTerm(current, "the master is stopping");
    }
    election.stop();
    if (bridge != null) {
      bridge.close();
    }
    if (httpGuard != null) {
      httpGuard.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** This master was elected: recover the registry, take it over under the new epoch, then serve. */
  private void beginTerm(long fence) {
    long started = System.nanoTime();
    registryStore.recover()
        .compose(recovered -> {
          long epoch = Math.max(fence, recovered.getEpoch() + 1);
          Registry taken = recovered.toBuilder().setEpoch(epoch).setVersion(recovered.getVersion() + 1).build();
          return registryStore.store(taken).map(v -> taken);
        })
        .onComplete(done -> onOwnContext(() -> {
          if (done.failed()) {
            LOG.warn("Elected, but could not take over the registry: {}; resigning", done.cause().getMessage());
            election.resign();
            return;
          }
          if (!election.leaseValid()) {
            LOG.warn("Elected, but the lease lapsed during recovery; standing down");
            return;
          }
          serve(done.result(), started);
        }));
  }

  /**
   * Runs {@code action} on this verticle's event loop, where the HTTP server's handlers run. A
   * registry store may complete its futures on another context (the replicated store's Hazelcast
   * futures do): a term begun there would put the master's timers and agent consumer on a second
   * event loop, beside the scheduler calls on this one, and the allocator is not thread-safe.
   */
  private void onOwnContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void serve(Registry registry, long startedNanos) {
    long epoch = registry.getEpoch();
    MasterInfo info = masterInfo(server.actualPort());
    VertxEffects effects = new VertxEffects(epoch);
    Master master = new Master(info, config.heartbeatInterval(), config.agentPingInterval(),
        config.maxAgentPingTimeouts(), config.offerTimeout(), config.allocator(), Clock.systemUTC(), effects);
    master.acls(security.acls());
    master.history(history.maxCompletedFrameworks(), history.maxCompletedTasksPerFramework());
    master.recover(registry, config.ha().agentReregisterTimeout());
    RegistryRecorder recorder = new RegistryRecorder(vertx, registryStore, registry, epoch, Clock.systemUTC());
    master.addListener(recorder);
    master.setDurability(() -> recorder.flush().toCompletionStage());
    SchedulerEndpoint scheduler = new SchedulerEndpoint(master, this::mayAct);
    OperatorApi operator = new OperatorApi(vertx, master, config,
        OperatorApi.flags(config, security, httpLimits, history, givenFlags), MESOS_VERSION, Clock.systemUTC(),
        System.currentTimeMillis() / 1000.0);
    operator.extraMetrics(bridge::metrics);
    Term current = new Term(epoch, master, scheduler.withStreamLimit(operator.eventStreamLimit()), operator, recorder);
    effects.term = current;
    current.effects = effects;
    recorder.onFenced(() -> vertx.runOnContext(v -> endTerm(current, "a later leader wrote the registry")));
    term = current;
    terms.incrementAndGet();
    current.consumer = vertx.eventBus().consumer(Addresses.MASTER_LEADER, message -> onAgentMessage(current, message));
    current.consumer.completion().onComplete(bound -> {
      if (current.ended) {
        return;
      }
      if (bound.failed()) {
        endTerm(current, "could not consume " + Addresses.MASTER_LEADER + ": " + bound.cause());
        return;
      }
      extensions.beginTerm(master, operator.eventStreamLimit());
      current.allocationTimer = vertx.setPeriodic(config.allocationInterval().toMillis(), id -> {
        if (mayAct()) {
          master.allocate();
        }
      });
      election.announce(info);
      announceToAgents(current, info);
      for (long delay : REANNOUNCE_MS) {
        current.timers.add(vertx.setTimer(delay, id -> announceToAgents(current, info)));
      }
      firstTerm.tryComplete();
      LOG.info("Master {} started on {}:{} and leads with epoch {}: recovered {} agent(s) and {} framework(s) from"
              + " the registry in {} ms", info.getId(), config.ip(), server.actualPort(), epoch, registry.getAgentsCount(),
          registry.getFrameworksCount(), (System.nanoTime() - startedNanos) / 1_000_000);
    });
  }

  private void announceToAgents(Term current, MasterInfo info) {
    if (!current.ended && mayAct()) {
      vertx.eventBus().publish(Addresses.AGENTS_LEADER_ELECTED,
          LeaderElected.newBuilder().setMasterInfo(info).setEpoch(current.epoch).build(),
          epochHeader(current.epoch));
    }
  }

  /** Ends a term at once: nothing more goes out under it. */
  private void endTerm(Term current, String reason) {
    if (current.ended) {
      return;
    }
    current.ended = true;
    if (term == current) {
      term = null;
    }
    LOG.warn("Master {} stops leading (epoch {}): {}", current.master.masterInfo().getId(), current.epoch, reason);
    vertx.cancelTimer(current.allocationTimer);
    for (long timer : current.timers) {
      vertx.cancelTimer(timer);
    }
    for (long timer : current.effects.timers) {
      vertx.cancelTimer(timer);
    }
    if (current.consumer != null) {
      current.consumer.unregister();
    }
    for (dev.vmesos.master.state.Framework framework : current.master.frameworks().values()) {
      if (framework.stream() != null) {
        framework.stream().close();
      }
    }
    current.operator.close();
    extensions.endTerm(current.master);
  }

  /** Whether this master may act as leader right now: checked before every send. */
  private boolean mayAct() {
    Term current = term;
    if (current != null && !current.ended && election.leaseValid()) {
      return true;
    }
    fencedSends.incrementAndGet();
    return false;
  }

  private static DeliveryOptions epochHeader(long epoch) {
    return new DeliveryOptions().addHeader(Addresses.EPOCH_HEADER, Long.toUnsignedString(epoch));
  }

  /** The values of {@code /metrics/snapshot} (for Prometheus's {@code /metrics}). */
  private java.util.Map<String, Double> mesosMetrics() {
    Term current = term;
    if (isLeading() && current != null && current.operator != null) {
      return current.operator.metrics();
    }
    return notLeadingMetrics();
  }

  /** A master that does not lead has only the agent bus's and its terms' metrics. */
  private java.util.Map<String, Double> notLeadingMetrics() {
    java.util.Map<String, Double> metrics = new java.util.HashMap<>();
    metrics.put("master/elected", 0.0);
    metrics.put("master/fenced_sends", (double) fencedSends.get());
    metrics.putAll(bridge.metrics());
    metrics.put("master/terms", (double) terms.get());
    return metrics;
  }

  private Future<Void> listenHttp() {
    Router router = RouterFailures.install(Router.router(vertx), "master");
    // Authentication before anything else, so that no endpoint can miss it.
    router.route().handler(new dev.vmesos.master.security.HttpAuthGuard(security));
    for (String prefix : new String[] {"", "/master"}) {
      for (String path : new String[] {"/api/v1/scheduler", "/api/v1", "/state", "/state.json", "/state-summary",
          "/flags", "/version", "/frameworks", "/slaves", "/tasks", "/roles", "/quota", "/weights", "/teardown",
          "/reserve", "/unreserve", "/maintenance/schedule", "/maintenance/status", "/machine/down",
          "/machine/up", "/create-volumes", "/destroy-volumes"}) {
        router.route(prefix + path).handler(this::leaderOnly);
      }
      router.route(prefix + "/api/v1/scheduler")
          .handler(BodyHandler.create(false).setBodyLimit(httpLimits.maxBodyBytes()))
          .handler(ctx -> {
            Term current = term;
            if (current == null) {
              Responses.text(ctx.response(), 503, "Master has not finished recovery");
            } else {
              current.scheduler.handle(ctx);
            }
          });
      router.get(prefix + "/redirect").handler(ctx -> {
        Optional<MasterInfo> leader = election.leader();
        if (leader.isEmpty()) {
          Responses.text(ctx.response(), 503, "No leader elected");
        } else {
          ctx.response().setStatusCode(307)
              .putHeader(HttpHeaders.LOCATION, "//" + leader.get().getHostname() + ":" + leader.get().getPort()).end();
        }
      });
      router.get(prefix + "/health").handler(ctx -> {
        if (election.leader().isPresent()) {
          ctx.response().setStatusCode(200).end();
        } else {
          Responses.text(ctx.response(), 503, noLeader());
        }
      });
    }
    router.get("/metrics/snapshot").handler(ctx -> {
      if (!isLeading()) {
        io.vertx.core.json.JsonObject metrics = new io.vertx.core.json.JsonObject(
            new java.util.HashMap<String, Object>(notLeadingMetrics()));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(metrics.encode());
      } else {
        ctx.next();
      }
    });
    bridge = new AgentBridge(vertx, config.agentAuth());
    bridge.mount(router);
    OperatorApi.routes(router, () -> {
      Term current = term;
      return current == null ? null : current.operator;
    }, httpLimits.maxBodyBytes());
    dev.vmesos.master.operator.LegacyEndpoints.mount(router, () -> {
      Term current = term;
      return current == null ? null : current.operator;
    }, httpLimits.maxBodyBytes());
    extensions = dev.vmesos.master.extensions.VmesosApi.mount(router, vertx, config, this::isLeading, httpLimits.maxBodyBytes());
    dev.vmesos.master.http.WebUi.mount(router, vertx, this::master, this::leaderOnly, tls);
    dev.vmesos.master.operator.KillTaskEndpoint.mount(router, this::leaderOnly, () -> {
      Term current = term;
      return current == null ? null : current.master;
    }, httpLimits.maxBodyBytes());
    dev.vmesos.master.http.MasterObservability.mount(router, vertx, this::mesosMetrics);
    router.route().last().handler(ctx -> Responses.text(ctx.response(), 404, "Not found: " + ctx.request().path()));
    httpGuard = dev.vmesos.api.http.HttpGuard.create(vertx, httpLimits, "master");
    return httpGuard.createServer(tls.apply(new io.vertx.core.http.HttpServerOptions()
            .setMaxWebSocketMessageSize(dev.vmesos.api.bus.BridgeClient.MAX_MESSAGE_BYTES)
            .setMaxWebSocketFrameSize(dev.vmesos.api.bus.BridgeClient.MAX_MESSAGE_BYTES)), router)
        .listen(config.port(), config.ip())
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + config.ip() + ":"
            + config.port() + " (--ip, --port): " + e.getMessage(), e)))
        .map(s -> {
          server = s;
          return null;
        });
  }

  /**
   * As Mesos's master: a master that does not lead sends the endpoints that need the leader there
   * (307, {@code Location: //host:port/path}), or answers 503 while no leader is elected.
   */
  private void leaderOnly(io.vertx.ext.web.RoutingContext ctx) {
    if (isLeading()) {
      ctx.next();
      return;
    }
    Optional<MasterInfo> leader = election.leader();
    if (leader.isEmpty() || (term != null && !term.ended)) {
      if (ctx.request().path().endsWith("/state") || ctx.request().path().endsWith("/state.json")) {
        ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new io.vertx.core.json.JsonObject()
                .put("elected", false)
                .put("leader", (String) null)
                .put("quorum", config.ha().quorum())
                .put("quorum_reachable", election.quorumReachable())
                .put("message", noLeader()).encode());
      } else {
        Responses.text(ctx.response(), 503, noLeader());
      }
      return;
    }
    String query = ctx.request().query();
    ctx.response().setStatusCode(307)
        .putHeader(HttpHeaders.LOCATION, "//" + leader.get().getHostname() + ":" + leader.get().getPort()
            + ctx.request().path() + (query == null ? "" : "?" + query))
        .end();
  }

  private String noLeader() {
    return election.quorumReachable() ? "No leader elected"
        : "No leader elected: fewer than --quorum=" + config.ha().quorum() + " masters can be reached";
  }

  private void onAgentMessage(Term current, io.vertx.core.eventbus.Message<Object> message) {
    if (current.ended || !mayAct()) {
      message.fail(503, "This master no longer leads");
      return;
    }
    Object body;
    try {
      body = BusEnvelope.unwrap(message.body());
    } catch (IllegalArgumentException e) {
      LOG.warn("Unreadable message on {}: {}", Addresses.MASTER_LEADER, e.getMessage());
      message.fail(400, e.getMessage());
      return;
    }
    // Protobuf in and out: the agent bus turns it into its JSON frames and back.
    java.util.function.Consumer<Message> reply = answer -> message.reply(answer, epochHeader(current.epoch));
    Master master = current.master;
    String principal = message.headers().get(AgentBridge.PRINCIPAL_HEADER);
    try {
      if (body instanceof RegisterAgent register) {
        dev.vmesos.api.internal.Internal.AgentRegistered registered = master.registerAgent(register);
        if (principal != null) {
          current.principals.put(registered.getAgentId().getValue(), principal);
        }
        reply.accept(registered);
      } else if (body instanceof ReregisterAgent reregister) {
        String agentId = reregister.getAgentInfo().getId().getValue();
        String owner = current.principals.get(agentId);
        if (owner != null && !owner.equals(principal)) {
          LOG.warn("Refused the re-registration of agent {} by {}: it registered as principal {}", agentId,
              principal == null ? "an unauthenticated agent" : "principal " + principal, owner);
          message.fail(403, "Agent " + agentId + " is registered under another principal");
          return;
        }
        dev.vmesos.api.internal.Internal.AgentRegistered registered = master.reregisterAgent(reregister);
        if (principal != null) {
          current.principals.put(registered.getAgentId().getValue(), principal);
        }
        reply.accept(registered);
      } else if (body instanceof StatusUpdate update) {
        master.statusUpdate(update);
        // One way, as in Mesos: the framework's acknowledgement is the answer. Asked, it is answered.
        if (message.replyAddress() != null) {
          reply.accept(Ack.getDefaultInstance());
        }
      } else if (body instanceof Ping ping) {
        reply.accept(master.ping(ping));
      } else if (body instanceof dev.vmesos.api.internal.Internal.ExitedExecutor exited) {
        master.executorExited(exited);
        if (message.replyAddress() != null) {
          reply.accept(Ack.getDefaultInstance());
        }
      } else if (body instanceof dev.vmesos.api.internal.Internal.ExecutorToFrameworkMessage executorMessage) {
        master.executorMessage(executorMessage);
        if (message.replyAddress() != null) {
          reply.accept(Ack.getDefaultInstance());
        }
      } else {
        LOG.warn("Unexpected message on {}: {}", Addresses.MASTER_LEADER,
            body == null ? "null" : body.getClass().getName());
        message.fail(400, "Unexpected message type " + (body == null ? "null" : body.getClass().getSimpleName()));
      }
    } catch (RuntimeException e) {
      LOG.warn("Failed to handle {} from an agent: {}", body.getClass().getSimpleName(), e.toString());
      message.fail(500, e.toString());
    }
  }

  /** A new id per term: ids the master makes (frameworks, agents, offers) start with it. */
  private MasterInfo masterInfo(int port) {
    String id = UUID.randomUUID().toString();
    return MasterInfo.newBuilder()
        .setId(id)
        .setIp(ipv4NetworkOrder(config.ip()))
        .setPort(port)
        .setPid("master@" + config.ip() + ":" + port)
        .setHostname(config.hostname())
        .setVersion(MESOS_VERSION)
        .setAddress(Address.newBuilder().setHostname(config.hostname()).setIp(config.ip()).setPort(port))
        .build();
  }

  /** Mesos puts the IPv4 address in MasterInfo.ip as the in_addr word read on a little-endian host. */
  static int ipv4NetworkOrder(String ip) {
    try {
      byte[] b = InetAddress.getByName(ip).getAddress();
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("Not an IPv4 address: " + ip, e);
    }
  }

  /** Performs what the master core asks, on this verticle's event loop. */
  private final class VertxEffects implements MasterEffects {

    private final long epoch;
    private Term term;

    VertxEffects(long epoch) {
      this.epoch = epoch;
    }

    private DeliveryOptions options() {
      return epochHeader(epoch).setSendTimeout(AGENT_REQUEST_TIMEOUT_MS);
    }

    private boolean live() {
      return (term == null || !term.ended) && mayAct();
    }

    @Override
    public void sendToAgent(String agentId, Message message) {
      if (!live()) {
        LOG.debug("Not sending {} to agent {}: this master no longer leads", message.getDescriptorForType().getName(),
            agentId);
        return;
      }
      String address = Addresses.agent(agentId);
      if (message instanceof RunTask || message instanceof RunTaskGroup) {
        deliverLaunch(agentId, message, 0);
      } else if (message instanceof KillTask) {
        requestAgent(address, message)
            .onFailure(e -> LOG.warn("Agent {} did not take {}: {}", agentId,
                message.getDescriptorForType().getName(), describe(e)));
      } else {
        vertx.eventBus().send(address, message, options());
      }
    }

    /** A request to an agent (over its bridge connection); a failure it replies with fails the future. */
    private Future<io.vertx.core.eventbus.Message<Object>> requestAgent(String address, Message message) {
      return vertx.eventBus().<Object>request(address, message, options()).compose(reply ->
          BusEnvelope.isFailure(reply.body())
              ? Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
                  BusEnvelope.failureCode(reply.body()), BusEnvelope.failureMessage(reply.body())))
              : Future.succeededFuture(reply));
    }

    /**
     * Sends a launch to its agent, one way as Mesos does: the task's status updates are the answer.
     * While nobody consumes the agent's address (an agent that has just registered binds it a moment
     * after the reply, and may get offers meanwhile) the write fails at once and the launch is sent
     * again with backoff; a launch that never gets there ends its tasks TASK_LOST or TASK_DROPPED.
     */
    private void deliverLaunch(String agentId, Message message, int attempt) {
      if (!live()) {
        return;
      }
      Master master = term.master;
      vertx.eventBus().sender(Addresses.agent(agentId), options()).write(message)
          .onFailure(e -> {
            boolean noHandler = e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
            if (noHandler && attempt < LAUNCH_DELIVERY_ATTEMPTS) {
              LOG.debug("Agent {} does not consume its address yet: sending {} again", agentId,
                  message.getDescriptorForType().getName());
              vertx.setTimer(50L << attempt, id -> deliverLaunch(agentId, message, attempt + 1));
              return;
            }
            LOG.warn("Agent {} did not take {}: {}", agentId, message.getDescriptorForType().getName(), describe(e));
            if (noHandler) {
              if (message instanceof RunTask run) {
                master.launchNotDelivered(agentId, run.getFrameworkInfo().getId().getValue(),
                    List.of(run.getTask().getTaskId()));
              } else if (message instanceof RunTaskGroup group) {
                master.launchNotDelivered(agentId, group.getFrameworkInfo().getId().getValue(),
                    group.getTaskGroup().getTasksList().stream().map(TaskInfo::getTaskId).toList());
              }
            }
          });
    }

    private final java.util.Set<Long> timers = new java.util.HashSet<>();

    @Override
    public long schedule(Duration delay, Runnable action) {
      long[] id = new long[1];
      id[0] = vertx.setTimer(Math.max(1, delay.toMillis()), t -> {
        timers.remove(id[0]);
        if (live()) {
          action.run();
        }
      });
      track(id[0]);
      return id[0];
    }

    @Override
    public long schedulePeriodic(Duration period, Runnable action) {
      long id = vertx.setPeriodic(Math.max(1, period.toMillis()), t -> {
        if (live()) {
          action.run();
        }
      });
      track(id);
      return id;
    }

    private void track(long id) {
      timers.add(id);
    }

    @Override
    public void cancel(long timerId) {
      timers.remove(timerId);
      vertx.cancelTimer(timerId);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> "the agent is not reachable on the event bus";
        case TIMEOUT -> "no reply within " + AGENT_REQUEST_TIMEOUT_MS + " ms";
        case RECIPIENT_FAILURE -> "it failed: " + reply.getMessage();
        case ERROR -> "event bus error: " + reply.getMessage();
      };
    }
    return e.toString();
  }
}
