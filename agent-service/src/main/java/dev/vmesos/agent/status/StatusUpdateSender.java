package dev.vmesos.agent.status;

import dev.vmesos.agent.bus.ReplyFailures;
import dev.vmesos.agent.status.StatusUpdateStreams.Acknowledged;
import dev.vmesos.agent.status.StatusUpdateStreams.Enqueued;
import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.internal.Internal.StatusUpdateAcknowledgement;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link StatusUpdateStreams} on the event bus: sends what it says to send to the leading
 * master as requests (the reply only means "received"), and keeps one timer armed for the next
 * resend. Runs on the owning verticle's context.
 */
public final class StatusUpdateSender {

  private static final Logger LOG = LoggerFactory.getLogger(StatusUpdateSender.class);

  private final Vertx vertx;
  private final Clock clock;
  private final StatusUpdateStreams streams;
  private final DeliveryOptions delivery;
  private final BiConsumer<String, String> onTerminalAcknowledged;
  private long timerId = -1;
  private Instant timerDeadline;
  private boolean stopped;

  /**
   * @param onTerminalAcknowledged called with (framework id, task id) when a task's terminal update
   *                               has been acknowledged and its stream closed
   */
  public StatusUpdateSender(Vertx vertx, Clock clock, StatusUpdateStreams streams, Duration requestTimeout,
      BiConsumer<String, String> onTerminalAcknowledged) {
    this.vertx = vertx;
    this.clock = clock;
    this.streams = streams;
    this.delivery = new DeliveryOptions().setSendTimeout(requestTimeout.toMillis());
    this.onTerminalAcknowledged = onTerminalAcknowledged;
  }

  /** The streams, for reading. */
  public StatusUpdateStreams streams() {
    return streams;
  }

  /** Queues an update on its stream; sends it if it is the head. */
  public void enqueue(StatusUpdate update) {
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
    result.send().ifPresent(next -> send(next, "sending"));
    reschedule();
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
    int dropped = streams.removeFramework(frameworkId);
    if (dropped > 0) {
      LOG.info("Dropped {} unacknowledged status update(s) of removed framework {}", dropped, frameworkId);
    }
    reschedule();
  }

  /** Cancels the resend timer; nothing is sent afterwards. */
  public void stop() {
    stopped = true;
    cancelTimer();
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
    vertx.eventBus().request(Addresses.MASTER_LEADER, update, delivery).onComplete(reply -> {
      if (reply.failed()) {
        String why = ReplyFailures.describe(Addresses.MASTER_LEADER, reply.cause());
        if (ReplyFailures.isNoMaster(reply.cause())) {
          LOG.debug("Status update {} not delivered: {}; it will be resent", describe(update), why);
        } else {
          LOG.warn("Status update {} not delivered: {}; it will be resent", describe(update), why);
        }
      }
    });
  }

  static String describe(StatusUpdate update) {
    return update.getStatus().getState() + " of task " + update.getStatus().getTaskId().getValue()
        + " of framework " + update.getFrameworkId().getValue()
        + " (uuid " + Uuids.toString(update.getStatus().getUuid()) + ")";
  }
}
