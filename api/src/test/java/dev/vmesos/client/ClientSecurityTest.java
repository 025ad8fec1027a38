package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler library with credentials and TLS, against a stand-in master on real HTTPS: every
 * request ({@code /redirect}, SUBSCRIBE, calls) carries {@code Authorization: Basic}, the leader's
 * protocol-relative Location keeps https; and the flags the examples and {@code bench} read.
 */
class ClientSecurityTest {

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyRequestCarriesBasicCredentialsOverHttps() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    HttpServer master = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(
        new PemKeyCertOptions().setCertPath(certificates.cert().toString()).setKeyPath(certificates.key().toString())));
    master.requestHandler(request -> {
      requests.add(request.method() + " " + request.path() + " " + request.isSSL() + " "
          + request.getHeader("Authorization"));
      if (request.path().equals("/redirect")) {
        request.response().setStatusCode(307).putHeader("Location", "//127.0.0.1:" + master.actualPort()).end();
        return;
      }
      request.body().onSuccess(body -> {
        dev.vmesos.api.v1.scheduler.Protos.Call call = WireCodec.decode(body.getBytes(), MediaType.JSON,
            dev.vmesos.api.v1.scheduler.Protos.Call.getDefaultInstance());
        if (call.getType() != dev.vmesos.api.v1.scheduler.Protos.Call.Type.SUBSCRIBE) {
          request.response().setStatusCode(202).end();
          return;
        }
        request.response().setChunked(true).putHeader("Content-Type", "application/json")
            .putHeader("Mesos-Stream-Id", "s1")
            .write(Buffer.buffer(RecordIO.encode(WireCodec.encode(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f1"))
                    .setHeartbeatIntervalSeconds(15)).build(), MediaType.JSON))));
      });
    });
    master.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Flags flags = Flags.parse(new String[] {"--principal=alice", "--secret=s3cret:with colon",
        "--ca_file=" + certificates.ca()}, Map.of());
    ClientSecurity security = ClientSecurity.fromFlags(flags, Map.of());
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    SchedulerSession session = new SchedulerSession(vertx, MasterAddress.parse("127.0.0.1:" + master.actualPort()),
        FrameworkInfo.newBuilder().setUser("u").setName("basic").build(), new Scheduler() {
          @Override
          public void subscribed(SchedulerSession s, FrameworkID frameworkId, boolean resubscribed) {
            events.add("subscribed " + frameworkId.getValue());
          }

          @Override
          public void offers(SchedulerSession s, List<Offer> offers) {
          }

          @Override
          public void update(SchedulerSession s, TaskStatus status) {
          }
        }, SessionOptions.defaults().withSecurity(security));

    session.start();
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribed f1");
    session.call(Calls.revive()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret:with colon".getBytes(StandardCharsets.UTF_8));
    assertThat(List.of(requests.take(), requests.take(), requests.take())).containsExactly(
        "GET /redirect true " + basic,
        "POST /api/v1/scheduler true " + basic,
        "POST /api/v1/scheduler true " + basic);
    session.stop(false);
  }

  @Test
  void credentialsComeFromPrincipalAndSecretOrAMesosCredentialFile() throws Exception {
    Path json = Files.writeString(dir.resolve("cred.json"), "{\"principal\": \"p1\", \"secret\": \"s1\"}");
    Path text = Files.writeString(dir.resolve("cred.txt"), "p2 s2\n");

    assertThat(ClientSecurity.fromFlags(Flags.parse(new String[] {"--credential=" + json}, Map.of()), Map.of())
        .credential().orElseThrow().principal()).isEqualTo("p1");
    assertThat(ClientSecurity.fromFlags(Flags.parse(new String[] {"--credential=" + text}, Map.of()), Map.of())
        .credential().orElseThrow().secretMatches("s2")).isTrue();
    assertThat(ClientSecurity.fromFlags(Flags.parse(new String[0], Map.of()), Map.of())).isEqualTo(ClientSecurity.none());
    assertThat(catchThrowable(() -> ClientSecurity.fromFlags(Flags.parse(new String[] {"--principal=p"}, Map.of()),
        Map.of()))).isInstanceOf(FlagException.class).hasMessage("Flag '--principal': needs --secret");
    assertThat(catchThrowable(() -> ClientSecurity.fromFlags(Flags.parse(new String[] {"--ca_file=" + dir.resolve("no")},
        Map.of()), Map.of()))).isInstanceOf(FlagException.class).hasMessageContaining("--ca_file");
    assertThat(ClientSecurity.fromFlags(Flags.parse(new String[0], Map.of()), Map.of("LIBPROCESS_SSL_ENABLED", "true",
        "LIBPROCESS_SSL_CA_FILE", json.toString())).tls().orElseThrow().caFile()).contains(json);
  }

  @Test
  void httpsMasterAddressesAndRedirectsKeepTheirScheme() {
    assertThat(MasterAddress.parse("https://m1").tls()).isTrue();
    assertThat(MasterAddress.parse("https://m1")).isEqualTo(new MasterAddress("m1", 5050, true));
    assertThat(MasterAddress.parse("m1:5051").tls()).isFalse();
    assertThat(MasterAddress.fromLocation("//m2:5050", true)).isEqualTo(new MasterAddress("m2", 5050, true));
    assertThat(MasterAddress.fromLocation("//m2:5050")).isEqualTo(new MasterAddress("m2", 5050));
    assertThat(ClientSecurity.none().usesTls(MasterAddress.parse("https://m1"))).isTrue();
    assertThat(ClientSecurity.none().usesTls(MasterAddress.parse("m1"))).isFalse();
  }
}
