package dev.vmesos.master.operator;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.master.Protos.Event;
import dev.vmesos.master.http.BoundedEventWriter;
import dev.vmesos.master.http.EventStreamLimit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator subscription on a chunked HTTP response: one RecordIO record per event, each written
 * as one chunk (as the scheduler stream and Mesos do). Under the same bound as scheduler streams: a
 * subscriber that lets more than {@code --max_event_stream_queue} bytes pile up unread is dropped
 * (its connection closes; it may subscribe again and gets a fresh snapshot).
 */
final class HttpOperatorStream implements OperatorEventSink {

  private static final Logger LOG = LoggerFactory.getLogger(HttpOperatorStream.class);

  private final MediaType mediaType;
  private final String subscriber;
  private final EventStreamLimit limit;
  private final BoundedEventWriter writer;
  private boolean open = true;

  /** @param subscriber who subscribed (its address), for the log line of a drop */
  HttpOperatorStream(HttpServerResponse response, MediaType mediaType, String subscriber, EventStreamLimit limit) {
    this.mediaType = mediaType;
    this.subscriber = subscriber;
    this.limit = limit;
    this.writer = limit.writer(response, this::dropped);
  }

  @Override
  public void send(Event event) {
    if (isOpen()) {
      writer.write(Buffer.buffer(RecordIO.encode(WireCodec.encode(event, mediaType))));
    }
  }

  @Override
  public boolean isOpen() {
    return open && writer.writable();
  }

  @Override
  public void close() {
    if (open) {
      open = false;
      writer.end();
    }
  }

  /** The connection went away. */
  void markClosed() {
    open = false;
  }

  private void dropped(long queuedBytes) {
    LOG.warn("Dropping the operator event stream of {}: it has {} bytes of events queued unread and the next event"
        + " would pass --max_event_stream_queue={}", subscriber, queuedBytes, limit.maxQueueBytes());
  }
}
