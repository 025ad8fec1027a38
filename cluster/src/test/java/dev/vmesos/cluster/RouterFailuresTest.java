package dev.vmesos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterFailuresTest {

  private Vertx vertx;
  private HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

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
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A response, status and body. */
  private record Reply(int status, String body) {
  }

  /** One request with the JDK's HTTP client: a plain blocking client, as an operator's tool would be. */
  private Reply send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  @Test
  void anExceptionInAHandlerIsA500WithItsReasonAndTheServerGoesOn() throws Exception {
    Reply reply = send("GET", "/boom", null);
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).contains("the table is gone");
    assertThat(send("GET", "/ok", null).status()).isEqualTo(200);
  }

  @Test
  void aStatusSetByAHandlerIsSentAsIs() throws Exception {
    assertThat(send("POST", "/small", "x".repeat(64)).status()).isEqualTo(413);
    assertThat(send("POST", "/small", "tiny").status()).isEqualTo(200);
  }
}
