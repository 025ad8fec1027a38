package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.security.HttpBasic;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesos's agent flags {@code --authenticate_http_readonly}, {@code --authenticate_http_readwrite}
 * and {@code --http_credentials} on a real agent over real HTTP: the read-only endpoints and the
 * operator API answer 401 with their realm's challenge without valid credentials, and serve them
 * with; {@code /health} stays open; with the flags off nothing asks for credentials.
 */
@ExtendWith(VertxExtension.class)
class AgentHttpAuthenticationTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String GOOD = HttpBasic.header("ops", "s3cret");

  @TempDir
  Path workDir;
  @TempDir
  Path etc;

  private Vertx vertx;
  private FakeMaster master;
  private AgentVerticle agent;
  private String deployment;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new FakeMaster(vertx);
    master.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (deployment != null) {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void readOnlyEndpointsAndTheOperatorApiNeedCredentials() throws Exception {
    startAgent("--authenticate_http_readonly", "--authenticate_http_readwrite", "--http_credentials=" + credentials());

    HttpResponse<String> bare = get("/state", null);
    assertThat(bare.statusCode()).isEqualTo(401);
    assertThat(bare.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"mesos-agent-readonly\"");
    assertThat(get("/state", HttpBasic.header("ops", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/state", GOOD).statusCode()).isEqualTo(200);
    for (String path : List.of("/flags", "/metrics/snapshot", "/files/browse?path=" + workDir, "/containers",
        "/monitor/statistics", "/nothing/../state", "/metrics", "/files/read?path=/slave/log&offset=0")) {
      assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> toggle = get("/logging/toggle?level=1&duration=1secs", null);
    assertThat(toggle.statusCode()).isEqualTo(401);
    assertThat(toggle.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"mesos-agent-readwrite\"");
    assertThat(get("/metrics", GOOD).body()).contains("mesos_slave_registered ");
    assertThat(get("/flags", GOOD).statusCode()).isEqualTo(200);
    assertThat(get("/health", null).statusCode()).as("open, as on Mesos").isEqualTo(200);

    HttpResponse<String> operator = post("/api/v1", "{\"type\":\"GET_HEALTH\"}", null);
    assertThat(operator.statusCode()).isEqualTo(401);
    assertThat(operator.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"mesos-agent-readwrite\"");
    assertThat(post("/api/v1", "{\"type\":\"GET_HEALTH\"}", GOOD).statusCode()).isEqualTo(200);
  }

  @Test
  void eachFlagGuardsOnlyItsRealmAndOffNothingAsks() throws Exception {
    startAgent("--authenticate_http_readonly", "--http_credentials=" + credentials());
    assertThat(get("/state", null).statusCode()).isEqualTo(401);
    assertThat(post("/api/v1", "{\"type\":\"GET_HEALTH\"}", null).statusCode()).isEqualTo(200);
    stop();
    deployment = null;

    startAgent();
    assertThat(get("/state", null).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1", "{\"type\":\"GET_HEALTH\"}", null).statusCode()).isEqualTo(200);
  }

  @Test
  void authenticationWithoutCredentialsStopsStartUpNamingTheFlag() {
    assertThat(catchThrowable(() -> AgentConfig.fromFlags(Flags.parse(new String[] {"--work_dir=" + workDir,
        "--resources=cpus:1;mem:128;disk:128;ports:[31000-31001]", "--authenticate_http_readwrite"}, Map.of()))))
        .isInstanceOf(FlagException.class).hasMessageContaining("--authenticate_http_readwrite")
        .hasMessageContaining("--http_credentials");
  }

  private Path credentials() throws Exception {
    Path file = etc.resolve("http-credentials.json");
    Files.writeString(file, "{\"credentials\": [{\"principal\": \"ops\", \"secret\": \"s3cret\"}]}");
    return file;
  }

  private void startAgent(String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--work_dir=" + workDir, "--port=0", "--isolation=posix/cpu,posix/mem",
        "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]", "--registration_backoff_factor=50ms",
        "--registration_backoff_max=200ms"));
    args.addAll(List.of(extraFlags));
    agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of())))
        .overLocalEventBus();
    deployment = vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (path.contains("..")) {
      return raw(path);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request line sent as written (java.net.http would normalise the dots away). */
  private HttpResponse<String> raw(String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", agent.httpPort())) {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      return new StatusOnly(status);
    }
  }

  private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Just a status, for {@link #raw}. */
  private record StatusOnly(int statusCode) implements HttpResponse<String> {
    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public String body() {
      return "";
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
