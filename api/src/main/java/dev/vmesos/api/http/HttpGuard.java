package dev.vmesos.api.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link HttpLimits} to an HTTP server: it watches every connection and closes the ones that
 * hold the server without using it.
 * <ul>
 *   <li>A new connection that has not sent a request's complete headers within the header timeout is
 *       closed (slowloris: a client trickling a header a byte at a time).</li>
 *   <li>A connection with no request in progress is closed after the idle timeout. A request still
 *       being answered keeps its connection open however long it lasts, so event streams (scheduler,
 *       operator and executor SUBSCRIBE) and WebSocket upgrades (the agent bus) are never cut by it.</li>
 *   <li>A request whose body stops arriving for the idle timeout, before any answer was started, is
 *       closed (a slow body holds a connection as a slow header does).</li>
 *   <li>A request whose Content-Length is over the body limit is answered 413 before any of its body
 *       is read; a body without Content-Length is refused by the route's body handler (given the same
 *       limit) as soon as it crosses it. Either way the rest of the body is discarded, not buffered,
 *       and the connection is closed once the 413 has gone out.</li>
 * </ul>
 * Connections are checked by one periodic sweep (a quarter of the shorter timeout, at most a second)
 * rather than a timer per request, so that a busy keep-alive connection costs a map lookup per request.
 * One guard may serve several server instances (one per event loop): its state is thread-safe.
 */
public final class HttpGuard {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);

  private final HttpLimits limits;
  private final String server;
  private final Vertx vertx;
  private final long sweepTimer;
  private final long headerTimeoutNanos;
  private final long idleTimeoutNanos;
  private final Map<HttpConnection, Watched> connections = new ConcurrentHashMap<>();
  private final AtomicLong headerTimeouts = new AtomicLong();
  private final AtomicLong idleTimeouts = new AtomicLong();
  private final AtomicLong stalledBodies = new AtomicLong();
  private final AtomicLong tooLarge = new AtomicLong();

  private HttpGuard(Vertx vertx, HttpLimits limits, String server) {
    this.vertx = vertx;
    this.limits = limits;
    this.server = server;
    this.headerTimeoutNanos = limits.headerTimeout().toNanos();
    this.idleTimeoutNanos = limits.idleTimeout().toNanos();
    long shorter = Math.min(limits.headerTimeout().toMillis(), limits.idleTimeout().toMillis());
    this.sweepTimer = vertx.setPeriodic(Math.max(10, Math.min(1000, shorter / 4)), id -> sweep());
  }

  /**
   * A guard whose sweep runs on the calling context (a verticle's: it stops with it, or on
   * {@link #close()}). {@code server} names the server in log lines ("master", "agent").
   */
  public static HttpGuard create(Vertx vertx, HttpLimits limits, String server) {
    return new HttpGuard(vertx, limits, server);
  }

  public HttpLimits limits() {
    return limits;
  }

  /**
   * The server options the guard needs: HTTP/2 over cleartext (h2c) off. To tell h2c from HTTP/1.1, Vert.x
   * holds a new connection's bytes until its first request's headers are complete, and only then reports
   * the connection, so a slowloris client would never be seen. Mesos's HTTP APIs are HTTP/1.1 (as are
   * its clients and this project's), and with TLS no protocol but HTTP/1.1 is offered (no ALPN).
   */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options.setHttp2ClearTextEnabled(false);
  }

  /** A server with {@code options} ({@link #apply applied}) and the guard in front of {@code handler}. */
  public HttpServer createServer(HttpServerOptions options, Handler<HttpServerRequest> handler) {
    return attach(vertx.createHttpServer(apply(options)), handler);
  }

  /**
   * Installs the guard on {@code httpServer} in front of {@code handler} (a router); returns the server.
   * Its options must have been {@link #apply applied}.
   */
  public HttpServer attach(HttpServer httpServer, Handler<HttpServerRequest> handler) {
    return httpServer.connectionHandler(this::connected).requestHandler(request -> handle(request, handler));
  }

  /** Stops the sweep; connections already open are left as they are. */
  public void close() {
    vertx.cancelTimer(sweepTimer);
  }

  /** Connections watched now (open HTTP connections, at most one sweep late; WebSockets are not). */
  public int watched() {
    return connections.size();
  }

  /** Connections closed so far, by reason. */
  public Map<String, Long> closed() {
    return Map.of("header_timeout", headerTimeouts.get(), "idle_timeout", idleTimeouts.get(),
        "body_stalled", stalledBodies.get(), "body_too_large", tooLarge.get());
  }

  private void connected(HttpConnection connection) {
    Watched watched = new Watched(connection, System.nanoTime());
    connections.put(connection, watched);
    connection.closeHandler(v -> connections.remove(connection));
  }

  private void handle(HttpServerRequest request, Handler<HttpServerRequest> handler) {
    Watched watched = connections.get(request.connection());
    if (watched == null) {
      // The connection handler runs first on HTTP/1.x and HTTP/2 alike; this is a connection opened
      // before the guard was attached, or already swept: watch it from now on.
      watched = new Watched(request.connection(), System.nanoTime());
      Watched raced = connections.putIfAbsent(request.connection(), watched);
      watched = raced == null ? watched : raced;
    }
    watched.started(request, System.nanoTime());
    long declared = contentLength(request);
    if (declared > limits.maxBodyBytes()) {
      refuseTooLarge(request, declared);
      return;
    }
    handler.handle(request);
  }

  /** The declared Content-Length, or -1 (none, or one the HTTP decoder will refuse itself). */
  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void refuseTooLarge(HttpServerRequest request, long declared) {
    LOG.info("{}: {} {} from {} refused with 413: a body of {} bytes is over --http_max_body_size={} bytes", server,
        request.method(), request.path(), request.remoteAddress(), declared, limits.maxBodyBytes());
    // What arrives of the body until the connection closes is dropped, never buffered.
    request.handler(data -> { });
    request.exceptionHandler(e -> { });
    HttpServerResponse response = request.response().setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.TEXT_PLAIN_UTF8);
    if (request.version() != HttpVersion.HTTP_2) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    response.end("Request body of " + declared + " bytes is larger than the limit of " + limits.maxBodyBytes()
        + " bytes (--http_max_body_size)");
  }

  private void sweep() {
    long now = System.nanoTime();
    List<String> headerClosed = new ArrayList<>();
    int idleClosed = 0;
    for (Watched watched : connections.values()) {
      String reason = watched.check(now);
      if (reason == null) {
        continue;
      }
      connections.remove(watched.connection);
      if (reason.equals(Watched.UPGRADED)) {
        continue;
      }
      switch (reason) {
        case Watched.HEADER_TIMEOUT -> {
          headerTimeouts.incrementAndGet();
          headerClosed.add(String.valueOf(watched.connection.remoteAddress()));
        }
        case Watched.IDLE_TIMEOUT -> {
          idleTimeouts.incrementAndGet();
          idleClosed++;
        }
        case Watched.BODY_STALLED -> {
          stalledBodies.incrementAndGet();
          LOG.info("{}: closed the connection from {}: its request body stopped arriving for {}"
              + " (--http_idle_timeout)", server, watched.connection.remoteAddress(), show(limits.idleTimeout()));
        }
        case Watched.TOO_LARGE -> {
          tooLarge.incrementAndGet();
          LOG.debug("{}: closed the connection from {} after refusing its body with 413", server,
              watched.connection.remoteAddress());
        }
        default -> throw new IllegalStateException(reason);
      }
      watched.connection.close();
    }
    if (!headerClosed.isEmpty()) {
      LOG.info("{}: closed {} connection(s) that sent no complete request headers within {} (--http_header_timeout),"
              + " from {}", server, headerClosed.size(), show(limits.headerTimeout()),
          headerClosed.size() <= 5 ? headerClosed : headerClosed.subList(0, 5) + " and others");
    }
    if (idleClosed > 0) {
      LOG.debug("{}: closed {} keep-alive connection(s) idle for {} (--http_idle_timeout)", server, idleClosed,
          show(limits.idleTimeout()));
    }
  }

  private static String show(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "secs" : duration.toMillis() + "ms";
  }

  /** One connection: when it opened, whether it has sent a request yet, and its requests in progress. */
  private final class Watched {
    static final String HEADER_TIMEOUT = "header";
    static final String IDLE_TIMEOUT = "idle";
    static final String BODY_STALLED = "stalled";
    static final String TOO_LARGE = "413";
    /** Switched to the WebSocket protocol: no longer an HTTP connection to watch. */
    static final String UPGRADED = "101";

    final HttpConnection connection;
    final long openedNanos;
    boolean sawRequest;
    /** When the sweep first found no request in progress; -1 while one is. */
    long idleSinceNanos;
    final List<Active> active = new ArrayList<>(1);

    Watched(HttpConnection connection, long openedNanos) {
      this.connection = connection;
      this.openedNanos = openedNanos;
      this.idleSinceNanos = openedNanos;
    }

    synchronized void started(HttpServerRequest request, long now) {
      sawRequest = true;
      idleSinceNanos = -1;
      // Requests answered since the last sweep are let go at once: on a busy keep-alive connection the
      // guard holds no more than the request in progress (and what its handlers hold, such as its body).
      active.removeIf(previous -> previous.request.response().closed() || (previous.request.response().ended()
          && previous.request.response().getStatusCode() != 413));
      active.add(new Active(request, request.canUpgradeToWebSocket(), now));
    }

    /** Why this connection is to be closed now, or null. */
    synchronized String check(long now) {
      for (Iterator<Active> it = active.iterator(); it.hasNext(); ) {
        Active current = it.next();
        HttpServerRequest request = current.request;
        HttpServerResponse response = request.response();
        if (response.closed()) {
          it.remove();
        } else if (response.ended()) {
          if (response.getStatusCode() == 101) {
            return UPGRADED;
          }
          if (response.getStatusCode() == 413 && !request.isEnded()) {
            return TOO_LARGE;
          }
          it.remove();
        } else if (!current.upgrade && !response.headWritten() && !request.isEnded()) {
          long read = request.bytesRead();
          if (read != current.bytesRead) {
            current.bytesRead = read;
            current.progressNanos = now;
          } else if (now - current.progressNanos >= idleTimeoutNanos) {
            return BODY_STALLED;
          }
        }
      }
      if (!active.isEmpty()) {
        idleSinceNanos = -1;
        return null;
      }
      if (!sawRequest) {
        return now - openedNanos >= headerTimeoutNanos ? HEADER_TIMEOUT : null;
      }
      if (idleSinceNanos < 0) {
        idleSinceNanos = now;
      }
      return now - idleSinceNanos >= idleTimeoutNanos ? IDLE_TIMEOUT : null;
    }
  }

  /** A request in progress, and how much of its body had arrived when the sweep last looked. */
  private static final class Active {
    final HttpServerRequest request;
    /** A WebSocket upgrade: once upgraded, the connection is the socket's, however quiet. */
    final boolean upgrade;
    long bytesRead;
    long progressNanos;

    Active(HttpServerRequest request, boolean upgrade, long now) {
      this.request = request;
      this.upgrade = upgrade;
      this.progressNanos = now;
      this.bytesRead = -1;
    }
  }
}
