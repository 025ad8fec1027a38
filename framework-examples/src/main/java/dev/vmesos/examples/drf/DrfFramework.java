package dev.vmesos.examples.drf;

import com.google.protobuf.ByteString;
import dev.vmesos.api.TaskStates;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.client.Scheduler;
import dev.vmesos.client.SchedulerSession;
import dev.vmesos.client.SessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The DRF demo framework: it launches one task of {@code --task-cpus} and {@code --task-memory} per
 * offer, each running {@code --task-seconds} under {@link DrfExecutor}, and prints its dominant share
 * whenever it changes. Several instances with different task shapes show the master's DRF allocator
 * at work: the master offers an agent's free resources to the framework with the lowest dominant
 * share, and because each framework takes only one task of it and hands the rest straight back
 * (accepted with {@code refuse_seconds=0}), the next task goes to whoever is lowest then. That is
 * the progressive filling of the DRF paper, one task at a time, and the shares converge; a framework
 * that filled every offer would take a whole agent at its turn. An offer too small for a task is
 * declined without a filter ({@link #DECLINE_SECONDS}). The cluster's size, needed for the share,
 * comes from the master's {@code /metrics/snapshot}.
 */
public final class DrfFramework implements Scheduler {

  /**
   * What is left of an accepted offer goes back at once ({@code refuse_seconds=0}): the master's next
   * round, which an accept triggers, offers it to whoever has the lowest share then, this framework
   * included.
   */
  static final double ACCEPT_REFUSE_SECONDS = 0;
  /**
   * Offers too small for one task are declined without a filter: the master re-offers declined
   * resources only at its next batch allocation (1 s), and a framework that stays the lowest share
   * keeps first pick of an agent until enough is free for its task, which is what DRF promises. With a
   * filter, the small tasks of others took every fragment meanwhile, and every freed resource with
   * them: in a 30 s demo run C, with the smallest task, ended holding the whole cluster.
   */
  static final double DECLINE_SECONDS = 0;

  private final Vertx vertx;
  private final DrfConfig config;
  private final PrintStream out;
  private final ExecutorInfo executor;
  /** Tasks launched and not ended, by id: true once the executor reported them RUNNING. */
  private final Map<String, Boolean> live = new HashMap<>();
  private final SplittableRandom random = new SplittableRandom();
  private final HttpClientAgent http;
  private SchedulerSession session;
  private Resources total = Resources.empty();
  private int launched;
  private int finished;
  private long poller = -1;
  private volatile DrfStatus status;
  private String lastPrinted = "0.000 (cpus) with 0 task(s)";
  private final java.util.concurrent.atomic.AtomicReference<io.vertx.core.Promise<Void>> stopping =
      new java.util.concurrent.atomic.AtomicReference<>();

  public DrfFramework(Vertx vertx, DrfConfig config, PrintStream out) {
    this.vertx = vertx;
    this.config = config;
    this.out = out;
    this.executor = config.executor().executor("drf-" + config.name() + "-executor", "DRF demo executor "
        + config.name(), DrfExecutor.class.getName());
    this.http = vertx.createHttpClient();
    this.status = new DrfStatus(config.name(), 0, 0, 0, new DominantShare(0, "cpus"), null);
  }

  /** Subscribes; the future completes when {@link #stop} ends the session, or fails when it gives up. */
  public Future<Void> run() {
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
        .setName(config.name()).setFailoverTimeout(60).build();
    session = new SchedulerSession(vertx, config.masters(), info, this, SessionOptions.defaults().withSecurity(config.security()));
    poller = vertx.setPeriodic(0, 1000, t -> pollClusterSize());
    return session.start();
  }

  /** Tears the framework down (its tasks are killed) and ends the session. */
  public Future<Void> stop() {
    io.vertx.core.Promise<Void> mine = io.vertx.core.Promise.promise();
    if (!stopping.compareAndSet(null, mine)) {
      return stopping.get().future();   // called again (the demo, then a shutdown hook): same outcome
    }
    vertx.cancelTimer(poller);
    Future<Void> stopped = session == null ? Future.succeededFuture() : session.stop(true);
    stopped.eventually(http::close).onComplete(mine);
    return mine.future();
  }

  /** The latest status; safe to read from any thread. */
  public DrfStatus status() {
    return status;
  }

  public DrfConfig config() {
    return config;
  }

  @Override
  public void subscribed(SchedulerSession s, FrameworkID frameworkId, boolean resubscribed) {
    out.printf("[drf %s] %s as framework %s; tasks of %s for %s s%n", config.name(),
        resubscribed ? "re-subscribed" : "subscribed", frameworkId.getValue(), config.task(),
        config.duration().min() == config.duration().max() ? fmt(config.duration().min())
            : fmt(config.duration().min()) + "-" + fmt(config.duration().max()));
    refresh();
    if (resubscribed) {
      s.reconcile();
    }
  }

  @Override
  public void offers(SchedulerSession s, List<Offer> offers) {
    List<OfferID> decline = new ArrayList<>();
    for (Offer offer : offers) {
      if (config.task().fitIn(Resources.of(offer.getResourcesList())) == 0) {
        decline.add(offer.getId());
        continue;
      }
      // One task per offer: the rest returns to the master, which offers it by share again.
      TaskInfo task = task(offer);
      String id = task.getTaskId().getValue();
      live.put(id, Boolean.FALSE);
      s.launch(offer.getId(), List.of(task), ACCEPT_REFUSE_SECONDS).onFailure(e -> {
        out.printf("[drf %s] launch on offer %s failed: %s%n", config.name(), offer.getId().getValue(), e.getMessage());
        live.remove(id);
        refresh();
      });
    }
    if (!decline.isEmpty()) {
      s.decline(decline, DECLINE_SECONDS);
    }
    refresh();
  }

  @Override
  public void update(SchedulerSession s, TaskStatus update) {
    String id = update.getTaskId().getValue();
    if (TaskStates.isTerminal(update.getState())) {
      if (live.remove(id) != null) {
        finished++;
        if (update.getState() != dev.vmesos.api.v1.Protos.TaskState.TASK_FINISHED) {
          out.printf("[drf %s] task %s ended %s: %s%n", config.name(), id, update.getState(), update.getMessage());
        }
      }
    } else if (update.getState() == dev.vmesos.api.v1.Protos.TaskState.TASK_RUNNING) {
      live.put(id, Boolean.TRUE);
    }
    refresh();
  }

  @Override
  public void disconnected(SchedulerSession s, String reason) {
    out.printf("[drf %s] disconnected from the master: %s%n", config.name(), reason);
  }

  private TaskInfo task(Offer offer) {
    long millis = config.duration().pick(random).toMillis();
    return TaskInfo.newBuilder()
        .setName(config.name() + " task " + launched)
        .setTaskId(TaskID.newBuilder().setValue(config.name() + "-" + launched++))
        .setAgentId(offer.getAgentId())
        .setExecutor(executor)
        .addAllResources(config.task().asResources())
        .setData(ByteString.copyFromUtf8(Long.toString(millis)))
        .build();
  }

  private void pollClusterSize() {
    if (stopping.get() != null) {
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(config.master().host())
        .setPort(config.master().port()).setURI("/metrics/snapshot").setTimeout(5000);
    http.request(options).compose(r -> r.send()).compose(r -> r.body()).onSuccess(body -> {
      try {
        JsonObject metrics = body.toJsonObject();
        total = Resources.parse("cpus:" + metrics.getDouble("master/cpus_total", 0.0)
                + ";mem:" + metrics.getDouble("master/mem_total", 0.0));
        refresh();
      } catch (RuntimeException e) {
        // a master that is restarting answers nothing useful; the next poll tries again
      }
    });
  }

  /** Recomputes the status and prints the share when it changed. */
  private void refresh() {
    int running = live.size();
    Resources held = Resources.empty();
    for (int i = 0; i < running; i++) {
      held = held.plus(Resources.of(config.task().asResources()));
    }
    DominantShare share = DominantShare.of(held, total);
    int started = (int) live.values().stream().filter(Boolean::booleanValue).count();
    status = new DrfStatus(config.name(), running, started, finished, share,
        session == null || session.frameworkId() == null ? null : session.frameworkId().getValue());
    String line = String.format(Locale.ROOT, "%.3f (%s) with %d task(s)", share.share(), share.resource(), running);
    if (!line.equals(lastPrinted)) {
      lastPrinted = line;
      out.printf("[drf %s] dominant share %s%n", config.name(), line);
    }
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
