package dev.vmesos.agent.executor;

import dev.vmesos.agent.http.PostedCalls;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import dev.vmesos.api.v1.executor.Protos.Call;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/executor}, the Mesos v1 executor HTTP API: one fixed sequence of checks with
 * one status per failure, as the Mesos agent runs them: method (405), Content-Type (400/415), body
 * (400), call validation (400), for SUBSCRIBE the Accept header (406); then the call goes to
 * {@link CustomExecutors}, whose refusals (unknown framework or executor, a task the executor does
 * not own) are 400s with a plain-text reason. SUBSCRIBE answers 200 with a RecordIO event stream
 * (no {@code Mesos-Stream-Id}, unlike the scheduler API); the other calls answer 202.
 */
public final class ExecutorEndpoint {

  public static final String PATH = "/api/v1/executor";
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEndpoint.class);

  private final CustomExecutors executors;

  public ExecutorEndpoint(CustomExecutors executors) {
    this.executors = executors;
  }

  /**
   * Adds the route to the agent's router and returns it; requests are handled on the HTTP server's
   * context, which is the agent verticle's, where {@code executors} lives. A call body over
   * {@code bodyLimit} bytes is refused with 413 ({@code --http_max_body_size}).
   */
  public static Router mount(Router router, CustomExecutors executors, long bodyLimit) {
    ExecutorEndpoint endpoint = new ExecutorEndpoint(executors);
    router.route(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(endpoint::handle);
    return router;
  }

  void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    Optional<Call> read = PostedCalls.read(context, Call.getDefaultInstance(), LOG, "an executor call");
    if (read.isEmpty()) {
      return;
    }
    Call call = read.get();
    Optional<String> invalid = ExecutorCallValidation.validate(call);
    if (invalid.isPresent()) {
      LOG.warn("Refusing {} call of executor {} of framework {}: {}", call.getType(), call.getExecutorId().getValue(),
          call.getFrameworkId().getValue(), invalid.get());
      text(response, 400, "Failed to validate executor::Call: " + invalid.get());
      return;
    }
    CallResult result;
    try {
      result = switch (call.getType()) {
        case SUBSCRIBE -> subscribe(request, response, call);
        case UPDATE -> executors.update(call);
        case MESSAGE -> executors.message(call);
        case HEARTBEAT -> executors.heartbeat(call);
        case UNKNOWN -> new CallResult(501, "Unknown call type");
      };
    } catch (RuntimeException e) {
      LOG.error("Failed to handle {} call of executor {} of framework {}", call.getType(),
          call.getExecutorId().getValue(), call.getFrameworkId().getValue(), e);
      result = new CallResult(500, "Internal error: " + e);
    }
    if (result == CallResult.SUBSCRIBED) {
      return;
    }
    if (result.status() == 202) {
      response.setStatusCode(202).end();
    } else {
      LOG.warn("Refusing {} call of executor {} of framework {}: {} {}", call.getType(),
          call.getExecutorId().getValue(), call.getFrameworkId().getValue(), result.status(), result.message());
      text(response, result.status(), result.message());
    }
  }

  private CallResult subscribe(HttpServerRequest request, HttpServerResponse response, Call call) {
    Optional<MediaType> accepted = MediaTypes.negotiate(request.getHeader(HttpHeaders.ACCEPT));
    if (accepted.isEmpty()) {
      return new CallResult(406, "Expecting 'Accept' to allow " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
    }
    return executors.subscribe(call, () -> {
      ExecutorEventStream stream = new ExecutorEventStream(response, accepted.get());
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, accepted.get().mime());
      response.closeHandler(v -> executors.streamClosed(call, stream));
      response.exceptionHandler(e -> LOG.debug("Stream of executor {}: {}", call.getExecutorId().getValue(),
          e.toString()));
      response.writeHead();
      return stream;
    });
  }

  private static void text(HttpServerResponse response, int status, String body) {
    PostedCalls.text(response, status, body);
  }
}
