package dev.vmesos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vmesos local --http_max_body_size=...} bounds the bodies its master and its agents read. */
class LocalHttpLimitsTest {

  @TempDir
  Path workDir;

  @Test
  void theLocalClustersMasterAndAgentsTakeTheHttpFlags() throws Exception {
    Main.LocalOptions options = Main.LocalOptions.fromFlags(Flags.parse(new String[] {
        "--http_max_body_size=1KB", "--containerizers=mesos"}, Map.of()));
    assertThat(options.httpLimits().maxBodyBytes()).isEqualTo(1024);

    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-local-limits-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, "cpus:1;mem:256", workDir, List.of("--containerizers=mesos"),
        dev.vmesos.api.config.TlsConfig.disabled(), dev.vmesos.master.security.MasterSecurity.none(),
        options.httpLimits()).await(90, TimeUnit.SECONDS);
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String health = "{\"type\":\"GET_HEALTH\"}";
      String oversized = "{\"type\":\"GET_HEALTH\",\"padding\":\"" + "x".repeat(2048) + "\"}";
      for (int port : List.of(local.masterPort(), local.agentPorts().get(0))) {
        assertThat(post(http, port, health).statusCode()).as("a small call on port %d", port).isEqualTo(200);
        HttpResponse<String> refused = post(http, port, oversized);
        assertThat(refused.statusCode()).as("a 2 KB call on port %d, over --http_max_body_size=1KB", port)
            .isEqualTo(413);
      }
    } finally {
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> post(HttpClient http, int port, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
