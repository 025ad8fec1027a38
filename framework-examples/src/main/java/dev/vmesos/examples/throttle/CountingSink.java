package dev.vmesos.examples.throttle;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The throttle framework's built-in target: an HTTP server on 127.0.0.1 that answers every request
 * 200 and counts them, so a run can be checked against the number of queries it claims.
 */
public final class CountingSink {

  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();

  private CountingSink(HttpServer server) {
    this.server = server;
  }

  public static Future<CountingSink> start(Vertx vertx) {
    HttpServer server = vertx.createHttpServer();
    CountingSink sink = new CountingSink(server);
    server.requestHandler(request -> {
      sink.requests.incrementAndGet();
      request.response().putHeader("Content-Type", "text/plain").end("ok\n");
    });
    return server.listen(0, "127.0.0.1").map(s -> sink);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/sink";
  }

  public long requests() {
    return requests.get();
  }

  public Future<Void> close() {
    return server.close();
  }
}
