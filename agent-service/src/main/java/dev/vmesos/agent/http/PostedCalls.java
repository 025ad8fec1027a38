package dev.vmesos.agent.http;

import com.google.protobuf.Message;
import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What every v1 call endpoint of the agent (the executor API, the agent's operator API) checks
 * first, in Mesos's order and with its answers: a POST (405 with {@code Allow}), a
 * {@code Content-Type} (400) of JSON or protobuf (415), and a body that parses (400).
 */
public final class PostedCalls {

  private PostedCalls() {
  }

  /**
   * The call the request carries; empty when it has none, in which case the response is written.
   *
   * @param what names the endpoint in the log line of a refused body
   */
  public static <T extends Message> Optional<T> read(RoutingContext context, T prototype, Logger log, String what) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    if (request.method() != HttpMethod.POST) {
      response.putHeader(HttpHeaders.ALLOW, "POST");
      text(response, 405, "Expecting a 'POST' request, received '" + request.method() + "'");
      return Optional.empty();
    }
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null) {
      text(response, 400, "Expecting 'Content-Type' to be present");
      return Optional.empty();
    }
    Optional<MediaType> requestType = MediaTypes.contentType(contentType);
    if (requestType.isEmpty()) {
      text(response, 415, "Expecting 'Content-Type' of " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
      return Optional.empty();
    }
    try {
      Buffer body = context.body().buffer();
      return Optional.of(WireCodec.decode(body == null ? new byte[0] : body.getBytes(), requestType.get(), prototype));
    } catch (RuntimeException e) {
      // WireCodec's message starts as Mesos's does: "Failed to parse body into Call: ".
      log.info("Refusing {} with a malformed body: {}", what, e.getMessage());
      text(response, 400, e.getMessage());
      return Optional.empty();
    }
  }

  /** Errors as libprocess writes them: text/plain with a Content-Length. */
  public static void text(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.TEXT_PLAIN_UTF8).end(body);
  }
}
