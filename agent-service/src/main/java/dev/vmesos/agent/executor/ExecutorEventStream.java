package dev.vmesos.agent.executor;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.executor.Protos.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An executor's SUBSCRIBE stream on a chunked HTTP response: one RecordIO record per event, each
 * written as one HTTP chunk, as the Mesos agent does.
 */
class ExecutorEventStream {

  private final HttpServerResponse response;
  private final MediaType mediaType;
  private boolean open = true;

  ExecutorEventStream(HttpServerResponse response, MediaType mediaType) {
    this.response = response;
    this.mediaType = mediaType;
  }

  void send(Event event) {
    if (isOpen()) {
      response.write(Buffer.buffer(RecordIO.encode(WireCodec.encode(event, mediaType))));
    }
  }

  void close() {
    if (open) {
      open = false;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  boolean isOpen() {
    return open && !response.closed() && !response.ended();
  }
}
