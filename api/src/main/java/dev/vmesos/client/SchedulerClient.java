package dev.vmesos.client;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.scheduler.Protos.Call;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client of the Mesos v1 scheduler HTTP API: one SUBSCRIBE stream delivering events, and calls
 * sent on their own requests with the stream id and framework id filled in. Every request runs on
 * the Vert.x context the client was created on (a new one when created outside Vert.x), and events
 * are delivered there: Vert.x 5's HTTP client driven from several threads can leave a received
 * response uncompleted.
 */
public final class SchedulerClient {

  public static final String PATH = "/api/v1/scheduler";
  private static final String STREAM_ID = "Mesos-Stream-Id";

  private final HttpClientAgent http;
  private final Context context;
  private final String host;
  private final int port;
  private final MediaType mediaType;
  private final MasterAddress address;
  private final ClientSecurity security;
  private volatile String streamId;
  private volatile FrameworkID frameworkId;
  private HttpClientResponse stream;

  public SchedulerClient(Vertx vertx, String host, int port, MediaType mediaType) {
    this(vertx, host, port, mediaType, new io.vertx.core.http.PoolOptions());
  }

  /** @param pool how many connections calls may use at once (Vert.x's default: 5) */
  public SchedulerClient(Vertx vertx, String host, int port, MediaType mediaType, io.vertx.core.http.PoolOptions pool) {
    this(vertx, new MasterAddress(host, port), mediaType, pool, ClientSecurity.none());
  }

  /**
   * A client of the master at {@code address}, over TLS when the address is {@code https://} or
   * {@code security} has a CA, sending {@code security}'s credential (HTTP Basic) with every request.
   *
   * @param pool how many connections calls may use at once (Vert.x's default: 5)
   */
  public SchedulerClient(Vertx vertx, MasterAddress address, MediaType mediaType, io.vertx.core.http.PoolOptions pool,
      ClientSecurity security) {
    this.http = vertx.createHttpClient(security.apply(new HttpClientOptions().setDefaultHost(address.host())
        .setDefaultPort(address.port())), pool);
    this.context = vertx.getOrCreateContext();
    this.host = address.host();
    this.port = address.port();
    this.address = address;
    this.security = security;
    this.mediaType = mediaType;
  }

  /** Where this client sends its requests. */
  public MasterAddress address() {
    return address;
  }

  public String streamId() {
    return streamId;
  }

  public FrameworkID frameworkId() {
    return frameworkId;
  }

  /**
   * Subscribes; the future completes when the 200 and its headers arrive, or fails with a
   * {@link SchedulerHttpException}. {@code onEvent} gets every event; {@code onClose} gets null when
   * the master ends the stream, or the error that broke it.
   */
  public Future<Void> subscribe(FrameworkInfo info, Consumer<Event> onEvent, Consumer<Throwable> onClose) {
    if (info.hasId()) {
      frameworkId = info.getId();
    }
    Buffer body = Buffer.buffer(WireCodec.encode(Calls.subscribe(info), mediaType));
    RequestOptions options = security.apply(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI(PATH)
        .putHeader(HttpHeaders.CONTENT_TYPE, mediaType.mime())
        .putHeader(HttpHeaders.ACCEPT, mediaType.mime()), address);
    return onContext(() -> http.request(options)
        .compose(request -> request.send(body))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(b -> Future.failedFuture(new SchedulerHttpException(
                response.statusCode(), b.toString(), response.getHeader(HttpHeaders.LOCATION))));
          }
          stream = response;
          streamId = response.getHeader(STREAM_ID);
          RecordIODecoder decoder = new RecordIODecoder();
          response.handler(chunk -> {
            try {
              for (byte[] record : decoder.decode(chunk.getBytes())) {
                Event event = WireCodec.decode(record, mediaType, Event.getDefaultInstance());
                if (event.getType() == Event.Type.SUBSCRIBED) {
                  frameworkId = event.getSubscribed().getFrameworkId();
                }
                onEvent.accept(event);
              }
            } catch (RuntimeException e) {
              response.request().connection().close();
              onClose.accept(e);
            }
          });
          response.exceptionHandler(onClose::accept);
          response.endHandler(v -> onClose.accept(null));
          return Future.succeededFuture();
        }));
  }

  /** Sends a call; succeeds on 202 (200 for UPDATE_FRAMEWORK), fails with {@link SchedulerHttpException}. */
  public Future<Void> call(Call call) {
    Call full = Calls.withFramework(call, frameworkId);
    RequestOptions options = security.apply(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI(PATH)
        .putHeader(HttpHeaders.CONTENT_TYPE, mediaType.mime()), address);
    if (streamId != null) {
      options.putHeader(STREAM_ID, streamId);
    }
    return onContext(() -> http.request(options)
        .compose(request -> request.send(Buffer.buffer(WireCodec.encode(full, mediaType))))
        .compose(response -> response.body().compose(b -> {
          int status = response.statusCode();
          if (status == 202 || status == 200) {
            return Future.succeededFuture();
          }
          return Future.failedFuture(new SchedulerHttpException(status, b.toString(),
              response.getHeader(HttpHeaders.LOCATION)));
        })));
  }

  /** Closes the stream's connection and the client. */
  public Future<Void> close() {
    return onContext(() -> {
      if (stream != null) {
        stream.request().connection().close();
      }
      return http.close();
    });
  }

  /**
   * Runs {@code work} on the client's context. What it throws (a call on a client already closed)
   * fails the returned future instead of escaping to the context as an unhandled exception.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return attempt(work);
    }
    return Future.future(promise -> context.runOnContext(v -> attempt(work).onComplete(promise)));
  }

  private static <T> Future<T> attempt(Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
