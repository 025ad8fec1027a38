package dev.vmesos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterFailuresTest {

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route("/boom").handler(ctx -> {
      throw new IllegalStateException("the table is gone");
    });
    router.post("/small").handler(BodyHandler.create(false).setBodyLimit(16)).handler(ctx -> ctx.response().end("ok"));
    router.get("/ok").handler(ctx -> ctx.response().end("fine"));
    RouterFailures.install(router, "test server");
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A response read whole on the client's side: status and body together. */
  private record Reply(int status, String body) {
  }

  /**
   * Sends a request and reads the whole response in one future chain: a body read after the
   * response was handed to this (non-Vert.x) thread may already have been dropped.
   */
  private Reply send(HttpMethod method, String path, String body) throws Exception {
    return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
            .setURI(path))
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.toString())))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void anExceptionInAHandlerIsA500WithItsReasonAndTheServerGoesOn() throws Exception {
    Reply reply = send(HttpMethod.GET, "/boom", null);
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).contains("the table is gone");
    assertThat(send(HttpMethod.GET, "/ok", null).status()).isEqualTo(200);
  }

  @Test
  void aStatusSetByAHandlerIsSentAsIs() throws Exception {
    assertThat(send(HttpMethod.POST, "/small", "x".repeat(64)).status()).isEqualTo(413);
    assertThat(send(HttpMethod.POST, "/small", "tiny").status()).isEqualTo(200);
  }
}
