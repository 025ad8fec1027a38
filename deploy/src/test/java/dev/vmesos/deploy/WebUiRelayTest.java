package dev.vmesos.deploy;

import static dev.vmesos.deploy.SchedulerEvents.acknowledged;
import static dev.vmesos.deploy.SchedulerEvents.next;
import static dev.vmesos.deploy.SchedulerEvents.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.TlsConfig;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.security.Acls;
import dev.vmesos.api.security.HttpBasic;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.security.MasterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's routes over plain HTTP, with {@code --authenticate_http_readonly}: the app and its
 * assets are served from the master's jar in the read-only realm, and the sandbox relay
 * ({@code /agents/<id>/files/...}, {@code /agents/<id>/state}) answers as the agent itself does,
 * 404 for an agent the master does not know.
 */
class WebUiRelayTest {

  private static final String RESOURCES = "cpus:2;mem:1024;disk:512;ports:[31000-31009]";

  @TempDir
  Path workDir;

  @Test
  void theAppIsServedInTheReadOnlyRealmAndTheRelayAnswersAsTheAgent() throws Exception {
    Path credentialsFile = workDir.resolve("credentials.json");
    Files.writeString(credentialsFile, "{\"credentials\": [{\"principal\": \"ops\", \"secret\": \"s3cret\"}]}");
    MasterSecurity security = new MasterSecurity(false, false, true,
        Optional.of(Credentials.readList("credentials", credentialsFile.toString())), Acls.none());
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-ui-relay-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, RESOURCES, workDir, List.of("--isolation=posix/cpu,posix/mem"),
        TlsConfig.disabled(), security).await(90, TimeUnit.SECONDS);
    Vertx schedulerNode = Vertx.vertx();
    HttpClient http = HttpClient.newHttpClient();
    String master = "http://127.0.0.1:" + local.masterPort();
    String auth = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> anonymous = get(http, master + "/", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains(
          "Basic realm=\"" + HttpBasic.READONLY_REALM + "\"");
      HttpResponse<String> index = get(http, master + "/", auth);
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(index.body()).contains("static/app.js").contains("static/lib/uplot/uPlot.iife.min.js");
      assertThat(get(http, master + "/static/app.js", auth).body()).contains("RecordIO");
      HttpResponse<String> uplot = get(http, master + "/static/lib/uplot/uPlot.iife.min.js", auth);
      assertThat(uplot.statusCode()).isEqualTo(200);
      assertThat(uplot.body()).contains("uPlot");
      assertThat(get(http, master + "/static/lib/uplot/uPlot.min.css", auth).statusCode()).isEqualTo(200);
      assertThat(get(http, master + "/static/missing.js", auth).statusCode()).isEqualTo(404);
      assertThat(get(http, master + "/static/app.js", null).statusCode()).isEqualTo(401);

      // A task writes a file in its sandbox.
      String marker = "relayed-" + UUID.randomUUID();
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(), MediaType.JSON);
      client.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("relay-probe").build(), events::add,
          error -> { }).await(10, TimeUnit.SECONDS);
      Offer offer = next(events, Event.Type.OFFERS, 30).getOffers().getOffers(0);
      String agentId = offer.getAgentId().getValue();
      TaskInfo task = TaskInfo.newBuilder().setName("writer").setTaskId(TaskID.newBuilder().setValue("writer"))
          .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .setCommand(CommandInfo.newBuilder().setValue("echo " + marker + " > out.txt && sleep 120")).build();
      client.call(Calls.launch(List.of(offer.getId()), List.of(task), 3600)).await(10, TimeUnit.SECONDS);
      TaskState state;
      do {
        state = acknowledged(next(events, Event.Type.UPDATE, 30), client).getState();
      } while (state != TaskState.TASK_RUNNING);

      // The agent's /state through the relay names the task's sandbox.
      HttpResponse<String> agentState = get(http, master + "/agents/" + agentId + "/state", auth);
      assertThat(agentState.statusCode()).isEqualTo(200);
      JsonArray tasks = new JsonObject(agentState.body()).getJsonArray("frameworks").getJsonObject(0)
          .getJsonArray("tasks");
      String sandbox = tasks.getJsonObject(0).getString("sandbox");
      assertThat(sandbox).startsWith(workDir.toString());
      String file = sandbox + "/out.txt";
      Poll.until("the task wrote its marker file", () -> Files.exists(Path.of(file)) && Files.readString(Path.of(file)).contains(marker));

      String relay = master + "/agents/" + agentId + "/files/";
      HttpResponse<String> browse = get(http, relay + "browse?path=" + enc(sandbox), auth);
      assertThat(browse.statusCode()).isEqualTo(200);
      assertThat(new JsonArray(browse.body()).stream().map(e -> ((JsonObject) e).getString("path")))
          .contains(file);
      HttpResponse<String> read = get(http, relay + "read?path=" + enc(file) + "&offset=0&length=100", auth);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(read.body()).getString("data")).isEqualTo(marker + "\n");
      String agent = "http://127.0.0.1:" + local.agentPorts().get(0);
      assertThat(read.body()).as("the agent's own answer")
          .isEqualTo(get(http, agent + "/files/read?path=" + enc(file) + "&offset=0&length=100", null).body());
      HttpResponse<String> download = get(http, relay + "download?path=" + enc(file), auth);
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(marker + "\n");
      assertThat(download.headers().firstValue("Content-Disposition").orElse("")).contains("out.txt");

      // Errors: the agent's own for a path it does not serve; the master's for agents it does not know.
      HttpResponse<String> outside = get(http, relay + "read?path=" + enc("/etc/passwd") + "&offset=0", auth);
      assertThat(outside.statusCode()).isEqualTo(404);
      assertThat(outside.body()).doesNotContain("root:");
      assertThat(get(http, relay + "browse", auth).statusCode()).as("no path").isEqualTo(400);
      HttpResponse<String> unknown = get(http, master + "/agents/no-such-agent/files/browse?path=/", auth);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no-such-agent").contains("not registered");
      assertThat(get(http, relay + "delete?path=" + enc(file), auth).statusCode()).isEqualTo(404);
      assertThat(Files.exists(Path.of(file))).isTrue();
      assertThat(get(http, relay + "read?path=" + enc(file), null).statusCode()).as("unauthenticated").isEqualTo(401);
    } finally {
      schedulerNode.close().await(10, TimeUnit.SECONDS);
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * With the master's TLS on (the agents serving HTTPS with the same libprocess settings), the relay
   * asks the agent over HTTPS, checking its certificate against the CA, as Mesos's libprocess would.
   */
  @Test
  void overTlsTheRelayAsksTheAgentOverHttps() throws Exception {
    Path certs = Files.createDirectories(workDir.resolve("certs"));
    openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-ui-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    openssl(certs, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr");
    Files.writeString(certs.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl(certs, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "1", "-extfile", "server.ext", "-out", "server.pem");
    TlsConfig tls = new TlsConfig(true, certs.resolve("server.pem").toString(), certs.resolve("server.key").toString(),
        Optional.of(certs.resolve("ca.pem").toString()), false, true);
    LocalCluster local = LocalCluster.start(ClusterConfig.loopback("vmesos-ui-tls-" + UUID.randomUUID()),
        MasterConfig.defaults().withPort(0), 1, 0, RESOURCES, workDir, List.of("--isolation=posix/cpu,posix/mem"),
        tls, MasterSecurity.none()).await(90, TimeUnit.SECONDS);
    try {
      Poll.until("the agent registered",
          () -> local.master().master() != null && local.master().master().agents().size() == 1);
      String agentId = local.master().master().agents().keySet().iterator().next();
      HttpClient https = HttpClient.newBuilder()
          .sslContext(dev.vmesos.client.ClientTls.trusting(certs.resolve("ca.pem")).sslContext()).build();
      HttpResponse<String> state = get(https, "https://127.0.0.1:" + local.masterPort() + "/agents/" + agentId
          + "/state", null);
      assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
      assertThat(new JsonObject(state.body()).getString("id")).isEqualTo(agentId);
      assertThat(get(https, "https://127.0.0.1:" + local.masterPort() + "/", null).body()).contains("static/app.js");
    } finally {
      local.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as("%s: %s", command, output)
        .isTrue();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
