package dev.vmesos.master.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vmesos.api.bus.Addresses;
import dev.vmesos.api.bus.BridgeClient;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.TlsConfig;
import dev.vmesos.api.internal.Internal.AgentRegistered;
import dev.vmesos.api.internal.Internal.RegisterAgent;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.MasterVerticle;
import dev.vmesos.master.testing.OnContext;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the agent bus, configured with Mesos's LIBPROCESS_SSL_* variables: a master that
 * requires client certificates admits an agent whose certificate its CA signed, and nobody else.
 * Certificates come from openssl: a CA, the master's (for 127.0.0.1) and the agent's, both signed by it,
 * and a stranger's, self-signed.
 */
class AgentBusMutualTlsTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private MasterVerticle master;

  @BeforeEach
  void setUp() throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    signed("master", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
    signed("agent", "/CN=agent-1", "extendedKeyUsage=clientAuth");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=stranger",
        "-keyout", "stranger.key", "-out", "stranger.pem");
    vertx = Vertx.vertx();
    ProtobufCodec.install(vertx.eventBus());
    master = new MasterVerticle(MasterConfig.defaults().withPort(0)).withTls(tls("master", true));
    vertx.deployVerticle(master).await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void anAgentWithACertificateTheCaSignedRegistersOverTls() throws Exception {
    BridgeClient agent = OnContext.call(vertx, () -> new BridgeClient(vertx, BridgeClient.Options.of(
        List.of("127.0.0.1:" + master.actualPort()), Optional.empty()).withTls(tls("agent", false))));
    CompletableFuture<String> connected = new CompletableFuture<>();
    vertx.runOnContext(v -> agent.connectedHandler(connected::complete).start());
    connected.get(10, TimeUnit.SECONDS);

    AgentRegistered registered = (AgentRegistered) OnContext.await(vertx, () -> agent.request(Addresses.MASTER_LEADER,
        RegisterAgent.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(5051)
            .addAllResources(Resources.parse("cpus:1;mem:128").toList())).setInstance("tls").build(),
        new DeliveryOptions().setSendTimeout(10_000))).body();

    assertThat(registered.getAgentId().getValue()).isNotEmpty();
    assertThat(master.master().agents()).containsKey(registered.getAgentId().getValue());
  }

  @Test
  void withoutACertificateOrWithAStrangersOrWithoutTlsTheUpgradeNeverHappens() throws Exception {
    PemTrustOptions trustMaster = new PemTrustOptions().addCertPath(dir.resolve("ca.pem").toString());
    List<WebSocketClientOptions> refused = List.of(
        new WebSocketClientOptions().setSsl(true).setTrustOptions(trustMaster),
        new WebSocketClientOptions().setSsl(true).setTrustOptions(trustMaster).setKeyCertOptions(
            new io.vertx.core.net.PemKeyCertOptions().setCertPath(dir.resolve("stranger.pem").toString())
                .setKeyPath(dir.resolve("stranger.key").toString())),
        new WebSocketClientOptions());
    for (WebSocketClientOptions options : refused) {
      Throwable failure = catchThrowable(() -> vertx.createWebSocketClient(options).connect(new WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(master.actualPort()).setURI(BridgeClient.PATH)).await(10, TimeUnit.SECONDS));
      assertThat(failure).as("a connection with ssl=%s, a key: %s", options.isSsl(), options.getKeyCertOptions() != null)
          .isNotNull();
    }
    assertThat(master.master().agents()).isEmpty();
  }

  @Test
  void aBadVariableStopsStartUpNamingIt() {
    assertThat(catchThrowable(() -> TlsConfig.fromEnv(Map.of("LIBPROCESS_SSL_ENABLED", "true"))))
        .isInstanceOf(FlagException.class).hasMessageContaining("LIBPROCESS_SSL_CERT_FILE");
    assertThat(catchThrowable(() -> TlsConfig.fromEnv(Map.of("LIBPROCESS_SSL_ENABLED", "maybe"))))
        .isInstanceOf(FlagException.class).hasMessageContaining("LIBPROCESS_SSL_ENABLED");
    assertThat(catchThrowable(() -> TlsConfig.fromEnv(Map.of("LIBPROCESS_SSL_ENABLED", "1",
        "LIBPROCESS_SSL_CERT_FILE", dir.resolve("master.pem").toString(),
        "LIBPROCESS_SSL_KEY_FILE", dir.resolve("master.key").toString(), "LIBPROCESS_SSL_REQUIRE_CERT", "1"))))
        .isInstanceOf(FlagException.class).hasMessageContaining("LIBPROCESS_SSL_CA_FILE");
    assertThat(TlsConfig.fromEnv(Map.of()).enabled()).isFalse();
  }

  private TlsConfig tls(String name, boolean requireClientCert) {
    return TlsConfig.fromEnv(Map.of(
        "LIBPROCESS_SSL_ENABLED", "true",
        "LIBPROCESS_SSL_CERT_FILE", dir.resolve(name + ".pem").toString(),
        "LIBPROCESS_SSL_KEY_FILE", dir.resolve(name + ".key").toString(),
        "LIBPROCESS_SSL_CA_FILE", dir.resolve("ca.pem").toString(),
        "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT", Boolean.toString(requireClientCert)));
  }

  private void signed(String name, String subject, String extension) throws Exception {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr");
    java.nio.file.Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
        "-extfile", name + ".ext", "-out", name + ".pem");
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", command, output).isTrue();
  }
}
