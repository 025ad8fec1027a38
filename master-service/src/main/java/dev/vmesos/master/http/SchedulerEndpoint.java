package dev.vmesos.master.http;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.http.MediaTypes;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.master.state.CallResult;
import dev.vmesos.master.state.Master;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/scheduler}: one fixed sequence of checks with one status per failure, as the
 * Mesos master runs them: method (405), Content-Type (400/415), body (400), call validation
 * (400/501), then for SUBSCRIBE the Accept header (406) and an open stream; for other calls the
 * framework and stream checks and 202.
 */
public final class SchedulerEndpoint {

  public static final String STREAM_ID_HEADER = "Mesos-Stream-Id";
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerEndpoint.class);

  private final Master master;
  private final java.util.function.BooleanSupplier mayAct;
  private final EventStreamLimit streamLimit;

  public SchedulerEndpoint(Master master) {
    this(master, () -> true);
  }

  /** @param mayAct whether this master may still act as leader (its lease holds); checked per event */
  public SchedulerEndpoint(Master master, java.util.function.BooleanSupplier mayAct) {
    this(master, mayAct, new EventStreamLimit(EventStreamLimit.DEFAULT_MAX_QUEUE_BYTES));
  }

  /** @param streamLimit what each subscription's stream may queue unread; it counts the streams dropped */
  public SchedulerEndpoint(Master master, java.util.function.BooleanSupplier mayAct, EventStreamLimit streamLimit) {
    this.master = master;
    this.mayAct = mayAct;
    this.streamLimit = streamLimit;
  }

  /** This endpoint with its streams under {@code limit} (the operator API's, which reports the drops). */
  public SchedulerEndpoint withStreamLimit(EventStreamLimit limit) {
    return new SchedulerEndpoint(master, mayAct, limit);
  }

  public void handle(RoutingContext context) {
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
      byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
      call = WireCodec.decode(body, requestType.get(), Call.getDefaultInstance());
    } catch (RuntimeException e) {
      Responses.text(response, 400, "Failed to parse body into Call protobuf: " + e.getMessage());
      return;
    }
    CallResult invalid = CallValidation.validate(call);
    if (invalid != null) {
      Responses.text(response, invalid.status(), "Failed to validate scheduler::Call: " + invalid.message());
      return;
    }
    String principal = dev.vmesos.master.security.HttpAuthGuard.principal(context);
    if (principal != null) {
      String mismatch = principalMismatch(call, principal);
      if (mismatch != null) {
        LOG.info("Refused {} of framework {}: {}", call.getType(), call.getFrameworkId().getValue(), mismatch);
        Responses.text(response, 400, mismatch);
        return;
      }
      if (call.getType() == Call.Type.SUBSCRIBE && !call.getSubscribe().getFrameworkInfo().hasPrincipal()) {
        // As Mesos: a framework that authenticated but named no principal gets the one it authenticated as.
        LOG.warn("Setting 'principal' in FrameworkInfo to '{}' because the framework authenticated with that"
            + " principal but did not set it in FrameworkInfo", principal);
        Call.Builder builder = call.toBuilder();
        builder.getSubscribeBuilder().getFrameworkInfoBuilder().setPrincipal(principal);
        call = builder.build();
      }
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(request, response, call);
      return;
    }
    try {
      CallResult result = master.call(call, request.getHeader(STREAM_ID_HEADER));
      if (result.status() == 202) {
        response.setStatusCode(202).end();
      } else {
        Responses.text(response, result.status(), result.message());
      }
    } catch (RuntimeException e) {
      // The master gives back what a failing call took (see Master.accept); the caller gets the
      // reason, the log one line, neither a stack trace.
      LOG.warn("Failed to apply {} of framework {}: {}", call.getType(), call.getFrameworkId().getValue(),
          e.toString());
      Responses.text(response, 500, "Failed to apply " + call.getType() + ": " + e.getMessage());
    }
  }

  /**
   * With authentication on, the principal the call authenticated as must be the framework's, as
   * Mesos checks it: FrameworkInfo.principal of a SUBSCRIBE (when it names one), the registered
   * framework's for any other call. Mesos answers 400 with this message.
   */
  private String principalMismatch(Call call, String principal) {
    String claimed;
    if (call.getType() == Call.Type.SUBSCRIBE) {
      if (!call.getSubscribe().getFrameworkInfo().hasPrincipal()) {
        return null;
      }
      claimed = call.getSubscribe().getFrameworkInfo().getPrincipal();
    } else {
      dev.vmesos.master.state.Framework framework = master.frameworks().get(call.getFrameworkId().getValue());
      if (framework == null) {
        return null; // the master answers "Framework cannot be found"
      }
      claimed = framework.info().getPrincipal();
    }
    return principal.equals(claimed) ? null : "Authenticated principal '" + principal + "' does not match principal '"
        + claimed + "' set in `FrameworkInfo`";
  }

  private void subscribe(HttpServerRequest request, HttpServerResponse response, Call call) {
    Optional<MediaType> accepted = MediaTypes.negotiate(request.getHeader(HttpHeaders.ACCEPT));
    if (accepted.isEmpty()) {
      Responses.text(response, 406, "Expecting 'Accept' to allow " + MediaTypes.APPLICATION_JSON + " or "
          + MediaTypes.APPLICATION_PROTOBUF);
      return;
    }
    if (request.getHeader(STREAM_ID_HEADER) != null) {
      Responses.text(response, 400, "Subscribe calls should not include the '" + STREAM_ID_HEADER + "' header");
      return;
    }
    String streamId = UUID.randomUUID().toString();
    HttpEventStream stream = new HttpEventStream(response, accepted.get(), streamId, mayAct, streamLimit);
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, accepted.get().mime())
        .putHeader(STREAM_ID_HEADER, streamId);
    response.closeHandler(v -> {
      stream.markClosed();
      master.streamClosed(stream);
    });
    response.exceptionHandler(e -> LOG.debug("Stream {}: {}", streamId, e.toString()));
    response.writeHead();
    master.subscribe(call, stream);
    // SUBSCRIBED tells the scheduler its framework id: it goes out only once the registry has the
    // framework, so that a master failing over right after cannot lose what it acknowledged.
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    master.durable().whenComplete((v, failure) -> {
      Runnable then = () -> {
        if (failure == null) {
          stream.release();
        } else {
          LOG.warn("Stream {}: the subscription could not be made durable ({}); closing it, the scheduler will"
              + " subscribe again", streamId, failure.toString());
          stream.abandon();
        }
      };
      if (context == null || io.vertx.core.Vertx.currentContext() == context) {
        then.run();
      } else {
        context.runOnContext(x -> then.run());
      }
    });
  }
}
