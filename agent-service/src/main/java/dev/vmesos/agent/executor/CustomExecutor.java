package dev.vmesos.agent.executor;

import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a custom executor: its container, its SUBSCRIBE stream once it has one, and the tasks
 * given to it (queued until it subscribes). Mutable; owned by the agent verticle's event loop
 * through {@link CustomExecutors}.
 */
final class CustomExecutor {

  /** Where an executor is in its life, after Mesos's {@code Executor::State}. */
  enum State {
    /** Its container is being started. */
    LAUNCHING,
    /** Started; waiting for its SUBSCRIBE (the registration timeout runs). */
    REGISTERING,
    /** Subscribed; its stream may have dropped since (then it may subscribe again). */
    RUNNING,
    /** Told to shut down, or being killed; takes no new task. */
    TERMINATING,
    /** Its container has ended. */
    TERMINATED
  }

  static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(5);

  final FrameworkInfo framework;
  final ExecutorInfo info;
  final String containerId;
  final Path sandbox;
  /** Tasks by id, in launch order; a task leaves once its terminal update is acknowledged. */
  final Map<String, ExecutorTask> tasks = new LinkedHashMap<>();
  State state = State.LAUNCHING;
  /** Found again after an agent restart: it must subscribe again within the re-registration timeout. */
  boolean recovered;
  /** Its container once started; null before. */
  dev.vmesos.agent.container.Container container;
  ExecutorEventStream stream;
  long registrationTimerId = -1;
  long shutdownTimerId = -1;
  long killTimerId = -1;
  /** Why the remaining tasks fail when the container ends. */
  Reason terminationReason = Reason.REASON_EXECUTOR_TERMINATED;

  CustomExecutor(FrameworkInfo framework, ExecutorInfo info, String containerId, Path sandbox) {
    this.framework = framework;
    this.info = info;
    this.containerId = containerId;
    this.sandbox = sandbox;
  }

  String frameworkId() {
    return framework.getId().getValue();
  }

  String executorId() {
    return info.getExecutorId().getValue();
  }

  boolean isSubscribed() {
    return stream != null && stream.isOpen();
  }

  /** ExecutorInfo.shutdown_grace_period, else Mesos's default of 5 seconds. */
  Duration shutdownGracePeriod() {
    return info.hasShutdownGracePeriod()
        ? Duration.ofNanos(Math.max(0, info.getShutdownGracePeriod().getNanoseconds()))
        : DEFAULT_SHUTDOWN_GRACE_PERIOD;
  }

  @Override
  public String toString() {
    return "executor " + executorId() + " of framework " + frameworkId();
  }
}
