package dev.vmesos.master.operator;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.master.http.EventStreamLimit;
import dev.vmesos.master.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1}: the operator API's fixed sequence of checks, one status per failure, as the
 * Mesos master runs them: method (405), Content-Type (400/415), body (400), call validation
 * (400/501), Accept (406, for every call), then SUBSCRIBE opens a RecordIO stream and any other
 * call is answered in the accepted encoding.
 */
final class OperatorEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoint.class);

  private final Vertx vertx;
  private final OperatorCalls calls;
  private final OperatorSubscribers subscribers;
  private final Supplier<Response.GetState> snapshot;
  private final Duration heartbeatInterval;
  private final EventStreamLimit streamLimit;
  private final OperatorAuthorization authorization;

  OperatorEndpoint(Vertx vertx, OperatorCalls calls, OperatorSubscribers subscribers,
                   Supplier<Response.GetState> snapshot, Duration heartbeatInterval, EventStreamLimit streamLimit,
                   OperatorAuthorization authorization) {
    this.authorization = authorization;
    this.vertx = vertx;
    this.calls = calls;
    this.subscribers = subscribers;
    this.snapshot = snapshot;
    this.heartbeatInterval = heartbeatInterval;
    this.streamLimit = streamLimit;
  }

  void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    if (request.method() != HttpMethod.POST) {
      response.putHeader(HttpHeaders.ALLOW, "POST");
      Responses.text(response, 405, "Expecting a 'POST' request, received '" + request.method() + "'");
      return;
    }
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null) {
      Responses.text(response, 400, "Expecting 'Content-Type' to be present");
      return;
    }
    Optional<MediaType> requestType = MediaTypes.contentType(contentType);
    if (requestType.isEmpty()) {
      Responses.text(response, 415, "Expecting 'Content-Type' of " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
      return;
    }
    Call call;
    try {
      Buffer body = context.body().buffer();
      call = WireCodec.decode(body == null ? new byte[0] : body.getBytes(), requestType.get(),
          Call.getDefaultInstance());
    } catch (RuntimeException e) {
      Responses.text(response, 400, e.getMessage());
      return;
    }
    OperatorResult invalid = OperatorValidation.validate(call);
    if (invalid != null) {
      Responses.text(response, invalid.status(), "Failed to validate master::Call: " + invalid.message());
      return;
    }
    Optional<MediaType> accepted = MediaTypes.negotiate(request.getHeader(HttpHeaders.ACCEPT));
    if (accepted.isEmpty()) {
      Responses.text(response, 406, "Expecting 'Accept' to allow " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
      return;
    }
    String principal = dev.vmesos.master.security.HttpAuthGuard.principal(context);
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(request, response, accepted.get(), principal);
      return;
    }
    OperatorResult refusal = authorization.refusal(call, principal);
    if (refusal != null) {
      respond(response, refusal, accepted.get());
      return;
    }
    OperatorResult result;
    try {
      result = authorization.filter(calls.handle(call), principal);
    } catch (RuntimeException e) {
      LOG.error("Failed to handle operator call {}", call.getType(), e);
      Responses.text(response, 500, "Internal error: " + e);
      return;
    }
    if (result.isSuccess() && OperatorCalls.changesRegistry(call.getType())) {
      // An update is acknowledged only once it is durable, so that a new leader never loses it.
      OperatorResult done = result;
      Future.fromCompletionStage(calls.durable(), vertx.getOrCreateContext()).onComplete(durable -> {
        if (durable.succeeded()) {
          respond(response, done, accepted.get());
        } else {
          LOG.warn("Operator call {} applied but not made durable: {}", call.getType(), durable.cause().toString());
          Responses.text(response, 503, "Failed to persist the change in the registry: "
              + durable.cause().getMessage());
        }
      });
      return;
    }
    respond(response, result, accepted.get());
  }

  private static void respond(HttpServerResponse response, OperatorResult result, MediaType accepted) {
    if (!result.isSuccess()) {
      Responses.text(response, result.status(), result.message());
    } else if (result.response() == null) {
      response.setStatusCode(result.status()).end();
    } else {
      response.setStatusCode(result.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, accepted.mime())
          .end(Buffer.buffer(WireCodec.encode(result.response(), accepted)));
    }
  }

  /**
   * Headers first, then SUBSCRIBED with a snapshot, then every change; HEARTBEATs follow at the
   * interval, the first one interval after subscribing (unlike the scheduler stream, which sends one
   * at once).
   */
  private void subscribe(HttpServerRequest request, HttpServerResponse response, MediaType mediaType,
                         String principal) {
    HttpOperatorStream http = new HttpOperatorStream(response, mediaType, String.valueOf(request.remoteAddress()),
        streamLimit);
    // What the principal may not view (--acls) never reaches its stream.
    OperatorEventSink stream = authorization.filter(http, principal);
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, mediaType.mime());
    response.writeHead();
    stream.send(OperatorEvents.subscribed(snapshot.get(), heartbeatInterval));
    subscribers.add(stream);
    long interval = Math.max(1, heartbeatInterval.toMillis());
    long timer = vertx.setPeriodic(interval, interval, id -> {
      if (stream.isOpen()) {
        stream.send(OperatorEvents.heartbeat());
      } else {
        vertx.cancelTimer(id);
      }
    });
    response.closeHandler(v -> {
      http.markClosed();
      subscribers.remove(stream);
      vertx.cancelTimer(timer);
    });
    response.exceptionHandler(e -> LOG.debug("Operator stream: {}", e.toString()));
    LOG.info("Operator subscribed ({} subscribers)", subscribers.count());
  }
}
