package dev.vmesos.agent.status;

import dev.vmesos.agent.status.StatusUpdateStreams.Acknowledged;
import dev.vmesos.agent.status.StatusUpdateStreams.Enqueued;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.AgentBus;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link StatusUpdateStreams} on the event bus: sends what it says to send to the leading
 * master, one way as Mesos's agent does (the acknowledgement that comes back through the master is
 * the only answer), and keeps one timer armed for the next resend. Runs on the owning verticle's
 * context.
 *
 * <p>With {@link UpdateCheckpoints}, as Mesos's agent, every update is checkpointed (fsync'ed) before
 * it joins its stream and is first sent, acknowledgements are recorded, and a stream's checkpoint
 * is deleted when its terminal update is acknowledged; {@link #recover()} and
 * {@link #replayRecovered()} bring back what a previous run never had acknowledged. All checkpoint
 * I/O runs on one single-threaded worker in submission order, and whatever follows a write on the
 * event loop (joining the stream, dropping a framework) waits for it, so the order of every
 * stream is kept. A failed write is logged and the update sent anyway: it is then only as
 * reliable as this process.
 */
public final class StatusUpdateSender {

  private static final Logger LOG = LoggerFactory.getLogger(StatusUpdateSender.class);

  private final AgentBus bus;
  private final Vertx vertx;
  private final Clock clock;
  private final StatusUpdateStreams streams;
  private final BiConsumer<String, String> onTerminalAcknowledged;
  private final UpdateCheckpoints checkpoints;
  private final WorkerExecutor checkpointWorker;
  private Future<List<UpdateCheckpoints.Recovered>> recovery;
  private long timerId = -1;
  private Instant timerDeadline;
  private boolean stopped;
  /** The last update given to {@link #enqueue}, once it is checkpointed and queued. */
  private Future<Void> enqueued = Future.succeededFuture();

  /**
   * @param onTerminalAcknowledged called with (framework id, task id) when a task's terminal update
   *                               has been acknowledged and its stream closed
   */
  public StatusUpdateSender(Vertx vertx, AgentBus bus, Clock clock, StatusUpdateStreams streams,
      BiConsumer<String, String> onTerminalAcknowledged) {
    this(vertx, bus, clock, streams, onTerminalAcknowledged, null);
  }

  /** @param checkpoints where updates are checkpointed until acknowledged; null for none */
  public StatusUpdateSender(Vertx vertx, AgentBus bus, Clock clock, StatusUpdateStreams streams,
      BiConsumer<String, String> onTerminalAcknowledged, UpdateCheckpoints checkpoints) {
    this.vertx = vertx;
    this.bus = bus;
    this.clock = clock;
    this.streams = streams;
    this.onTerminalAcknowledged = onTerminalAcknowledged;
    this.checkpoints = checkpoints;
    this.checkpointWorker = checkpoints == null ? null
        : vertx.createSharedWorkerExecutor("vmesos-status-checkpoints-" + System.identityHashCode(this), 1);
  }

  /** The streams, for reading. */
  public StatusUpdateStreams streams() {
    return streams;
  }

  /**
   * Checkpoints an update, then queues it on its stream and sends it if it is the head. Updates are
   * queued in the order they were given, whatever the timing of their checkpoint writes: each waits
   * for the one before it to be queued (two updates from two executor requests came out reversed
   * otherwise, and the terminal one then refused the RUNNING before it).
   */
  public void enqueue(StatusUpdate update) {
    if (checkpoints == null) {
      enqueueInMemory(update);
      return;
    }
    enqueued = enqueued
        .transform(previous -> checkpointed("checkpoint " + describe(update), () -> checkpoints.update(update)))
        .andThen(written -> enqueueInMemory(update));
  }

  private void enqueueInMemory(StatusUpdate update) {
    Enqueued enqueued = streams.enqueue(update);
    switch (enqueued.outcome()) {
      case SEND_NOW -> send(enqueued.send().orElseThrow(), "sending");
      case QUEUED -> LOG.debug("Queued {} behind the unacknowledged head", describe(update));
      case REJECTED_AFTER_TERMINAL, REJECTED_DUPLICATE_UUID ->
          LOG.warn("Dropped {}: {}", describe(update), enqueued.outcome());
    }
    reschedule();
  }

  /** Sends an update once, outside every stream. */
  public void sendOnce(StatusUpdate update) {
    send(update, "sending (once)");
  }

  /** Applies the framework's acknowledgement; sends the stream's next update if there is one. */
  public void acknowledge(StatusUpdateAcknowledgement ack) {
    String frameworkId = ack.getFrameworkId().getValue();
    String taskId = ack.getTaskId().getValue();
    Acknowledged result = streams.acknowledge(frameworkId, taskId, ack.getUuid());
    switch (result.outcome()) {
      case ACKNOWLEDGED -> LOG.debug("Acknowledged {}", describe(result.acknowledged().orElseThrow()));
      case STREAM_CLOSED -> {
        LOG.debug("Acknowledged terminal {}", describe(result.acknowledged().orElseThrow()));
        onTerminalAcknowledged.accept(frameworkId, taskId);
      }
      case IGNORED_NOT_HEAD, IGNORED_UNKNOWN_STREAM -> LOG.debug(
          "Ignoring acknowledgement of task {} of framework {}: {}", taskId, frameworkId, result.outcome());
    }
    if (checkpoints != null && result.outcome() == StatusUpdateStreams.AckOutcome.ACKNOWLEDGED) {
      checkpointed("record the acknowledgement of " + describe(result.acknowledged().orElseThrow()),
          () -> checkpoints.acknowledged(frameworkId, taskId, ack.getUuid()));
    } else if (checkpoints != null && result.outcome() == StatusUpdateStreams.AckOutcome.STREAM_CLOSED) {
      checkpointed("delete the checkpoint of task " + taskId + " of framework " + frameworkId,
          () -> checkpoints.closed(frameworkId, taskId));
    }
    result.send().ifPresent(next -> send(next, "sending"));
    reschedule();
  }

  /**
   * Starts reading the checkpoints a previous run left (off the event loop); what was never
   * acknowledged is held for {@link #replayRecovered()}. Completes with the number of updates held;
   * never fails (an unreadable checkpoint directory is logged).
   */
  public Future<Integer> recover() {
    if (checkpoints == null) {
      recovery = Future.succeededFuture(List.of());
      return Future.succeededFuture(0);
    }
    recovery = checkpointWorker.<List<UpdateCheckpoints.Recovered>>executeBlocking(checkpoints::recover, true)
        .recover(e -> {
          LOG.error("Cannot read the status update checkpoints under {}: {}; nothing is resent", checkpoints.root(),
              e.toString());
          return Future.succeededFuture(List.of());
        });
    return recovery.map(streamsFound -> {
      int updates = streamsFound.stream().mapToInt(r -> r.pending().size()).sum();
      LOG.info("Recovered {} unacknowledged status update(s) in {} stream(s) from {}", updates, streamsFound.size(),
          checkpoints.root());
      return updates;
    });
  }

  /**
   * The unacknowledged updates of each stream {@link #recover()} found, in order, by
   * {@code frameworkId/taskId}; empty before recovery completed or after the replay.
   */
  public Map<String, List<StatusUpdate>> recoveredUpdates() {
    Map<String, List<StatusUpdate>> updates = new HashMap<>();
    if (recovery != null && recovery.succeeded()) {
      for (UpdateCheckpoints.Recovered stream : recovery.result()) {
        updates.put(stream.frameworkId() + "/" + stream.taskId(), stream.pending());
      }
    }
    return updates;
  }

  /**
   * Queues what {@link #recover()} found, in each stream's order, so it is resent until
   * acknowledged (it is on disk already). Call once registered; later calls do nothing.
   */
  public void replayRecovered() {
    if (recovery == null) {
      return;
    }
    Future<List<UpdateCheckpoints.Recovered>> held = recovery;
    recovery = null;
    held.onSuccess(recovered -> {
      for (UpdateCheckpoints.Recovered stream : recovered) {
        LOG.info("Replaying {} unacknowledged status update(s) of task {} of framework {}", stream.pending().size(),
            stream.taskId(), stream.frameworkId());
        stream.pending().forEach(this::enqueueInMemory);
      }
    });
  }

  /** Resends every head now, e.g. after re-registering. */
  public void flush() {
    List<StatusUpdate> heads = streams.flush();
    if (!heads.isEmpty()) {
      LOG.info("Resending {} unacknowledged status update(s)", heads.size());
    }
    heads.forEach(update -> send(update, "resending"));
    reschedule();
  }

  /** Drops a shut-down framework's streams. */
  public void removeFramework(String frameworkId) {
    if (checkpoints == null) {
      removeFrameworkInMemory(frameworkId);
      return;
    }
    // After the checkpoints queued before it, so that no update of the framework joins a stream later.
    checkpointed("delete the checkpoints of framework " + frameworkId, () -> checkpoints.removeFramework(frameworkId))
        .onComplete(v -> removeFrameworkInMemory(frameworkId));
  }

  private void removeFrameworkInMemory(String frameworkId) {
    int dropped = streams.removeFramework(frameworkId);
    if (dropped > 0) {
      LOG.info("Dropped {} unacknowledged status update(s) of removed framework {}", dropped, frameworkId);
    }
    reschedule();
  }

  /**
   * Cancels the resend timer; nothing is sent afterwards. Completes once the checkpoint writes
   * already asked for are on disk.
   */
  public Future<Void> stop() {
    stopped = true;
    cancelTimer();
    if (checkpointWorker == null) {
      return Future.succeededFuture();
    }
    return checkpointWorker.<Void>executeBlocking(() -> null, true)
        .eventually(() -> checkpointWorker.close());
  }

  /** A blocking checkpoint operation. */
  private interface CheckpointIo {
    void run() throws Exception;
  }

  /** Runs {@code io} on the checkpoint worker, in order; the future always succeeds (failures are logged). */
  private Future<Void> checkpointed(String what, CheckpointIo io) {
    if (stopped) {
      LOG.debug("Not asked to {}: stopped", what);
      return Future.succeededFuture();
    }
    return checkpointWorker.<Void>executeBlocking(() -> {
      io.run();
      return null;
    }, true).recover(e -> {
      LOG.error("Cannot {}: {}", what, e.toString());
      return Future.succeededFuture();
    });
  }

  private void resendDue() {
    timerId = -1;
    timerDeadline = null;
    for (StatusUpdate update : streams.due()) {
      send(update, "resending unacknowledged");
    }
    reschedule();
  }

  private void reschedule() {
    if (stopped) {
      return;
    }
    Optional<Instant> next = streams.nextDeadline();
    if (next.isPresent() && next.get().equals(timerDeadline)) {
      return;
    }
    cancelTimer();
    next.ifPresent(deadline -> {
      long delay = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
      timerDeadline = deadline;
      timerId = vertx.setTimer(delay, id -> resendDue());
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    timerDeadline = null;
  }

  private void send(StatusUpdate update, String what) {
    if (stopped) {
      return;
    }
    LOG.debug("{} {}", what, describe(update));
    // Without a master connection it goes nowhere: the stream's timer sends it again.
    bus.send(Addresses.MASTER_LEADER, update);
  }

  static String describe(StatusUpdate update) {
    return update.getStatus().getState() + " of task " + update.getStatus().getTaskId().getValue()
        + " of framework " + update.getFrameworkId().getValue()
        + " (uuid " + Uuids.toString(update.getStatus().getUuid()) + ")";
  }
}
