package dev.vmesos.master.operator;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.master.Protos.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An operator subscription on a chunked HTTP response: one RecordIO record per event, each written
 * as one chunk (as the scheduler stream and Mesos do).
 */
final class HttpOperatorStream implements OperatorEventSink {

  private final HttpServerResponse response;
  private final MediaType mediaType;
  private boolean open = true;

  HttpOperatorStream(HttpServerResponse response, MediaType mediaType) {
    this.response = response;
    this.mediaType = mediaType;
  }

  @Override
  public void send(Event event) {
    if (isOpen()) {
      response.write(Buffer.buffer(RecordIO.encode(WireCodec.encode(event, mediaType))));
    }
  }

  @Override
  public boolean isOpen() {
    return open && !response.closed() && !response.ended();
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

  /** The connection went away. */
  void markClosed() {
    open = false;
  }
}
