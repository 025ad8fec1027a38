package dev.vmesos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
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

  private HttpClientResponse send(HttpMethod method, String path, String body) throws Exception {
    return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
            .setURI(path))
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void anExceptionInAHandlerIsA500WithItsReasonAndTheServerGoesOn() throws Exception {
    HttpClientResponse response = send(HttpMethod.GET, "/boom", null);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body().await(10, TimeUnit.SECONDS).toString()).contains("the table is gone");
    assertThat(send(HttpMethod.GET, "/ok", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aStatusSetByAHandlerIsSentAsIs() throws Exception {
    HttpClientResponse response = send(HttpMethod.POST, "/small", "x".repeat(64));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(send(HttpMethod.POST, "/small", "tiny").statusCode()).isEqualTo(200);
  }
}
