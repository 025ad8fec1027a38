package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.internal.Internal.Ack;
import dev.vmesos.api.internal.Internal.RunTask;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that stops answering: a stand-in Docker engine on a Unix socket answers the agent's
 * start-up and pings, then goes silent. The agent turns unhealthy ({@code /health} 503 with the
 * reason), fails a Docker launch at once instead of waiting on the engine, and is healthy again once
 * the engine answers.
 */
@ExtendWith(VertxExtension.class)
class EngineHealthTest {

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setUser("root").setName("engine-health").setId(FrameworkID.newBuilder().setValue("fw-engine")).build();

  @TempDir
  Path dir;

  private Vertx vertx;
  private FakeMaster master;
  private ServerSocketChannel engine;
  private volatile boolean silent;
  private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ProtobufCodec.install(vertx.eventBus());
    Path socket = dir.resolve("docker.sock");
    engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    engine.bind(UnixDomainSocketAddress.of(socket));
    Thread acceptor = new Thread(this::serve, "fake-docker-engine");
    acceptor.setDaemon(true);
    acceptor.start();
    master = new FakeMaster(vertx);
    await(master.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    engine.close();
    for (SocketChannel connection : connections) {
      connection.close();
    }
  }

  @Test
  void anEngineThatStopsAnsweringMakesTheAgentUnhealthyAndFailsDockerLaunchesAtOnce() throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentConfig.fromFlags(Flags.parse(new String[] {
        "--work_dir=" + dir.resolve("work"), "--port=0", "--containerizers=docker,mesos",
        "--docker_socket=" + dir.resolve("docker.sock"), "--docker_health_check_interval=300ms",
        "--isolation=posix/cpu,posix/mem", "--resources=cpus:2;mem:1024;disk:2048;ports:[31000-31009]",
        "--registration_backoff_factor=50ms"}, Map.of()))).overLocalEventBus();
    await(vertx.deployVerticle(agent));
    master.awaitRegistered();
    assertThat(health(agent, 200).body()).isEmpty();

    silent = true;
    HttpResponse<String> unhealthy = health(agent, 503);
    assertThat(unhealthy.body()).contains("Docker engine at " + dir.resolve("docker.sock") + " does not answer");

    long start = System.nanoTime();
    Object reply = await(master.request(RunTask.newBuilder().setFrameworkInfo(FRAMEWORK)
        .setTask(DockerTasksTest.dockerTask("d1", "true", 0.25, 32)).build())).body();
    assertThat(reply).isInstanceOf(Ack.class);
    TaskStatus first = master.nextUpdate(10_000).getStatus();
    TaskStatus failed = first.getState() == TaskState.TASK_STARTING ? master.nextUpdate(10_000).getStatus() : first;
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getMessage()).contains("does not answer");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("at once, not after an engine timeout")
        .isLessThan(5_000);

    silent = false;
    health(agent, 200);
  }

  /** {@code GET /health} once it answers {@code status} (polled, 10 s deadline). */
  private HttpResponse<String> health(AgentVerticle agent, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> response;
    do {
      response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/health"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == status) {
        return response;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/health never answered " + status + "; last " + response.statusCode() + " "
        + response.body());
  }

  /** Answers /version and /_ping on each connection, request after request; says nothing while silent. */
  private void serve() {
    while (engine.isOpen()) {
      SocketChannel connection;
      try {
        connection = engine.accept();
      } catch (IOException closed) {
        return;
      }
      connections.add(connection);
      Thread handler = new Thread(() -> answer(connection), "fake-docker-connection");
      handler.setDaemon(true);
      handler.start();
    }
  }

  private void answer(SocketChannel connection) {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    StringBuilder pending = new StringBuilder();
    try {
      while (connection.read(buffer) >= 0) {
        buffer.flip();
        pending.append(StandardCharsets.US_ASCII.decode(buffer));
        buffer.clear();
        int end;
        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
          String head = pending.substring(0, end);
          pending.delete(0, end + 4);
          if (silent) {
            continue;   // never answered: the agent's own timeout must end the wait
          }
          String path = head.split(" ")[1];
          String body = path.endsWith("/_ping") ? "OK"
              : "{\"Version\":\"fake\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}";
          String response = "HTTP/1.1 200 OK\r\nContent-Type: " + (body.equals("OK") ? "text/plain" : "application/json")
              + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
          connection.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
        }
      }
    } catch (IOException closed) {
      // the agent closed it
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
