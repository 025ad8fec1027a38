package dev.vmesos.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.deploy.LocalCluster;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.security.MasterSecurity;
import io.vertx.core.json.JsonArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a master that requires HTTP authentication ({@code --authenticate_http_readwrite},
 * {@code --authenticate_http_readonly}): without credentials it fails with exit code 1 and says which
 * flags to give; with {@code --principal}/{@code --secret}, or {@code VMESOS_PRINCIPAL}/
 * {@code VMESOS_SECRET}, it lists; a wrong secret is refused. The master's kill endpoint is in the
 * read-write realm: 401 without credentials.
 */
class CliAuthenticationTest {

  @TempDir
  Path workDir;

  @Test
  void credentialsAreSentWhenGivenAndAskedForWhenMissing() throws Exception {
    Path file = workDir.resolve("credentials");
    Files.writeString(file, "ops secret\n");
    Optional<Credentials> credentials = Optional.of(Credentials.readList("credentials", file.toString()));
    MasterSecurity security = MasterSecurity.fromFlags(Flags.parse(new String[] {
        "--authenticate_http_readwrite", "--authenticate_http_readonly"}, Map.of()), credentials);
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-cli-auth-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, "cpus:1;mem:256;disk:64", workDir.resolve("cluster"), List.of(),
        dev.vmesos.api.config.TlsConfig.disabled(), security).await(90, TimeUnit.SECONDS);
    try {
      String master = "--master=127.0.0.1:" + local.masterPort();
      Run anonymous = run(Map.of(), "agent", "list", master);
      assertThat(anonymous.code).isEqualTo(1);
      assertThat(anonymous.err).contains("requires authentication").contains("--principal and --secret");

      // The agent registers shortly after the cluster is up.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Run flags = run(Map.of(), "agent", "list", master, "--principal=ops", "--secret=secret", "--json");
      while (flags.code == 0 && new JsonArray(flags.out).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        flags = run(Map.of(), "agent", "list", master, "--principal=ops", "--secret=secret", "--json");
      }
      assertThat(flags.code).as(flags.err).isZero();
      assertThat(new JsonArray(flags.out)).hasSize(1);

      Run env = run(Map.of("VMESOS_PRINCIPAL", "ops", "VMESOS_SECRET", "secret"), "framework", "list", master);
      assertThat(env.code).as(env.err).isZero();
      assertThat(env.out).isEqualTo("No frameworks.\n");

      Run wrong = run(Map.of(), "task", "list", master, "--principal=ops", "--secret=guess");
      assertThat(wrong.code).isEqualTo(1);
      assertThat(wrong.err).contains("requires authentication");

      HttpResponse<String> kill = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + local.masterPort() + "/master/kill_task"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("taskId=t")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(kill.statusCode()).isEqualTo(401);
    } finally {
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private record Run(int code, String out, String err) {
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
