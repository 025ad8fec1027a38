package dev.vmesos.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.api.AgentView;
import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.security.Acls;
import dev.vmesos.api.security.HttpBasic;
import dev.vmesos.api.v1.Protos.AgentInfo;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.agent.Protos.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesos's {@code access_sandboxes} ACL on the agent's {@code /files}, over real HTTP with the
 * agent's Basic authentication in front: a principal reads an executor's sandbox only when the ACLs
 * let it access sandboxes of that executor's user (its command's user, else its framework's); a
 * link in one sandbox cannot lead into another executor's. The agent's knowledge of its executors is
 * a fixed view here.
 */
class SandboxAccessTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ACLS = """
      {"permissive": false,
       "access_sandboxes": [
         {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
         {"principals": {"values": ["alice"]}, "users": {"values": ["alice"]}}
       ]}""";

  @TempDir
  Path workDir;
  @TempDir
  Path etc;

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;
  private Path aliceStdout;
  private Path bobStdout;

  @BeforeEach
  void setUp() throws Exception {
    aliceStdout = sandboxFile("f1", "alice-executor", "alice's output");
    bobStdout = sandboxFile("f1", "bob-task", "bob's output");
    // A link in alice's sandbox into bob's: following it must not bypass bob's check.
    Files.createSymbolicLink(aliceStdout.resolveSibling("peek"), bobStdout);
    AgentView view = new FixedView(
        List.of(FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue("f1")).setUser("bob").setName("f")
            .build()),
        List.of(executor("alice-executor", "alice"), executor("bob-task", null)));
    FilesEndpoint files = new FilesEndpoint(workDir, SandboxAccessAcl.of(Acls.parse("acls", ACLS), view));
    Path credentials = Files.writeString(etc.resolve("credentials"), "ops s1\nalice s2\nbob s3\n");
    Router router = Router.router(vertx);
    files.mount(vertx, router);
    AgentHttpAuthentication.install(router, true, false,
        Optional.of(Credentials.readList("http_credentials", credentials.toString())));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void eachPrincipalReadsTheSandboxesOfTheUsersItMay() throws Exception {
    assertThat(read("ops", "s1", aliceStdout).statusCode()).as("ops: any user").isEqualTo(200);
    assertThat(read("ops", "s1", bobStdout).statusCode()).isEqualTo(200);

    HttpResponse<String> own = read("alice", "s2", aliceStdout);
    assertThat(own.statusCode()).as("alice: her executor's command user").isEqualTo(200);
    assertThat(own.body()).contains("alice's output");

    HttpResponse<String> other = read("alice", "s2", bobStdout);
    assertThat(other.statusCode()).as("bob-task runs as its framework's user, bob").isEqualTo(403);
    assertThat(other.body()).contains("not authorized to access the sandbox of executor 'bob-task'")
        .doesNotContain("bob's output");
    assertThat(read("bob", "s3", bobStdout).statusCode()).as("no rule for bob, not permissive").isEqualTo(403);
    assertThat(read("bob", "wrong", bobStdout).statusCode()).as("authentication comes first").isEqualTo(401);
  }

  @Test
  void aLinkCannotLeadIntoAnotherExecutorsSandbox() throws Exception {
    HttpResponse<String> peek = read("alice", "s2", aliceStdout.resolveSibling("peek"));
    assertThat(peek.statusCode()).isEqualTo(403);
    assertThat(peek.body()).doesNotContain("bob's output");
  }

  private HttpResponse<String> read(String principal, String secret, Path file) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/files/read?offset=0&path="
        + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8));
    return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", HttpBasic.header(principal, secret)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path sandboxFile(String framework, String executor, String content) throws Exception {
    Path run = workDir.resolve("slaves/s1/frameworks/" + framework + "/executors/" + executor + "/runs/r1");
    Files.createDirectories(run);
    return Files.writeString(run.resolve("stdout"), content);
  }

  private static ExecutorInfo executor(String id, String user) {
    CommandInfo.Builder command = CommandInfo.newBuilder().setValue("true");
    if (user != null) {
      command.setUser(user);
    }
    return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).setCommand(command).build();
  }

  /** What the agent knows of its frameworks and executors, fixed. */
  private record FixedView(List<FrameworkInfo> frameworks, List<ExecutorInfo> executors) implements AgentView {
    @Override
    public AgentInfo agentInfo() {
      return AgentInfo.newBuilder().setHostname("localhost").build();
    }

    @Override
    public Response.GetTasks tasks() {
      return Response.GetTasks.getDefaultInstance();
    }

    @Override
    public List<ContainerView> containers() {
      return List.of();
    }

    @Override
    public Map<String, Double> metrics() {
      return Map.of();
    }
  }
}
