package dev.vmesos.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.TlsConfig;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.client.ClientSecurity;
import dev.vmesos.client.ClientTls;
import dev.vmesos.client.MasterAddress;
import dev.vmesos.client.Scheduler;
import dev.vmesos.client.SchedulerSession;
import dev.vmesos.client.SessionOptions;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler library against a real master serving HTTPS ({@code LIBPROCESS_SSL_*}): given the
 * master as {@code https://} and the CA, it finds the leader through {@code /redirect} (whose
 * protocol-relative Location keeps https) and subscribes; not trusting the CA, it never does.
 */
class SchedulerOverHttpsTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private MasterVerticle master;

  @BeforeEach
  void setUp() throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "master.key", "-out",
        "master.csr");
    Files.writeString(dir.resolve("master.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", "master.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
        "-extfile", "master.ext", "-out", "master.pem");
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    master = new MasterVerticle(MasterConfig.defaults().withPort(0)).withTls(TlsConfig.fromEnv(Map.of(
        "LIBPROCESS_SSL_ENABLED", "true",
        "LIBPROCESS_SSL_CERT_FILE", dir.resolve("master.pem").toString(),
        "LIBPROCESS_SSL_KEY_FILE", dir.resolve("master.key").toString())));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void aSessionGivenTheCaSubscribesOverHttps() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    SchedulerSession session = new SchedulerSession(vertx,
        MasterAddress.parse("https://127.0.0.1:" + master.actualPort()), framework(), recorder(events),
        SessionOptions.defaults().withSecurity(ClientSecurity.none().withTls(ClientTls.trusting(dir.resolve("ca.pem")))));

    session.start();

    assertThat(events.poll(20, TimeUnit.SECONDS)).startsWith("subscribed ");
    assertThat(master.master().frameworks()).hasSize(1);
    session.stop(true);
  }

  @Test
  void aSessionThatDoesNotTrustTheMastersCertificateNeverSubscribes() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    SchedulerSession session = new SchedulerSession(vertx,
        MasterAddress.parse("https://127.0.0.1:" + master.actualPort()), framework(), recorder(events),
        SessionOptions.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
            .withGiveUpAfter(Duration.ofSeconds(1)));

    Throwable failure = session.start().toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).get(20, TimeUnit.SECONDS);

    assertThat(failure).as("the session gave up").isNotNull();
    assertThat(events).noneMatch(e -> e.startsWith("subscribed"));
    assertThat(master.master().frameworks()).isEmpty();
  }

  private static FrameworkInfo framework() {
    return FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("over-https").build();
  }

  private static Scheduler recorder(BlockingQueue<String> events) {
    return new Scheduler() {
      @Override
      public void subscribed(SchedulerSession session, FrameworkID frameworkId, boolean resubscribed) {
        events.add("subscribed " + frameworkId.getValue());
      }

      @Override
      public void offers(SchedulerSession session, List<Offer> offers) {
      }

      @Override
      public void update(SchedulerSession session, TaskStatus status) {
      }
    };
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", command, output).isTrue();
  }
}
