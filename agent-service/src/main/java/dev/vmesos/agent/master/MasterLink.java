package dev.vmesos.agent.master;

import dev.vmesos.agent.bus.ReplyFailures;
import dev.vmesos.agent.master.LeaderEpochs.Verdict;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.AgentBus;
import dev.vmesos.client.Backoff;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.LeaderElected;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.MasterInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of its session with the leading master: registers (or re-registers, once it
 * has an id) with retries and backoff, then pings on the interval the master asked for, and goes
 * back to re-registering when the master says it does not know this agent. Runs on the owning
 * verticle's context.
 *
 * <p>With standby masters it also fences: it tracks the leader epochs it sees ({@link LeaderEpochs})
 * and {@link #admit admits} a master's message only if its epoch is not below the highest seen. A
 * new leader (its {@code LeaderElected} announcement, or any reply or message with an epoch newer
 * than the one the agent registered under) makes it re-register after a random delay of at most
 * {@code min(1 s, ping interval)}, so that thousands of agents do not arrive in the same millisecond.
 */
public final class MasterLink {

  private static final Logger LOG = LoggerFactory.getLogger(MasterLink.class);

  /** Used when the master does not say how often it wants pings. */
  static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

  /** The longest random delay before re-registering with a new leader. */
  static final Duration MAX_JITTER = Duration.ofSeconds(1);

  /** What the link needs from the agent. */
  public interface Agent {

    /** The agent's info, without id. */
    AgentInfo info();

    /** The tasks to report when re-registering. */
    List<RunningTask> runningTasks();

    /**
     * The master accepted the agent under {@code registered.agent_id}. The returned future must
     * complete once the agent consumes its address cluster-wide; only then is it registered.
     */
    Future<Void> registered(AgentRegistered registered, boolean reregistered);
  }

  private final Vertx vertx;
  private final AgentBus bus;
  private final Agent agent;
  private final DeliveryOptions delivery;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final LeaderEpochs epochs = new LeaderEpochs();
  private AgentBus.Subscription leaderElected;
  private AgentID agentId;
  private MasterInfo leader;
  private boolean registered;
  private boolean stopped;
  /** A jittered re-registration is scheduled. */
  private boolean reregistrationPending;
  /** A registration request is in flight. */
  private boolean registering;
  /**
   * Bumped by every registration attempt: the outcome of an earlier attempt, or a pong to a ping
   * of an earlier registration, arrives too late to count and is ignored.
   */
  private long generation;
  private long timerId = -1;
  private long pingSequence;
  private int failedPings;
  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  /** Sent with each first registration, so that the master answers a repeat with the same id. */
  private final String instance = java.util.UUID.randomUUID().toString();
  /** Failed (re)registration attempts since the last success. */
  private int attempts;

  public MasterLink(Vertx vertx, AgentBus bus, Agent agent, Duration requestTimeout, Backoff backoff) {
    this(vertx, bus, agent, requestTimeout, backoff, ThreadLocalRandom.current());
  }

  /** @param random draws the delay before re-registering with a new leader */
  public MasterLink(Vertx vertx, AgentBus bus, Agent agent, Duration requestTimeout, Backoff backoff,
                    RandomGenerator random) {
    this.vertx = vertx;
    this.bus = bus;
    this.agent = agent;
    this.delivery = new DeliveryOptions().setSendTimeout(requestTimeout.toMillis());
    this.backoff = backoff;
    this.random = random;
  }

  /**
   * Before {@link #start()}: the id a previous run of this agent had, so that it re-registers with
   * it (and the tasks it recovered) rather than registering anew.
   */
  public void resume(AgentID previousId) {
    LOG.info("Agent {} resumes: it will re-register", previousId.getValue());
    agentId = previousId;
  }

  /**
   * Starts listening for new leaders and registering. The future completes once the agent hears
   * {@code LeaderElected} announcements (cluster-wide).
   */
  public Future<Void> start() {
    leaderElected = bus.consumer(Addresses.AGENTS_LEADER_ELECTED, this::onLeaderElected);
    attemptRegistration();
    return leaderElected.completion();
  }

  /** Stops registering and pinging. */
  public void stop() {
    stopped = true;
    cancelTimer();
    if (leaderElected != null) {
      leaderElected.unregister();
    }
  }

  public Optional<AgentID> agentId() {
    return Optional.ofNullable(agentId);
  }

  /**
   * The agent bus reached a master (at start, or another one after the last went): a registration
   * is bound to the connection it was made on, so the agent registers again, after a random delay
   * like after a leader's announcement. A registration in flight fails with the old connection, and
   * is retried on its own.
   */
  public void connected(String master) {
    if (!stopped && !registering) {
      reregisterSoon("connected to master " + master);
    }
  }

  public boolean isRegistered() {
    return registered;
  }

  /** The leader the agent registered with last (it may have been deposed since). */
  public Optional<MasterInfo> leader() {
    return Optional.ofNullable(leader);
  }

  /** The leader epoch the agent registered under last; 0 when that master sent none. */
  public long registeredEpoch() {
    return epochs.registeredEpoch();
  }

  /** How many messages of deposed leaders the agent refused since start-up. */
  public long staleLeaderMessages() {
    return epochs.staleMessages();
  }

  /**
   * Whether a message from a master may be acted on. Refused when its leader epoch is below the
   * highest seen: failed with 409 if it expects a reply, counted, and warned about once per stale
   * epoch. A message without the epoch header is admitted (a single master, or an older one). An
   * epoch newer than the agent's registration's means a new leader: the agent re-registers soon.
   */
  public boolean admit(Message<?> message) {
    String header = message.headers().get(Addresses.EPOCH_HEADER);
    if (header == null) {
      return true;
    }
    long epoch;
    try {
      epoch = LeaderEpochs.parse(header);
    } catch (IllegalArgumentException e) {
      LOG.warn("Refusing a message on {}: {}", message.address(), e.getMessage());
      if (message.replyAddress() != null) {
        message.fail(400, e.getMessage());
      }
      return false;
    }
    if (!observe(epoch)) {
      if (message.replyAddress() != null) {
        message.fail(409, "stale leader epoch " + LeaderEpochs.toString(epoch) + " < "
            + LeaderEpochs.toString(epochs.highest()));
      }
      return false;
    }
    return true;
  }

  /**
   * Takes note of the epoch on a master's reply to a request of the agent's (a pong); false when it
   * came from a deposed leader.
   */
  private boolean observeReply(Message<?> reply) {
    String header = reply.headers().get(Addresses.EPOCH_HEADER);
    if (header == null) {
      return true;
    }
    try {
      return observe(LeaderEpochs.parse(header));
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignoring a reply's header: {}", e.getMessage());
      return true;
    }
  }

  /** Notes an epoch from a master's message or reply: false if stale, re-registers if new. */
  private boolean observe(long epoch) {
    Verdict verdict = epochs.observe(epoch);
    if (verdict == Verdict.STALE) {
      if (epochs.refused(epoch)) {
        LOG.warn("Refusing messages of a deposed leader: stale leader epoch {} < {}", LeaderEpochs.toString(epoch),
            LeaderEpochs.toString(epochs.highest()));
      }
      return false;
    }
    if (registered ? epochs.newerThanRegistration(epoch) : verdict == Verdict.NEWER) {
      reregisterSoon("a master of leader epoch " + LeaderEpochs.toString(epoch) + " answers (registered under "
          + LeaderEpochs.toString(epochs.registeredEpoch()) + ")");
    }
    return true;
  }

  private void onLeaderElected(Message<Object> message) {
    if (stopped || !(message.body() instanceof LeaderElected elected)) {
      return;
    }
    long epoch = elected.getEpoch();
    String who = elected.getMasterInfo().getId() + " (epoch " + LeaderEpochs.toString(epoch) + ")";
    Verdict verdict = epochs.observe(epoch);
    if (verdict == Verdict.STALE) {
      LOG.debug("Ignoring the late announcement of leader {}: epoch {} is known", who,
          LeaderEpochs.toString(epochs.highest()));
      return;
    }
    // A registration under way is not superseded: the master may have admitted the agent already, and
    // a second RegisterAgent would admit it twice. Its answer says whether it reached this leader.
    if (!registered && registering) {
      if (Long.compareUnsigned(epoch, awaitedEpoch) > 0) {
        awaitedEpoch = epoch;
      }
      return;
    }
    boolean underWay = reregistrationPending;
    if (registered ? epochs.newerThanRegistration(epoch) : verdict == Verdict.NEWER || !underWay) {
      reregisterSoon("master " + who + " was elected leader");
    }
  }

  /** A leader announced while a registration was under way; 0 when none. */
  private long awaitedEpoch;

  /**
   * (Re-)registers after a random delay, superseding whatever registration or ping is in flight.
   * Until then the agent counts as not registered.
   */
  private void reregisterSoon(String why) {
    if (stopped || reregistrationPending) {
      return;
    }
    reregistrationPending = true;
    registered = false;
    registering = false;
    generation++;
    cancelTimer();
    long bound = Math.min(MAX_JITTER.toMillis(), pingInterval.toMillis());
    long delay = Math.max(1, random.nextLong(bound + 1));
    LOG.info("{}: {} in {} ms", why, agentId == null ? "registering" : "re-registering", delay);
    timerId = vertx.setTimer(delay, id -> {
      timerId = -1;
      reregistrationPending = false;
      attempts = 0;
      backoff.reset();
      attemptRegistration();
    });
  }

  private void attemptRegistration() {
    if (stopped) {
      return;
    }
    long mine = ++generation;
    registering = true;
    boolean reregistering = agentId != null;
    Object request;
    if (reregistering) {
      List<RunningTask> tasks = agent.runningTasks();
      if (attempts == 0) {
        LOG.info("Re-registering agent {} with the master ({} task(s))", agentId.getValue(), tasks.size());
      } else {
        LOG.debug("Re-registering agent {} with the master ({} task(s), attempt {})", agentId.getValue(),
            tasks.size(), attempts + 1);
      }
      request = ReregisterAgent.newBuilder()
          .setAgentInfo(agent.info().toBuilder().setId(agentId))
          .addAllTasks(tasks)
          .build();
    } else {
      if (attempts == 0) {
        LOG.info("Registering agent {}:{} with the master", agent.info().getHostname(), agent.info().getPort());
      } else {
        LOG.debug("Registering agent {}:{} with the master (attempt {})", agent.info().getHostname(),
            agent.info().getPort(), attempts + 1);
      }
      request = RegisterAgent.newBuilder().setAgentInfo(agent.info()).setInstance(instance).build();
    }
    bus.request(Addresses.MASTER_LEADER, (com.google.protobuf.Message) request, delivery)
        .compose(reply -> mine == generation ? accept(reply, reregistering)
            : Future.<AgentRegistered>failedFuture("superseded"))
        .onComplete(done -> {
          if (stopped || mine != generation) {
            return;   // a new leader came meanwhile; its registration is under way
          }
          registering = false;
          long announced = awaitedEpoch;
          awaitedEpoch = 0;
          if (done.succeeded()) {
            registeredWith(done.result(), reregistering);
            if (announced != 0 && epochs.newerThanRegistration(announced)) {
              reregisterSoon("a newer leader (epoch " + LeaderEpochs.toString(announced)
                  + ") was elected during the registration");
            }
          } else {
            attempts++;
            Duration wait = backoff.next();
            String why = ReplyFailures.describe(Addresses.MASTER_LEADER, done.cause());
            if (ReplyFailures.isNoMaster(done.cause())) {
              LOG.info("Agent not registered yet: {}; retrying in {} ms", why, wait.toMillis());
            } else {
              LOG.warn("Agent registration failed: {}; retrying in {} ms", why, wait.toMillis());
            }
            timerId = vertx.setTimer(wait.toMillis(), id -> {
              timerId = -1;
              attemptRegistration();
            });
          }
        });
  }

  /** Binds the agent under the id in the reply, unless a deposed leader sent it. */
  private Future<AgentRegistered> accept(Message<Object> reply, boolean reregistering) {
    if (!(reply.body() instanceof AgentRegistered registeredReply)) {
      return Future.failedFuture("unexpected reply " + describe(reply.body()));
    }
    String header = reply.headers().get(Addresses.EPOCH_HEADER);
    long epoch;
    try {
      epoch = header == null ? 0 : LeaderEpochs.parse(header);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e.getMessage());
    }
    if (header != null && epochs.observe(epoch) == Verdict.STALE) {
      epochs.refused(epoch);
      return Future.failedFuture("the registration was answered by a deposed leader (stale leader epoch "
          + LeaderEpochs.toString(epoch) + " < " + LeaderEpochs.toString(epochs.highest()) + ")");
    }
    AgentID id = registeredReply.getAgentId();
    if (agentId != null && !agentId.equals(id)) {
      LOG.warn("The master gave agent {} a new id {}", agentId.getValue(), id.getValue());
    }
    agentId = id;
    epochs.registeredUnder(epoch);
    return agent.registered(registeredReply, reregistering).map(registeredReply);
  }

  private void registeredWith(AgentRegistered reply, boolean reregistering) {
    attempts = 0;
    backoff.reset();
    registered = true;
    failedPings = 0;
    leader = reply.getMasterInfo();
    double seconds = reply.getPingIntervalSeconds();
    pingInterval = seconds > 0 ? Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))) : DEFAULT_PING_INTERVAL;
    LOG.info("Agent {} {} with master {} (leader epoch {})", agentId.getValue(),
        reregistering ? "re-registered" : "registered", leader.getId(),
        LeaderEpochs.toString(epochs.registeredEpoch()));
    schedulePing();
  }

  private void schedulePing() {
    long mine = generation;
    timerId = vertx.setTimer(pingInterval.toMillis(), id -> {
      timerId = -1;
      if (mine == generation) {
        ping(mine);
      }
    });
  }

  private void ping(long mine) {
    if (stopped) {
      return;
    }
    long sequence = ++pingSequence;
    Ping ping = Ping.newBuilder().setAgentId(agentId).setSequence(sequence).build();
    bus.request(Addresses.MASTER_LEADER, ping, delivery).onComplete(reply -> {
      if (stopped || mine != generation) {
        return;
      }
      if (reply.failed()) {
        // Also while no master leads (no handler): keep pinging; the next leader answers that it
        // does not know this agent, or announces itself, and the agent re-registers.
        failedPings++;
        String why = ReplyFailures.describe(Addresses.MASTER_LEADER, reply.cause());
        if (failedPings == 1) {
          LOG.warn("Ping {} of agent {} failed: {}", sequence, agentId.getValue(), why);
        } else {
          LOG.debug("Ping {} of agent {} failed ({} in a row): {}", sequence, agentId.getValue(), failedPings, why);
        }
        schedulePing();
        return;
      }
      if (!observeReply(reply.result())) {
        LOG.debug("Pong {} for agent {} came from a deposed leader", sequence, agentId.getValue());
        schedulePing();
        return;
      }
      if (mine != generation) {
        return;   // the pong announced a new leader: re-registering
      }
      if (failedPings > 0) {
        LOG.info("Master answers pings of agent {} again after {} failure(s)", agentId.getValue(), failedPings);
        failedPings = 0;
      }
      if (reply.result().body() instanceof Pong pong && !pong.getRegistered()) {
        LOG.info("The master does not know agent {}: re-registering", agentId.getValue());
        registered = false;
        attemptRegistration();
        return;
      }
      LOG.debug("Pong {} for agent {}", sequence, agentId.getValue());
      schedulePing();
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private static String describe(Object body) {
    return body == null ? "null" : body.getClass().getSimpleName();
  }
}
