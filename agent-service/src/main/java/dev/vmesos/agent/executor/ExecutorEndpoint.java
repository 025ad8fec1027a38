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
 *
 * <p>With {@code --authenticate_http_executors}, every request must first carry
 * {@code Authorization: Bearer <token>} with a valid token of {@link ExecutorTokens} (else 401 with
 * {@code WWW-Authenticate: Bearer realm="mesos-agent-executor"}, as Mesos's JWT authenticator
 * answers, before the request is otherwise looked at), and a call is taken only for the framework,
 * executor and current container its token names (else 403): a process that learnt an executor's
 * ids cannot take its tasks or speak for it.
 */
public final class ExecutorEndpoint {

  public static final String PATH = "/api/v1/executor";
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEndpoint.class);

  private final CustomExecutors executors;
  /** Present with --authenticate_http_executors: verifies the bearer tokens. */
  private final Optional<ExecutorTokens> authentication;

  public ExecutorEndpoint(CustomExecutors executors, Optional<ExecutorTokens> authentication) {
    this.executors = executors;
    this.authentication = authentication;
  }

  /**
   * Adds the route to the agent's router and returns it; requests are handled on the HTTP server's
   * context, which is the agent verticle's, where {@code executors} lives. A call body over
   * {@code bodyLimit} bytes is refused with 413 ({@code --http_max_body_size}).
   */
  public static Router mount(Router router, CustomExecutors executors, long bodyLimit) {
    return mount(router, executors, Optional.empty(), bodyLimit);
  }

  /** As {@link #mount(Router, CustomExecutors, long)}; with {@code authentication}, calls need an executor token. */
  public static Router mount(Router router, CustomExecutors executors, Optional<ExecutorTokens> authentication,
                             long bodyLimit) {
    ExecutorEndpoint endpoint = new ExecutorEndpoint(executors, authentication);
    router.route(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(endpoint::handle);
    return router;
  }

  void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    Optional<ExecutorTokens.Claims> principal = Optional.empty();
    if (authentication.isPresent()) {
      ExecutorTokens.Verified verified = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), authentication.get());
      if (verified instanceof ExecutorTokens.Invalid invalid) {
        unauthorized(request, response, invalid.reason());
        return;
      }
      principal = Optional.of((ExecutorTokens.Claims) verified);
    }
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
    Optional<String> mismatch = principal.flatMap(claims -> claimsMismatch(claims, call));
    if (mismatch.isPresent()) {
      LOG.warn("Refusing {} call for executor {} of framework {} from {}: {}", call.getType(),
          call.getExecutorId().getValue(), call.getFrameworkId().getValue(), request.remoteAddress(), mismatch.get());
      text(response, 403, mismatch.get());
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

  /** No header: a bare challenge (RFC 6750 3.1, as Mesos); otherwise the reason the token is refused. */
  private static final ExecutorTokens.Invalid NO_CREDENTIALS = new ExecutorTokens.Invalid("");

  private static ExecutorTokens.Verified authenticate(String header, ExecutorTokens tokens) {
    if (header == null) {
      return NO_CREDENTIALS;
    }
    String[] parts = header.split(" ");
    if (parts.length != 2) {
      return new ExecutorTokens.Invalid("Malformed 'Authorization' header");
    }
    if (!parts[0].equals("Bearer")) {
      return new ExecutorTokens.Invalid("Scheme '" + parts[0] + "' unsupported");
    }
    ExecutorTokens.Verified verified = tokens.verify(parts[1]);
    return verified instanceof ExecutorTokens.Invalid invalid
        ? new ExecutorTokens.Invalid("Invalid JWT: " + invalid.reason()) : verified;
  }

  private static void unauthorized(HttpServerRequest request, HttpServerResponse response, String reason) {
    String challenge = "Bearer realm=\"" + ExecutorTokens.REALM + "\"";
    if (!reason.isEmpty()) {
      challenge += ", error=\"invalid_token\", error_description=\"" + reason.replace("\"", "'") + "\"";
      LOG.warn("Refusing an executor call from {}: {}", request.remoteAddress(), reason);
    } else {
      LOG.info("Refusing an executor call without credentials from {}", request.remoteAddress());
    }
    response.putHeader("WWW-Authenticate", challenge);
    text(response, 401, "");
  }

  /**
   * Why the token's claims do not cover {@code call}: its {@code fid} and {@code eid} must be the
   * call's, and its {@code cid} the executor's current run (a token of an earlier run is refused).
   * An executor unknown here is left to the usual 400.
   */
  private Optional<String> claimsMismatch(ExecutorTokens.Claims claims, Call call) {
    String frameworkId = call.getFrameworkId().getValue();
    String executorId = call.getExecutorId().getValue();
    if (!frameworkId.equals(claims.get(ExecutorTokens.FRAMEWORK_CLAIM))) {
      return Optional.of("Authenticated principal does not contain an 'fid' claim with the framework ID "
          + frameworkId + ", which is set in the call");
    }
    if (!executorId.equals(claims.get(ExecutorTokens.EXECUTOR_CLAIM))) {
      return Optional.of("Authenticated principal does not contain an 'eid' claim with the executor ID "
          + executorId + ", which is set in the call");
    }
    Optional<String> container = executors.containerOf(frameworkId, executorId);
    if (container.isPresent() && !container.get().equals(claims.get(ExecutorTokens.CONTAINER_CLAIM))) {
      return Optional.of("Authenticated principal does not contain a 'cid' claim with the correct active ContainerID");
    }
    return Optional.empty();
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
