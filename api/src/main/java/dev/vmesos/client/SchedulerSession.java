package dev.vmesos.client;

import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A framework's connection to Mesos that outlives any one HTTP stream: it finds the leader through
 * {@code GET /redirect}, asking the listed masters in turn until one names it, follows 307s,
 * subscribes, and when the stream breaks (the master restarted, failed over, or stopped sending
 * heartbeats) reconnects with exponential backoff and re-subscribes with the framework id it was
 * given, so the framework keeps its tasks. Each subscription uses a new {@link SchedulerClient},
 * hence a fresh {@code Mesos-Stream-Id} for the calls that follow.
 *
 * <p>Each acknowledged status update reaches the {@link Scheduler} once: an agent resends an update
 * until the acknowledgement reaches it, and one lost with a failed-over master brings the update
 * again; the session acknowledges such a repeat (same task id and uuid) again without delivering it
 * ({@link AcknowledgedUpdates}). An update not acknowledged yet is delivered again, as by Mesos.
 *
 * <p>Everything runs on the Vert.x context the session was created on; {@link Scheduler} callbacks
 * are called there one at a time. {@link #done()} completes when {@link #stop} is called, and fails
 * with a {@link SchedulerSessionException} (one line, fit for a user) when the session gives up:
 * no master reachable for {@link SessionOptions#giveUpAfter()}, an address that is not a master, or
 * an ERROR event (the master refused or removed the framework).
 */
public final class SchedulerSession {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerSession.class);

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent discoveryHttp;
  private final List<MasterAddress> masters;
  /** The master asked for the leader first, next time: the one that answered last. */
  private int nextMaster;
  /** The master the last connection attempt talked to, for messages. */
  private MasterAddress lastTried;
  private final AcknowledgedUpdates acknowledged = new AcknowledgedUpdates();
  private final Scheduler scheduler;
  private final SessionOptions options;
  private final Backoff backoff;
  private final Promise<Void> done = Promise.promise();
  private FrameworkInfo info;
  private FrameworkID frameworkId;
  private SchedulerClient client;
  private long connection;
  private long watchdog = -1;
  private long lastEventNanos;
  private long failingSinceNanos = -1;
  private boolean stopped;

  public SchedulerSession(Vertx vertx, MasterAddress master, FrameworkInfo info, Scheduler scheduler,
                          SessionOptions options) {
    this(vertx, List.of(master), info, scheduler, options);
  }

  /**
   * A session with standby masters: any of {@code masters} can name the leader (see
   * {@link MasterAddress#parseList}); they are asked in turn, each round of failures backing off.
   */
  public SchedulerSession(Vertx vertx, List<MasterAddress> masters, FrameworkInfo info, Scheduler scheduler,
                          SessionOptions options) {
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("no master to connect to");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.discoveryHttp = vertx.createHttpClient(options.security()
        .apply(new HttpClientOptions().setConnectTimeout(LeaderDiscovery.TIMEOUT_MS)));
    this.masters = List.copyOf(masters);
    this.lastTried = this.masters.get(0);
    this.info = info;
    this.frameworkId = info.hasId() ? info.getId() : null;
    this.scheduler = scheduler;
    this.options = options;
    this.backoff = new Backoff(options.backoffInitial(), options.backoffMax());
  }

  /** Starts connecting; returns {@link #done()}. */
  public Future<Void> start() {
    context.runOnContext(v -> connect());
    return done.future();
  }

  /** Completes when the session stops, fails when it gives up (see the class comment). */
  public Future<Void> done() {
    return done.future();
  }

  /** The framework id, once the master gave one (or the one the FrameworkInfo carried). */
  public FrameworkID frameworkId() {
    return frameworkId;
  }

  /** Sends a call on the current subscription; fails when there is none or the master refuses it. */
  public Future<Void> call(Call call) {
    return onContext(() -> client == null || client.streamId() == null
        ? Future.failedFuture(new SchedulerSessionException("not subscribed: the call " + call.getType() + " was not sent"))
        : client.call(call));
  }

  public Future<Void> launch(OfferID offerId, List<TaskInfo> tasks, double refuseSeconds) {
    return call(Calls.launch(List.of(offerId), tasks, refuseSeconds));
  }

  public Future<Void> decline(Collection<OfferID> offerIds, double refuseSeconds) {
    return call(Calls.decline(offerIds, refuseSeconds));
  }

  /**
   * Acknowledges an update. From then on a repeat of it (the agent did not get the acknowledgement)
   * is acknowledged again without reaching the scheduler.
   */
  public Future<Void> acknowledge(TaskStatus status) {
    return onContext(() -> {
      if (!status.getUuid().isEmpty()) {
        acknowledged.acknowledged(status.getTaskId().getValue(), status.getUuid());
      }
      return call(Calls.acknowledge(status));
    });
  }

  public Future<Void> reconcile() {
    return call(Calls.reconcileAll());
  }

  /** Stops the session; with {@code teardown} the framework is removed first (its tasks are killed). */
  public Future<Void> stop(boolean teardown) {
    return onContext(() -> {
      // Stopped first: the stream a TEARDOWN closes must not look like a lost master.
      boolean subscribed = client != null && client.streamId() != null;
      stopped = true;
      cancelWatchdog();
      Future<Void> first = teardown && subscribed
          ? client.call(Calls.teardown()).recover(e -> Future.succeededFuture())
          : Future.succeededFuture();
      return first.eventually(() -> {
        Future<Void> closed = client == null ? Future.succeededFuture() : client.close();
        return closed.eventually(discoveryHttp::close).onComplete(v -> done.tryComplete());
      });
    });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    long attempt = ++connection;
    discoverLeader(attempt, 1)
        .compose(leader -> subscribe(leader, attempt, 0))
        .onFailure(e -> connectFailed(attempt, e));
  }

  /**
   * Asks the listed masters for the leader, one after the other from the one that answered last,
   * until one names it; fails with the last failure once each was asked in this round.
   */
  private Future<MasterAddress> discoverLeader(long attempt, int asked) {
    MasterAddress master = masters.get(nextMaster);
    lastTried = master;
    return LeaderDiscovery.leader(discoveryHttp, master, options.security()).recover(e -> {
      nextMaster = (nextMaster + 1) % masters.size();
      if (e instanceof SchedulerSessionException || asked >= masters.size() || stopped || attempt != connection) {
        return Future.failedFuture(e);
      }
      LOG.info("Master at {} named no leader ({}); asking {}", master, oneLine(e), masters.get(nextMaster));
      return discoverLeader(attempt, asked + 1);
    });
  }

  private Future<Void> subscribe(MasterAddress leader, long attempt, int redirects) {
    if (stopped || attempt != connection) {
      return Future.succeededFuture();
    }
    lastTried = leader;
    SchedulerClient next = new SchedulerClient(vertx, leader, options.mediaType(), new io.vertx.core.http.PoolOptions(),
        options.security());
    FrameworkInfo subscribeWith = frameworkId == null ? info : info.toBuilder().setId(frameworkId).build();
    boolean resubscribing = frameworkId != null;
    if (client != null) {
      client.close();
    }
    // Current before the stream opens: events may follow the headers at once.
    client = next;
    return next.subscribe(subscribeWith, event -> onEvent(next, event, resubscribing), error -> onClosed(next, error))
        .map(v -> {
          lastEventNanos = System.nanoTime();
          LOG.info("Connected to the master at {} ({}{})", leader, options.mediaType().mime(),
              resubscribing ? ", framework " + frameworkId.getValue() : "");
          return (Void) null;
        })
        .recover(e -> {
          if (client == next) {
            client = null;
          }
          next.close();
          if (e instanceof SchedulerHttpException http && http.status() == 307 && redirects < 3) {
            MasterAddress moved = MasterAddress.fromLocation(http.location(), options.security().usesTls(leader));
            LOG.info("Master at {} is not the leader; following the redirect to {}", leader, moved);
            return subscribe(moved, attempt, redirects + 1);
          }
          return Future.failedFuture(e);
        });
  }

  private void onEvent(SchedulerClient from, Event event, boolean resubscribing) {
    if (from != client || stopped) {
      return;
    }
    lastEventNanos = System.nanoTime();
    switch (event.getType()) {
      case SUBSCRIBED -> {
        Event.Subscribed subscribed = event.getSubscribed();
        frameworkId = subscribed.getFrameworkId();
        failingSinceNanos = -1;
        backoff.reset();
        startWatchdog(subscribed.getHeartbeatIntervalSeconds());
        LOG.info("Subscribed as framework {} (heartbeat every {} s)", frameworkId.getValue(),
            subscribed.getHeartbeatIntervalSeconds());
        scheduler.subscribed(this, frameworkId, resubscribing);
      }
      case OFFERS -> scheduler.offers(this, event.getOffers().getOffersList());
      case RESCIND -> scheduler.rescinded(this, event.getRescind().getOfferId());
      case UPDATE -> {
        TaskStatus status = event.getUpdate().getStatus();
        if (!status.getUuid().isEmpty() && acknowledged.isRepeat(status.getTaskId().getValue(), status.getUuid())) {
          LOG.debug("Task {} {}: acknowledged already (the agent did not hear it); acknowledging again",
              status.getTaskId().getValue(), status.getState());
          acknowledge(status).onFailure(e -> LOG.warn("Acknowledging task {} {} again failed: {}",
              status.getTaskId().getValue(), status.getState(), e.getMessage()));
          return;
        }
        scheduler.update(this, status);
        if (options.autoAcknowledge() && !status.getUuid().isEmpty()) {
          acknowledge(status).onFailure(e -> LOG.warn("Acknowledging task {} {} failed: {}",
              status.getTaskId().getValue(), status.getState(), e.getMessage()));
        }
      }
      case MESSAGE -> scheduler.message(this, event.getMessage());
      case FAILURE -> scheduler.failure(this, event.getFailure());
      case ERROR -> giveUp("the master sent ERROR: " + event.getError().getMessage(), null);
      case HEARTBEAT -> { }
      default -> LOG.debug("Ignoring event {}", event.getType());
    }
  }

  private void onClosed(SchedulerClient from, Throwable error) {
    if (from != client || stopped) {
      return;
    }
    String reason = error == null ? "the master closed the event stream" : "the event stream broke: " + error;
    disconnect(reason);
  }

  private void disconnect(String reason) {
    cancelWatchdog();
    SchedulerClient old = client;
    client = null;
    if (old != null) {
      old.close();
    }
    connection++;
    scheduler.disconnected(this, reason);
    if (failingSinceNanos < 0) {
      failingSinceNanos = System.nanoTime();
    }
    scheduleReconnect(reason);
  }

  private void connectFailed(long attempt, Throwable e) {
    if (stopped || attempt != connection) {
      return;
    }
    if (e instanceof SchedulerSessionException fatal) {
      giveUp(fatal.getMessage(), fatal);
      return;
    }
    if (e instanceof SchedulerHttpException http && !http.retryable() && http.status() != 307) {
      giveUp("the master at " + lastTried + " refused the subscription: " + http.getMessage(), http);
      return;
    }
    if (failingSinceNanos < 0) {
      failingSinceNanos = System.nanoTime();
    }
    String where = "master at " + lastTried;
    String reason = e instanceof SchedulerHttpException http ? where + " answered " + http.getMessage()
        : where + " is unreachable (" + oneLine(e) + ")";
    scheduleReconnect(reason);
  }

  private void scheduleReconnect(String reason) {
    Duration failing = Duration.ofNanos(System.nanoTime() - failingSinceNanos);
    if (failing.compareTo(options.giveUpAfter()) >= 0) {
      giveUp(reason + "; gave up after " + options.giveUpAfter().toSeconds() + " s of retrying", null);
      return;
    }
    Duration wait = backoff.next();
    LOG.warn("{}; reconnecting in {} ms", reason, wait.toMillis());
    vertx.setTimer(Math.max(1, wait.toMillis()), t -> connect());
  }

  private void giveUp(String message, Throwable cause) {
    if (stopped) {
      return;
    }
    LOG.error("Scheduler session ends: {}", message);
    stopped = true;
    cancelWatchdog();
    if (client != null) {
      client.close();
    }
    discoveryHttp.close();
    done.tryFail(new SchedulerSessionException(message, cause));
  }

  /** No event (heartbeats included) for {@code missedHeartbeats} intervals: the master is gone. */
  private void startWatchdog(double intervalSeconds) {
    cancelWatchdog();
    long limitNanos = (long) (intervalSeconds * 1e9 * options.missedHeartbeats());
    long checkMs = Math.max(100, (long) (intervalSeconds * 1000 / 2));
    watchdog = vertx.setPeriodic(checkMs, t -> {
      if (System.nanoTime() - lastEventNanos > limitNanos) {
        disconnect("no heartbeat from the master for " + options.missedHeartbeats() + " intervals of "
            + intervalSeconds + " s");
      }
    });
  }

  private void cancelWatchdog() {
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
      watchdog = -1;
    }
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    return Future.future(promise -> context.runOnContext(v -> work.get().onComplete(promise)));
  }
}
