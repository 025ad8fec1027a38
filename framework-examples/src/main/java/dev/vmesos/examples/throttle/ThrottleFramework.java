package dev.vmesos.examples.throttle;

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
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.client.Calls;
import dev.vmesos.client.Scheduler;
import dev.vmesos.client.SchedulerSession;
import dev.vmesos.client.SessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The throttle load-test framework (after the Scala one in the DRF seed): it runs
 * {@code --total-queries} queries against a target, {@code --queries-per-task} per task, never more
 * than {@code --parallelism} tasks at once. Offers it cannot use now are declined with a filter;
 * each task carries its queries in {@code TaskInfo.data} and runs under {@link ThrottleExecutor}.
 * The run ends when every query has run, or when more than {@value ThrottleConfig#MAX_ERRORS} tasks
 * failed; {@link #run} completes with the {@link ThrottleSummary} either way.
 */
public final class ThrottleFramework implements Scheduler {

  static final double DECLINE_SECONDS = 5;
  static final String EXECUTOR_ID = "throttle-executor";

  private final Vertx vertx;
  private final ThrottleConfig config;
  private final PrintStream out;
  private final ThrottlePlan plan;
  private final Promise<ThrottleSummary> result = Promise.promise();
  private SchedulerSession session;
  private CountingSink sink;
  private String resolvedTarget;
  private ExecutorInfo executor;
  private long startNanos;
  private boolean finished;
  private java.util.function.Consumer<TaskStatus> updateObserver = status -> { };

  public ThrottleFramework(Vertx vertx, ThrottleConfig config, PrintStream out) {
    this.vertx = vertx;
    this.config = config;
    this.out = out;
    this.plan = new ThrottlePlan(config.totalQueries(), config.queriesPerTask(), config.parallelism(),
        ThrottleConfig.MAX_ERRORS);
  }

  /** Prepares the target, subscribes and runs to the end; the summary says whether it succeeded. */
  public Future<ThrottleSummary> run() {
    startNanos = System.nanoTime();
    executor = config.executor().executor(EXECUTOR_ID, "throttle executor", ThrottleExecutor.class.getName());
    prepareTarget().onSuccess(target -> {
      resolvedTarget = target;
      out.printf("[throttle] %d queries, %d per task, parallelism %d, target %s, %s%n", config.totalQueries(),
          config.queriesPerTask(), config.parallelism(), JdbcTarget.redact(target), config.executor().describe());
      FrameworkInfo info = FrameworkInfo.newBuilder().setUser(System.getProperty("user.name", "root"))
          .setName(config.name()).setFailoverTimeout(60).setCheckpoint(config.checkpoint()).build();
      session = new SchedulerSession(vertx, config.masters(), info, this, SessionOptions.defaults().withSecurity(config.security()));
      session.start().onFailure(e -> finish(e.getMessage()));
    }).onFailure(e -> finish(e.getMessage()));
    return result.future();
  }

  /**
   * Sees every status update the session delivers to this framework, before the framework acts on it
   * (on the session's context): end-to-end tests count them to check each reaches it once.
   */
  public ThrottleFramework observeUpdates(java.util.function.Consumer<TaskStatus> observer) {
    this.updateObserver = observer;
    return this;
  }

  /** The sink this run started, when {@code --target=sink}. */
  public CountingSink sink() {
    return sink;
  }

  private Future<String> prepareTarget() {
    if (config.target() instanceof Target.Http http) {
      return Future.succeededFuture(http.url().toString());
    }
    if (config.target() instanceof Target.Jdbc jdbc) {
      return vertx.executeBlocking(() -> {
        JdbcTarget.prepare(jdbc.url());
        return jdbc.url();
      });
    }
    return CountingSink.start(vertx).map(started -> {
      sink = started;
      return started.url();
    });
  }

  @Override
  public void subscribed(SchedulerSession s, FrameworkID frameworkId, boolean resubscribed) {
    out.printf("[throttle] %s as framework %s%n", resubscribed ? "re-subscribed" : "subscribed", frameworkId.getValue());
    if (resubscribed) {
      s.reconcile();
    }
  }

  @Override
  public void offers(SchedulerSession s, List<Offer> offers) {
    List<OfferID> decline = new ArrayList<>();
    for (Offer offer : offers) {
      Resources left = Resources.of(offer.getResourcesList());
      List<TaskInfo> tasks = new ArrayList<>();
      while (config.task().fitIn(left) > 0) {
        Optional<ThrottlePlan.Batch> batch = plan.next();
        if (batch.isEmpty()) {
          break;
        }
        TaskInfo task = task(offer, batch.get());
        plan.launched(task.getTaskId().getValue(), batch.get());
        tasks.add(task);
        left = left.minus(Resources.of(config.task().asResources()));
      }
      if (tasks.isEmpty()) {
        decline.add(offer.getId());
        continue;
      }
      out.printf("[throttle] launching %d task(s) on agent %s (%d running, %d/%d queries done)%n", tasks.size(),
          offer.getAgentId().getValue(), plan.running(), plan.completedQueries(), plan.total());
      s.launch(offer.getId(), tasks, DECLINE_SECONDS).onFailure(e -> {
        out.printf("[throttle] launch on offer %s failed: %s%n", offer.getId().getValue(), e.getMessage());
        tasks.forEach(t -> plan.notLaunched(t.getTaskId().getValue()));
      });
    }
    if (!decline.isEmpty()) {
      s.decline(decline, DECLINE_SECONDS);
    }
  }

  @Override
  public void update(SchedulerSession s, TaskStatus status) {
    updateObserver.accept(status);
    String taskId = status.getTaskId().getValue();
    if (finished || !TaskStates.isTerminal(status.getState())) {
      return;
    }
    boolean ok = status.getState() == TaskState.TASK_FINISHED;
    if (!plan.ended(taskId, ok)) {
      return;
    }
    String detail = status.getData().isEmpty() ? status.getMessage() : status.getData().toStringUtf8();
    out.printf("[throttle] task %s %s on agent %s: %s (%d/%d queries, %d running, %d errors)%n", taskId,
        status.getState(), status.getAgentId().getValue(), detail, plan.completedQueries(), plan.total(),
        plan.running(), plan.errors());
    if (plan.failed()) {
      finish(plan.errors() + " task errors (more than " + ThrottleConfig.MAX_ERRORS + "); last: " + detail);
    } else if (plan.done()) {
      finish(null);
    } else if (plan.hasPendingWork()) {
      s.call(Calls.revive());   // filters from declines would otherwise delay the next offer
    }
  }

  @Override
  public void disconnected(SchedulerSession s, String reason) {
    out.printf("[throttle] disconnected from the master: %s%n", reason);
  }

  private TaskInfo task(Offer offer, ThrottlePlan.Batch batch) {
    String data = Target.taskData(resolvedTarget, config.target() instanceof Target.Jdbc, batch.first(), batch.count());
    return TaskInfo.newBuilder()
        .setName("throttle queries " + batch.first() + ".." + (batch.first() + batch.count() - 1))
        .setTaskId(TaskID.newBuilder().setValue("throttle-" + batch.task()))
        .setAgentId(offer.getAgentId())
        .setExecutor(executor)
        .addAllResources(config.task().asResources())
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  private void finish(String failure) {
    if (finished) {
      return;
    }
    finished = true;
    ThrottleSummary summary = new ThrottleSummary(failure == null, plan.tasksFinished(), plan.completedQueries(),
        plan.errors(), Duration.ofNanos(System.nanoTime() - startNanos), failure);
    out.println("[throttle] " + summary);
    Future<Void> stopped = session == null ? Future.succeededFuture() : session.stop(true);
    stopped.eventually(() -> sink == null ? Future.succeededFuture() : sink.close())
        .onComplete(v -> result.complete(summary));
  }
}
