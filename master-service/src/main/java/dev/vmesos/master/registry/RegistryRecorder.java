package dev.vmesos.master.registry;

import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry up to date from the master's events and writes it to a {@link RegistryStore},
 * in batches: at most one write is in flight, and whatever changes meanwhile goes into the next
 * one (10,000 agents registering at once make a handful of writes). Each write is the whole
 * registry, with the leader's epoch and the next version.
 *
 * <p>Lives on the master's event loop: create it there, add it with {@code Master.addListener},
 * and answer operator updates after {@link #flush()} ({@code Master.setDurability}).
 */
public final class RegistryRecorder implements MasterListener {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRecorder.class);
  /** After a failed write (not fenced), the next attempt waits this long. */
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Context context;
  private final RegistryStore store;
  private final Clock clock;
  private final long epoch;
  private final Map<String, Registry.Agent> agents = new LinkedHashMap<>();
  private final Map<String, Registry.Framework> frameworks = new LinkedHashMap<>();
  private final Map<String, Double> weights = new TreeMap<>();
  private final Map<String, Registry.Quota> quotas = new TreeMap<>();
  private long version;
  /** Changes recorded so far, and how many of them the last successful write holds. */
  private long changes;
  private long durableChanges;
  private boolean writing;
  private boolean scheduled;
  private Long retryTimer;
  private RegistryFencedException fenced;
  private Runnable onFenced = () -> { };
  private final List<Waiter> waiters = new ArrayList<>();
  private int writes;

  private record Waiter(long changes, Promise<Void> promise) {
  }

  /** Continues the recovered registry under its own epoch (a single master restarted). */
  public RegistryRecorder(Vertx vertx, RegistryStore store, Registry recovered) {
    this(vertx, store, recovered, recovered.getEpoch(), Clock.systemUTC());
  }

  /**
   * Continues the recovered registry as the leader of {@code epoch}: when that is a new epoch the
   * registry is written at once under it, which fences the previous leader's writes; call
   * {@link #flush()} and wait for it before serving.
   */
  public RegistryRecorder(Vertx vertx, RegistryStore store, Registry recovered, long epoch, Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.clock = clock;
    this.epoch = epoch;
    this.version = recovered.getVersion();
    for (Registry.Agent agent : recovered.getAgentsList()) {
      agents.put(agent.getInfo().getId().getValue(), agent);
    }
    for (Registry.Framework framework : recovered.getFrameworksList()) {
      frameworks.put(framework.getInfo().getId().getValue(), framework);
    }
    weights.putAll(recovered.getWeightsMap());
    for (Registry.Quota quota : recovered.getQuotasList()) {
      quotas.put(quota.getRole(), quota);
    }
    if (epoch != recovered.getEpoch()) {
      changed();
    }
  }

  /** Called once, on the master's event loop, when a write is refused because a later leader wrote. */
  public void onFenced(Runnable action) {
    this.onFenced = action;
  }

  /**
   * Completes once everything recorded so far is durably written; fails if the write holding it
   * fails (it is retried with later changes) or this leader is fenced.
   */
  public Future<Void> flush() {
    if (fenced != null) {
      return Future.failedFuture(fenced);
    }
    if (durableChanges >= changes) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiters.add(new Waiter(changes, promise));
    scheduleWrite();
    return promise.future();
  }

  /** The registry as recorded so far, with the version of the last write attempted. */
  public Registry current() {
    Registry.Builder registry = Registry.newBuilder().setEpoch(epoch).setVersion(version)
        .addAllAgents(agents.values())
        .addAllFrameworks(frameworks.values())
        .putAllWeights(weights)
        .addAllQuotas(quotas.values());
    return registry.build();
  }

  /** Writes attempted so far (for tests and metrics). */
  public int writes() {
    return writes;
  }

  // ---------------------------------------------------------------------------------------------
  // What the master tells

  @Override
  public void frameworkAdded(Framework framework) {
    recordFramework(framework, null);
  }

  @Override
  public void frameworkUpdated(Framework framework) {
    recordFramework(framework, null);
  }

  @Override
  public void frameworkDisconnected(Framework framework) {
    long timeout = Math.round(framework.info().getFailoverTimeout() * 1e9);
    recordFramework(framework, nowNanos() + Math.max(0, timeout));
  }

  @Override
  public void frameworkRemoved(Framework framework) {
    if (frameworks.remove(framework.id()) != null) {
      changed();
    }
  }

  @Override
  public void agentAdded(Agent agent) {
    Registry.Agent old = agents.get(agent.id());
    Registry.Agent.Builder admitted = Registry.Agent.newBuilder().setInfo(agent.info())
        .setState(Registry.Agent.State.ADMITTED)
        .setRegisteredTimeNs(old != null && old.hasRegisteredTimeNs() ? old.getRegisteredTimeNs() : nowNanos());
    put(agents, agent.id(), admitted.build());
  }

  @Override
  public void agentUnreachable(Agent agent, long unreachableTimeNanos) {
    Registry.Agent old = agents.get(agent.id());
    Registry.Agent.Builder unreachable = (old == null ? Registry.Agent.newBuilder().setInfo(agent.info())
        : old.toBuilder()).setState(Registry.Agent.State.UNREACHABLE).setUnreachableTimeNs(unreachableTimeNanos);
    put(agents, agent.id(), unreachable.build());
  }

  @Override
  public void weightsUpdated(Map<String, Double> updated) {
    updated.forEach((role, weight) -> put(weights, role, weight));
  }

  @Override
  public void quotaUpdated(String role, Quota quota) {
    if (quota.isNone()) {
      if (quotas.remove(role) != null) {
        changed();
      }
      return;
    }
    put(quotas, role, Registry.Quota.newBuilder().setRole(role).putAllGuarantees(quota.guarantees())
        .putAllLimits(quota.limits()).build());
  }

  private void recordFramework(Framework framework, Long failoverDeadline) {
    Registry.Framework old = frameworks.get(framework.id());
    Registry.Framework.Builder entry = Registry.Framework.newBuilder().setInfo(framework.info())
        .setRegisteredTimeNs(old != null && old.hasRegisteredTimeNs() ? old.getRegisteredTimeNs() : nowNanos());
    if (failoverDeadline != null) {
      entry.setFailoverDeadlineNs(failoverDeadline);
    }
    put(frameworks, framework.id(), entry.build());
  }

  private <T> void put(Map<String, T> map, String key, T value) {
    if (!Objects.equals(map.put(key, value), value)) {
      changed();
    }
  }

  private long nowNanos() {
    return clock.millis() * 1_000_000L;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  private void changed() {
    changes++;
    scheduleWrite();
  }

  /** A write starts on the next turn of the event loop, so that a burst of changes makes one. */
  private void scheduleWrite() {
    if (!writing && !scheduled && retryTimer == null && fenced == null) {
      scheduled = true;
      context.runOnContext(v -> write());
    }
  }

  private void write() {
    scheduled = false;
    if (writing || fenced != null || durableChanges >= changes) {
      return;
    }
    writing = true;
    writes++;
    long covered = changes;
    version++;
    Registry registry = current();
    Future<Void> stored;
    try {
      stored = store.store(registry);
    } catch (RuntimeException e) {
      stored = Future.failedFuture(e);
    }
    stored.onComplete(result -> {
      if (Vertx.currentContext() == context) {
        written(covered, registry, result);
      } else {
        context.runOnContext(v -> written(covered, registry, result));
      }
    });
  }

  private void written(long covered, Registry registry, AsyncResult<Void> result) {
    writing = false;
    if (result.succeeded()) {
      durableChanges = Math.max(durableChanges, covered);
      LOG.debug("Wrote registry {}", Registries.describe(registry));
      complete(covered, null);
      scheduleWrite();
      return;
    }
    Throwable cause = result.cause();
    if (cause instanceof RegistryFencedException fencedBy) {
      LOG.warn("Registry write refused, a later leader has written: {}", cause.getMessage());
      fenced = fencedBy;
      complete(Long.MAX_VALUE, fencedBy);
      Runnable action = onFenced;
      onFenced = () -> { };
      action.run();
      return;
    }
    LOG.warn("Failed to write registry {}; retrying in {}: {}", Registries.describe(registry), RETRY_DELAY,
        cause.getMessage());
    complete(covered, cause);
    retryTimer = vertx.setTimer(RETRY_DELAY.toMillis(), id -> {
      retryTimer = null;
      scheduleWrite();
    });
  }

  /** Completes (or fails) the flushes the write of {@code covered} changes answers. */
  private void complete(long covered, Throwable failure) {
    List<Waiter> answered = new ArrayList<>();
    waiters.removeIf(waiter -> waiter.changes() <= covered && answered.add(waiter));
    for (Waiter waiter : answered) {
      if (failure == null) {
        waiter.promise().complete();
      } else {
        waiter.promise().fail(failure);
      }
    }
  }
}
