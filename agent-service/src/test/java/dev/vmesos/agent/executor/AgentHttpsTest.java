package dev.vmesos.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.agent.AgentVerticle;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.config.TlsConfig;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.client.ClientTls;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over HTTPS with Mesos's {@code LIBPROCESS_SSL_*} variables: its endpoints answer only
 * TLS, and a custom executor it starts (a real process reading its environment as the executor
 * library does) reaches it over https with the CA and certificate it was given, and with its token
 * when executor authentication is on too. Certificates are made by openssl for 127.0.0.1.
 */
@ExtendWith(VertxExtension.class)
class AgentHttpsTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser(System.getProperty("user.name")).setName("tls").setId(FrameworkID.newBuilder().setValue("fw-e"))
      .build();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;
  @TempDir
  Path certs;

  private Vertx vertx;
  private ExecutorFakeMaster master;
  private AgentVerticle agent;
  private String deployment;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    master = new ExecutorFakeMaster(vertx);
    await(master.start());
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "agent.key", "-out",
        "agent.csr");
    Files.writeString(certs.resolve("agent.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", "agent.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
        "-extfile", "agent.ext", "-out", "agent.pem");
  }

  @AfterEach
  void stop() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
  }

  @AfterAll
  static void deleteClasspath() throws Exception {
    CustomExecutorsTest.deleteExecutorClasspath();
  }

  @Test
  void everyEndpointIsHttpsAndAnExecutorReachesTheAgentOverHttpsWithItsToken() throws Exception {
    Path key = certs.resolve("jwt.key");
    Files.writeString(key, "executor key");
    startAgent(false, "--authenticate_http_executors", "--jwt_secret_key=" + key);
    HttpClient https = HttpClient.newBuilder().sslContext(ClientTls.trusting(certs.resolve("ca.pem")).sslContext())
        .build();

    HttpResponse<String> state = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + agent.httpPort()
        + "/state")).build(), HttpResponse.BodyHandlers.ofString());
    Throwable plain = catchThrowable(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.httpPort() + "/state")).build(), HttpResponse.BodyHandlers.ofString()));
    Throwable untrusted = catchThrowable(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + agent.httpPort() + "/state")).build(), HttpResponse.BodyHandlers.ofString()));

    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(state.body()).getString("id")).isEqualTo(ExecutorFakeMaster.AGENT_ID);
    assertThat(plain).as("plain HTTP is not served").isNotNull();
    assertThat(untrusted).as("a client that does not trust the CA").isNotNull();

    run("a");
    List<StatusUpdate> updates = List.of(master.nextUpdate(), master.nextUpdate());
    assertThat(updates).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(Files.readString(sandbox("exec-1").resolve("stdout")))
        .contains("MESOS_AGENT_ENDPOINT=127.0.0.1:" + agent.httpPort() + "\n", "MESOS_EXECUTOR_AUTHENTICATION_TOKEN=");
  }

  @Test
  void withClientCertificatesRequiredTheExecutorPresentsTheAgentsAndAStrangerIsRefused() throws Exception {
    startAgent(true);

    run("a");

    assertThat(List.of(master.nextUpdate(), master.nextUpdate())).extracting(u -> u.getStatus().getState())
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    HttpClient withoutCertificate = HttpClient.newBuilder()
        .sslContext(ClientTls.trusting(certs.resolve("ca.pem")).sslContext()).build();
    assertThat(catchThrowable(() -> withoutCertificate.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + agent.httpPort() + "/state")).build(), HttpResponse.BodyHandlers.ofString()))).isNotNull();
  }

  // ---------------------------------------------------------------------------------------------

  private void startAgent(boolean requireClientCert, String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--work_dir=" + workDir, "--port=0",
        "--isolation=posix/cpu,posix/mem", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms", "--registration_backoff_max=200ms"));
    args.addAll(List.of(extraFlags));
    TlsConfig tls = TlsConfig.fromEnv(Map.of("LIBPROCESS_SSL_ENABLED", "true",
        "LIBPROCESS_SSL_CERT_FILE", certs.resolve("agent.pem").toString(),
        "LIBPROCESS_SSL_KEY_FILE", certs.resolve("agent.key").toString(),
        "LIBPROCESS_SSL_CA_FILE", certs.resolve("ca.pem").toString(),
        "LIBPROCESS_SSL_REQUIRE_CERT", Boolean.toString(requireClientCert)));
    agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(args.toArray(String[]::new), Map.of())))
        .overLocalEventBus().withTls(tls);
    deployment = await(vertx.deployVerticle(agent));
    master.awaitRegistered();
  }

  private void run(String taskId) throws Exception {
    assertThat(await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK)
        .setTask(CustomExecutorsTest.task(taskId, "data", CustomExecutorsTest.executor("exec-1", "normal"))).build()))
        .body()).isInstanceOf(Ack.class);
  }

  private Path sandbox(String executorId) throws Exception {
    Path runs = workDir.resolve("slaves").resolve(ExecutorFakeMaster.AGENT_ID).resolve("frameworks")
        .resolve("fw-e").resolve("executors").resolve(executorId).resolve("runs");
    try (Stream<Path> all = Files.list(runs).filter(run -> !Files.isSymbolicLink(run))) {
      List<Path> found = all.toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", command, output).isTrue();
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
