package dev.vmesos.master.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.function.LongConsumer;

/**
 * How many bytes of events one event stream (a scheduler's or an operator's subscription) may have
 * queued and not yet taken by its socket ({@code --max_event_stream_queue}), and how many streams
 * were dropped for going past it ({@code master/event_stream_drops}). One per term, shared by the
 * scheduler and operator endpoints; owned by the master's event loop.
 */
public final class EventStreamLimit {

  /** 8 MiB: far above what a reader that keeps up has queued, far below what the master can hold per subscriber. */
  public static final long DEFAULT_MAX_QUEUE_BYTES = 8L << 20;

  private final long maxQueueBytes;
  private long drops;

  public EventStreamLimit(long maxQueueBytes) {
    if (maxQueueBytes <= 0) {
      throw new IllegalArgumentException("maxQueueBytes must be positive, got " + maxQueueBytes);
    }
    this.maxQueueBytes = maxQueueBytes;
  }

  public long maxQueueBytes() {
    return maxQueueBytes;
  }

  /** Streams dropped since this term began because their subscriber fell behind. */
  public long drops() {
    return drops;
  }

  /**
   * A writer for one stream's chunked response. Call it on the response's event loop.
   *
   * @param onDrop told once, with the bytes queued, when the stream is dropped (for its log line)
   */
  public BoundedEventWriter writer(HttpServerResponse response, LongConsumer onDrop) {
    return new BoundedEventWriter(response, this, onDrop);
  }

  void countDrop() {
    drops++;
  }
}
