package dev.vmesos.agent.master;

import dev.vmesos.agent.bus.ReplyFailures;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.client.Backoff;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.Ping;
import dev.vmesos.api.internal.Internal.Pong;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.internal.Internal.ReregisterAgent;
import dev.vmesos.api.internal.Internal.RunningTask;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.AgentInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of its session with the leading master: registers (or re-registers, once it
 * has an id) with retries and backoff, then pings on the interval the master asked for, and goes
 * back to re-registering when the master says it does not know this agent. Runs on the owning
 * verticle's context.
 */
public final class MasterLink {

  private static final Logger LOG = LoggerFactory.getLogger(MasterLink.class);

  /** Used when the master does not say how often it wants pings. */
  static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

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
  private final Agent agent;
  private final DeliveryOptions delivery;
  private final Backoff backoff;
  private AgentID agentId;
  private boolean registered;
  private boolean registering;
  private boolean stopped;
  private long timerId = -1;
  private long pingSequence;
  private int failedPings;
  /** Failed (re)registration attempts since the last success. */
  private int attempts;

  public MasterLink(Vertx vertx, Agent agent, Duration requestTimeout, Backoff backoff) {
    this.vertx = vertx;
    this.agent = agent;
    this.delivery = new DeliveryOptions().setSendTimeout(requestTimeout.toMillis());
    this.backoff = backoff;
  }

  /**
   * Before {@link #start()}: the id a previous run of this agent had, so that it re-registers with
   * it (and the tasks it recovered) rather than registering anew.
   */
  public void resume(AgentID previousId) {
    LOG.info("Agent {} resumes: it will re-register", previousId.getValue());
    agentId = previousId;
  }

  /** Starts registering. */
  public void start() {
    attemptRegistration();
  }

  /** Stops registering and pinging. */
  public void stop() {
    stopped = true;
    cancelTimer();
  }

  public Optional<AgentID> agentId() {
    return Optional.ofNullable(agentId);
  }

  public boolean isRegistered() {
    return registered;
  }

  private void attemptRegistration() {
    if (stopped || registering) {
      return;
    }
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
      request = RegisterAgent.newBuilder().setAgentInfo(agent.info()).build();
    }
    vertx.eventBus().<Object>request(Addresses.MASTER_LEADER, request, delivery)
        .compose(reply -> accept(reply, reregistering))
        .onComplete(done -> {
          registering = false;
          if (stopped) {
            return;
          }
          if (done.succeeded()) {
            attempts = 0;
            backoff.reset();
            schedulePing(done.result());
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

  /** Binds the agent under the id in the reply; yields the ping interval. */
  private Future<Duration> accept(Message<Object> reply, boolean reregistering) {
    if (!(reply.body() instanceof AgentRegistered registeredReply)) {
      return Future.failedFuture("unexpected reply " + describe(reply.body()));
    }
    AgentID id = registeredReply.getAgentId();
    if (agentId != null && !agentId.equals(id)) {
      LOG.warn("The master gave agent {} a new id {}", agentId.getValue(), id.getValue());
    }
    agentId = id;
    return agent.registered(registeredReply, reregistering).map(v -> {
      registered = true;
      failedPings = 0;
      LOG.info("Agent {} {} with master {}", id.getValue(), reregistering ? "re-registered" : "registered",
          registeredReply.getMasterInfo().getId());
      double seconds = registeredReply.getPingIntervalSeconds();
      return seconds > 0 ? Duration.ofMillis(Math.round(seconds * 1000)) : DEFAULT_PING_INTERVAL;
    });
  }

  private void schedulePing(Duration interval) {
    timerId = vertx.setTimer(interval.toMillis(), id -> {
      timerId = -1;
      ping(interval);
    });
  }

  private void ping(Duration interval) {
    if (stopped) {
      return;
    }
    long sequence = ++pingSequence;
    Ping ping = Ping.newBuilder().setAgentId(agentId).setSequence(sequence).build();
    vertx.eventBus().<Object>request(Addresses.MASTER_LEADER, ping, delivery).onComplete(reply -> {
      if (stopped) {
        return;
      }
      if (reply.failed()) {
        failedPings++;
        String why = ReplyFailures.describe(Addresses.MASTER_LEADER, reply.cause());
        if (failedPings == 1) {
          LOG.warn("Ping {} of agent {} failed: {}", sequence, agentId.getValue(), why);
        } else {
          LOG.debug("Ping {} of agent {} failed ({} in a row): {}", sequence, agentId.getValue(), failedPings, why);
        }
        schedulePing(interval);
        return;
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
      schedulePing(interval);
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
