package dev.vmesos.agent.status;

import dev.vmesos.api.TaskStates;
import com.google.protobuf.ByteString;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's reliable status-update streams, with the semantics of the Mesos task status update
 * manager: one stream per (framework, task); only the head of a stream is ever in flight; the head
 * is resent with exponential backoff ({@code retryMin}, doubling, capped at {@code retryMax}) until
 * the framework acknowledges its uuid; then the next update becomes the head and is sent at once.
 * Acknowledging a terminal update closes the stream.
 *
 * <p>Pure and single-threaded: no I/O and no timers. Every verb returns what must be sent now;
 * {@link #nextDeadline()} says when {@link #due()} should be called next.
 */
public final class StatusUpdateStreams {

  /** Identifies a stream. */
  public record StreamKey(String frameworkId, String taskId) {

    public static StreamKey of(StatusUpdate update) {
      return new StreamKey(update.getFrameworkId().getValue(), update.getStatus().getTaskId().getValue());
    }
  }

  /** What {@link #enqueue} did with an update. */
  public enum EnqueueOutcome {
    /** The stream was empty: the update is the head and must be sent now. */
    SEND_NOW,
    /** Queued behind an unacknowledged head; it will be returned when the head is acknowledged. */
    QUEUED,
    /** The stream already holds a terminal update; nothing may follow it. */
    REJECTED_AFTER_TERMINAL,
    /** An update with the same uuid is already in the stream. */
    REJECTED_DUPLICATE_UUID
  }

  /** The result of {@link #enqueue}: the outcome and, for {@code SEND_NOW}, the update to send. */
  public record Enqueued(EnqueueOutcome outcome, Optional<StatusUpdate> send) {
  }

  /** What {@link #acknowledge} did with an acknowledgement. */
  public enum AckOutcome {
    /** The head was acknowledged; the stream goes on (see {@link Acknowledged#send()}). */
    ACKNOWLEDGED,
    /** The head was a terminal update: the stream is gone. */
    STREAM_CLOSED,
    /** The uuid is not the head's (a late or duplicate acknowledgement): ignored. */
    IGNORED_NOT_HEAD,
    /** No stream for this (framework, task): ignored. */
    IGNORED_UNKNOWN_STREAM
  }

  /** The result of {@link #acknowledge}: the outcome and the new head to send now, if any. */
  public record Acknowledged(AckOutcome outcome, Optional<StatusUpdate> send, Optional<StatusUpdate> acknowledged) {
  }

  private static final class Stream {
    final Deque<StatusUpdate> updates = new ArrayDeque<>();
    /** When the head is to be resent; set whenever the head has been sent. */
    Instant resendAt;
    /** The wait before the resend after the next one. */
    Duration backoff;
    boolean terminalQueued;
  }

  private final Clock clock;
  private final Duration retryMin;
  private final Duration retryMax;
  private final Map<StreamKey, Stream> streams = new LinkedHashMap<>();

  /**
   * @param retryMin wait before the first resend of an unacknowledged head (Mesos: 10 s)
   * @param retryMax the cap of the doubling wait (Mesos: 10 min)
   */
  public StatusUpdateStreams(Clock clock, Duration retryMin, Duration retryMax) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (retryMin.isNegative() || retryMin.isZero()) {
      throw new IllegalArgumentException("retryMin must be positive: " + retryMin);
    }
    if (retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("retryMax " + retryMax + " is below retryMin " + retryMin);
    }
    this.retryMin = retryMin;
    this.retryMax = retryMax;
  }

  /** Adds an update to the end of its stream. The update must carry a uuid. */
  public Enqueued enqueue(StatusUpdate update) {
    if (!update.getStatus().hasUuid() || update.getStatus().getUuid().isEmpty()) {
      throw new IllegalArgumentException("A reliable status update needs a uuid");
    }
    StreamKey key = StreamKey.of(update);
    Stream stream = streams.get(key);
    if (stream == null) {
      stream = new Stream();
      streams.put(key, stream);
    } else if (stream.terminalQueued) {
      return new Enqueued(EnqueueOutcome.REJECTED_AFTER_TERMINAL, Optional.empty());
    } else if (stream.updates.stream().anyMatch(u -> u.getStatus().getUuid().equals(update.getStatus().getUuid()))) {
      return new Enqueued(EnqueueOutcome.REJECTED_DUPLICATE_UUID, Optional.empty());
    }
    stream.updates.addLast(update);
    stream.terminalQueued = TaskStates.isTerminal(update.getStatus().getState());
    if (stream.updates.size() == 1) {
      markSent(stream);
      return new Enqueued(EnqueueOutcome.SEND_NOW, Optional.of(update));
    }
    return new Enqueued(EnqueueOutcome.QUEUED, Optional.empty());
  }

  /** Applies the framework's acknowledgement of {@code uuid} on the stream of (framework, task). */
  public Acknowledged acknowledge(String frameworkId, String taskId, ByteString uuid) {
    StreamKey key = new StreamKey(frameworkId, taskId);
    Stream stream = streams.get(key);
    if (stream == null) {
      return new Acknowledged(AckOutcome.IGNORED_UNKNOWN_STREAM, Optional.empty(), Optional.empty());
    }
    StatusUpdate head = stream.updates.peekFirst();
    if (head == null || !head.getStatus().getUuid().equals(uuid)) {
      return new Acknowledged(AckOutcome.IGNORED_NOT_HEAD, Optional.empty(), Optional.empty());
    }
    stream.updates.removeFirst();
    if (TaskStates.isTerminal(head.getStatus().getState())) {
      // Nothing can follow a terminal update (enqueue refuses it), so the stream is empty.
      streams.remove(key);
      return new Acknowledged(AckOutcome.STREAM_CLOSED, Optional.empty(), Optional.of(head));
    }
    StatusUpdate next = stream.updates.peekFirst();
    if (next == null) {
      stream.resendAt = null;
      return new Acknowledged(AckOutcome.ACKNOWLEDGED, Optional.empty(), Optional.of(head));
    }
    markSent(stream);
    return new Acknowledged(AckOutcome.ACKNOWLEDGED, Optional.of(next), Optional.of(head));
  }

  /**
   * The heads whose resend time has come, in stream creation order. Each is considered sent now:
   * its next resend is scheduled after the current backoff, and the backoff doubles up to the cap.
   */
  public List<StatusUpdate> due() {
    Instant now = clock.instant();
    List<StatusUpdate> resend = new ArrayList<>();
    for (Stream stream : streams.values()) {
      if (stream.resendAt != null && !stream.resendAt.isAfter(now)) {
        resend.add(stream.updates.getFirst());
        stream.resendAt = now.plus(stream.backoff);
        stream.backoff = min(stream.backoff.multipliedBy(2), retryMax);
      }
    }
    return resend;
  }

  /** Every head, for sending now (e.g. after re-registering with a new master); backoffs restart. */
  public List<StatusUpdate> flush() {
    List<StatusUpdate> heads = new ArrayList<>();
    for (Stream stream : streams.values()) {
      if (!stream.updates.isEmpty()) {
        heads.add(stream.updates.getFirst());
        markSent(stream);
      }
    }
    return heads;
  }

  /** The earliest resend time of any head, or empty when nothing waits for an acknowledgement. */
  public Optional<Instant> nextDeadline() {
    return streams.values().stream()
        .map(s -> s.resendAt)
        .filter(Objects::nonNull)
        .min(Instant::compareTo);
  }

  /** Drops every stream of a framework (it was shut down); returns how many updates were dropped. */
  public int removeFramework(String frameworkId) {
    int dropped = 0;
    var it = streams.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (entry.getKey().frameworkId().equals(frameworkId)) {
        dropped += entry.getValue().updates.size();
        it.remove();
      }
    }
    return dropped;
  }

  /** The unacknowledged updates of one stream, head first (empty if there is no stream). */
  public List<StatusUpdate> pending(String frameworkId, String taskId) {
    Stream stream = streams.get(new StreamKey(frameworkId, taskId));
    return stream == null ? List.of() : List.copyOf(stream.updates);
  }

  /** Whether a stream exists for (framework, task). */
  public boolean hasStream(String frameworkId, String taskId) {
    return streams.containsKey(new StreamKey(frameworkId, taskId));
  }

  /** The number of updates not yet acknowledged, over every stream. */
  public int pendingUpdates() {
    return streams.values().stream().mapToInt(s -> s.updates.size()).sum();
  }

  /** The number of open streams. */
  public int size() {
    return streams.size();
  }

  private void markSent(Stream stream) {
    stream.resendAt = clock.instant().plus(retryMin);
    stream.backoff = min(retryMin.multipliedBy(2), retryMax);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
