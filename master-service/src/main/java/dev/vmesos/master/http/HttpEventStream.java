package dev.vmesos.master.http;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.master.state.EventSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A subscription's event stream on a chunked HTTP response: each event is one RecordIO record
 * written as one HTTP chunk, as Mesos does (some clients parse one record per chunk).
 */
final class HttpEventStream implements EventSink {

  private final HttpServerResponse response;
  private final MediaType mediaType;
  private final String streamId;
  private final java.util.function.BooleanSupplier mayAct;
  private boolean open = true;

  /** @param mayAct false once this master's leadership lease has lapsed: nothing more is written */
  HttpEventStream(HttpServerResponse response, MediaType mediaType, String streamId,
                  java.util.function.BooleanSupplier mayAct) {
    this.response = response;
    this.mediaType = mediaType;
    this.streamId = streamId;
    this.mayAct = mayAct;
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public void send(Event event) {
    if (isOpen() && mayAct.getAsBoolean()) {
      response.write(Buffer.buffer(RecordIO.encode(WireCodec.encode(event, mediaType))));
    }
  }

  @Override
  public void close() {
    if (open) {
      open = false;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  @Override
  public boolean isOpen() {
    return open && !response.closed() && !response.ended();
  }

  /** The connection went away under us. */
  void markClosed() {
    open = false;
  }
}
