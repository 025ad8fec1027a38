package dev.vmesos.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.Protos.Value;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import dev.vmesos.client.Calls;
import dev.vmesos.client.SchedulerClient;
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
 * read-write realm (401 without credentials) and needs {@code teardown_frameworks} on the framework's
 * principal: a principal without it gets 403 and the task runs on; one with it kills the task and the
 * framework receives TASK_KILLED.
 */
class CliAuthenticationTest {

  @TempDir
  Path workDir;

  @Test
  void credentialsAreSentWhenGivenAndAskedForWhenMissing() throws Exception {
    Path file = workDir.resolve("credentials");
    Files.writeString(file, "ops secret\nviewer vsecret\n");
    Optional<Credentials> credentials = Optional.of(Credentials.readList("credentials", file.toString()));
    MasterSecurity security = MasterSecurity.fromFlags(Flags.parse(new String[] {
        "--authenticate_http_readwrite", "--authenticate_http_readonly", "--acls={\"teardown_frameworks\": [{"
            + "\"principals\": {\"values\": [\"viewer\"]}, \"framework_principals\": {\"type\": \"NONE\"}}]}"},
        Map.of()), credentials);
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

      // Killing needs teardown_frameworks on the framework's principal: viewer may not, ops may.
      io.vertx.core.Vertx schedulerNode = io.vertx.core.Vertx.vertx();
      try {
        java.util.concurrent.BlockingQueue<Event> events = new java.util.concurrent.LinkedBlockingQueue<>();
        SchedulerClient scheduler = new SchedulerClient(schedulerNode, "127.0.0.1", local.masterPort(),
            dev.vmesos.api.http.MediaType.JSON);
        scheduler.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("owned").setPrincipal("ops").build(),
            events::add, e -> { }).await(10, TimeUnit.SECONDS);
        Offer offer = next(events, Event.Type.OFFERS).getOffers().getOffers(0);
        scheduler.call(Calls.launch(List.of(offer.getId()), List.of(TaskInfo.newBuilder().setName("sleepy")
            .setTaskId(TaskID.newBuilder().setValue("sleepy")).setAgentId(offer.getAgentId())
            .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
            .setCommand(CommandInfo.newBuilder().setValue("sleep 300")).build()), 0)).await(10, TimeUnit.SECONDS);
        TaskStatus status;
        do {
          status = next(events, Event.Type.UPDATE).getUpdate().getStatus();
          scheduler.call(Calls.acknowledge(status));
        } while (status.getState() != TaskState.TASK_RUNNING);

        Run refused = run(Map.of(), "task", "kill", "sleepy", master, "--principal=viewer", "--secret=vsecret");
        assertThat(refused.code).isEqualTo(1);
        assertThat(refused.err).contains("refused POST /master/kill_task (403)");
        assertThat(run(Map.of(), "task", "list", master, "--principal=ops", "--secret=secret").out)
            .containsPattern("sleepy .* TASK_RUNNING");

        Run killed = run(Map.of(), "task", "kill", "sleepy", master, "--principal=ops", "--secret=secret");
        assertThat(killed.code).as(killed.err).isZero();
        do {
          status = next(events, Event.Type.UPDATE).getUpdate().getStatus();
          scheduler.call(Calls.acknowledge(status));
        } while (status.getState() == TaskState.TASK_RUNNING);
        assertThat(status.getState()).isEqualTo(TaskState.TASK_KILLED);
      } finally {
        schedulerNode.close().await(10, TimeUnit.SECONDS);
      }

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

  private static Event next(java.util.concurrent.BlockingQueue<Event> events, Event.Type type) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Event event = events.poll(100, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == type) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " within 30 s");
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
