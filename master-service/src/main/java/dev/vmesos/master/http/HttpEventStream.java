package dev.vmesos.master.http;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.state.EventSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription's event stream on a chunked HTTP response: each event is one RecordIO record
 * written as one HTTP chunk, as Mesos does (some clients parse one record per chunk). A scheduler
 * that lets more than {@code --max_event_stream_queue} bytes of events pile up unread is dropped
 * (see {@link BoundedEventWriter}): its connection closes, and the master disconnects the framework
 * as for any broken connection, so its failover_timeout runs until it re-subscribes.
 */
final class HttpEventStream implements EventSink {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEventStream.class);

  private final MediaType mediaType;
  private final String streamId;
  private final BooleanSupplier mayAct;
  private final EventStreamLimit limit;
  private final BoundedEventWriter writer;
  /** Learnt from the SUBSCRIBED event this stream carries; for the log line of a drop. */
  private String frameworkId;
  private boolean open = true;
  /** Events held until {@link #release}: a subscription is answered once it is durable. Null: none held. */
  private java.util.List<Buffer> held = new java.util.ArrayList<>();

  /** @param mayAct false once this master's leadership lease has lapsed: nothing more is written */
  HttpEventStream(HttpServerResponse response, MediaType mediaType, String streamId, BooleanSupplier mayAct,
                  EventStreamLimit limit) {
    this.mediaType = mediaType;
    this.streamId = streamId;
    this.mayAct = mayAct;
    this.limit = limit;
    this.writer = limit.writer(response, this::dropped);
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public void send(Event event) {
    if (isOpen() && mayAct.getAsBoolean()) {
      if (event.getType() == Event.Type.SUBSCRIBED) {
        frameworkId = event.getSubscribed().getFrameworkId().getValue();
      }
      Buffer record = Buffer.buffer(RecordIO.encode(WireCodec.encode(event, mediaType)));
      if (held != null) {
        held.add(record);
      } else {
        writer.write(record);
      }
    }
  }

  /** Writes the events held so far, and every later one as it comes. */
  void release() {
    java.util.List<Buffer> records = held;
    held = null;
    if (records != null && isOpen()) {
      records.forEach(writer::write);
    }
  }

  /** Ends the stream without what it holds: its subscription could not be made durable. */
  void abandon() {
    held = null;
    close();
  }

  @Override
  public void close() {
    if (open) {
      // A stream closed while it still holds events (a subscription refused with ERROR, or failed
      // over before it was durable) writes them first: they are its last word.
      release();
      open = false;
      writer.end();
    }
  }

  @Override
  public boolean isOpen() {
    return open && writer.writable();
  }

  /** The connection went away under us. */
  void markClosed() {
    open = false;
  }

  private void dropped(long queuedBytes) {
    LOG.warn("Dropping event stream {} of framework {}: its scheduler has {} bytes of events queued unread and the"
            + " next event would pass --max_event_stream_queue={}; the framework is disconnected until it"
            + " re-subscribes", streamId, frameworkId, queuedBytes, limit.maxQueueBytes());
  }
}
