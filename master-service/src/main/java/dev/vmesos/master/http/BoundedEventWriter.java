package dev.vmesos.master.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * One event stream's chunked HTTP response, with a bounded queue. It counts the bytes written that
 * the socket has not taken yet (a write's future completes once Netty has handed the bytes to the
 * socket); an event that would take that count past the limit drops the subscriber instead of being
 * queued. An event written to an empty queue always goes, so a queue never holds more than the limit
 * or one event, whichever is larger, and an event larger than the limit does not by itself drop a
 * stream. The limit must still exceed the largest burst a reader that keeps up is sent at once (an
 * OFFERS event for every agent of a large cluster), or such a reader is dropped now and then.
 *
 * <p>Why not {@link HttpServerResponse#writeQueueFull()} alone: it follows the channel's writability
 * flag, which Netty sets from the connection's whole outbound buffer against a high-water mark, so
 * one event larger than the mark reads as "full" even while it is being flushed to a fast reader.
 *
 * <p>Dropping closes the connection (for HTTP/2, resets the stream) after the current task: the
 * owner learns of it through the response's close handler, as of any broken connection, and never
 * from inside a send (the master is usually in the middle of a change when it sends).
 */
public final class BoundedEventWriter {

  private final HttpServerResponse response;
  private final EventStreamLimit limit;
  private final LongConsumer onDrop;
  private final Context context;
  private long queuedBytes;
  private boolean dropped;

  BoundedEventWriter(HttpServerResponse response, EventStreamLimit limit, LongConsumer onDrop) {
    this.response = response;
    this.limit = limit;
    this.onDrop = onDrop;
    this.context = Objects.requireNonNull(Vertx.currentContext(), "create a writer on the response's event loop");
  }

  /** Writes one event as one chunk; returns false, writing nothing, once the stream is dropped. */
  public boolean write(Buffer chunk) {
    if (dropped) {
      return false;
    }
    long size = chunk.length();
    if (queuedBytes > 0 && queuedBytes + size > limit.maxQueueBytes()) {
      drop();
      return false;
    }
    queuedBytes += size;
    // Completes (either way) on this event loop: written to the socket, or failed with the connection.
    response.write(chunk).onComplete(done -> queuedBytes -= size);
    return true;
  }

  /** Whether events can still go out: not dropped, and the response neither ended nor closed. */
  public boolean writable() {
    return !dropped && !response.closed() && !response.ended();
  }

  /** Ends the response, unless it is already gone (dropped, ended or closed). */
  public void end() {
    if (writable()) {
      response.end();
    }
  }

  /** Whether the stream was dropped for falling behind. */
  public boolean dropped() {
    return dropped;
  }

  /** Bytes written and not yet taken by the socket. */
  public long queuedBytes() {
    return queuedBytes;
  }

  private void drop() {
    dropped = true;
    limit.countDrop();
    onDrop.accept(queuedBytes);
    context.runOnContext(v -> response.reset());
  }
}
