package dev.vmesos.client.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.codec.WireCodec;
import dev.vmesos.api.http.MediaType;
import dev.vmesos.api.recordio.RecordIO;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor library against a stand-in agent speaking the executor HTTP API: LAUNCH reaches the
 * executor, its UPDATE carries a 16-byte uuid and SOURCE_EXECUTOR, an update the agent never
 * acknowledged is handed back in the SUBSCRIBE of the reconnection after the stream broke, and
 * SHUTDOWN ends {@link ExecutorDriver#run}.
 */
class ExecutorDriverTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void launchUpdateReconnectWithUnacknowledgedUpdatesThenShutdown() throws Exception {
    BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    AtomicInteger subscriptions = new AtomicInteger();
    HttpServerResponse[] stream = new HttpServerResponse[1];
    HttpServer agent = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Call call = WireCodec.decode(body.getBytes(), MediaType.JSON, Call.getDefaultInstance());
      calls.add(call);
      if (call.getType() != Call.Type.SUBSCRIBE) {
        request.response().setStatusCode(202).end();
        if (call.getType() == Call.Type.UPDATE) {
          // The agent "crashes" before acknowledging: the stream breaks.
          stream[0].reset();
        }
        return;
      }
      HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
      stream[0] = response;
      if (subscriptions.incrementAndGet() == 1) {
        response.write(event(Event.newBuilder().setType(Event.Type.LAUNCH).setLaunch(Event.Launch.newBuilder()
            .setTask(TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
                .setAgentId(AgentID.newBuilder().setValue("a1"))
                .setExecutor(ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1")))))
            .build()));
      } else {
        response.write(event(Event.newBuilder().setType(Event.Type.SHUTDOWN).build()));
      }
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    ExecutorEnvironment env = ExecutorEnvironment.from(Map.of("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + agent.actualPort(),
        "MESOS_FRAMEWORK_ID", "f1", "MESOS_EXECUTOR_ID", "e1", "MESOS_SANDBOX", "/tmp"));
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    Executor executor = new Executor() {
      @Override
      public void launch(ExecutorDriver driver, TaskInfo task) {
        seen.add("launch " + task.getTaskId().getValue());
        try {
          driver.update(task.getTaskId(), TaskState.TASK_RUNNING, null, null);
        } catch (java.io.IOException e) {
          seen.add("update failed: " + e.getMessage());
        }
      }

      @Override
      public void kill(ExecutorDriver driver, TaskID taskId) {
      }

      @Override
      public void shutdown(ExecutorDriver driver) {
        seen.add("shutdown");
      }
    };
    Thread runner = new Thread(() -> {
      try {
        new ExecutorDriver(env, executor, Duration.ofSeconds(5)).run();
        seen.add("run returned");
      } catch (Exception e) {
        seen.add("run failed: " + e);
      }
    });
    runner.start();
    runner.join(15_000);

    assertThat(seen).containsExactly("launch t1", "shutdown", "run returned");
    Call first = calls.poll();
    assertThat(first.getType()).isEqualTo(Call.Type.SUBSCRIBE);
    assertThat(first.getFrameworkId().getValue()).isEqualTo("f1");
    assertThat(first.getExecutorId().getValue()).isEqualTo("e1");
    Call update = calls.poll();
    assertThat(update.getType()).isEqualTo(Call.Type.UPDATE);
    assertThat(update.getUpdate().getStatus().getUuid().size()).isEqualTo(16);
    assertThat(update.getUpdate().getStatus().getSource().name()).isEqualTo("SOURCE_EXECUTOR");
    Call again = calls.poll();
    assertThat(again.getType()).isEqualTo(Call.Type.SUBSCRIBE);
    assertThat(again.getSubscribe().getUnacknowledgedUpdatesList()).as("the unacknowledged update, handed back")
        .extracting(u -> u.getStatus().getUuid()).containsExactly(update.getUpdate().getStatus().getUuid());
    assertThat(again.getSubscribe().getUnacknowledgedTasksList()).as("and its task, none of whose updates was acknowledged")
        .extracting(t -> t.getTaskId().getValue()).containsExactly("t1");
    agent.close();
  }

  @Test
  void aProgramStartedByHandSaysWhatIsMissing() {
    assertThatThrownBy(() -> ExecutorEnvironment.from(Map.of("MESOS_FRAMEWORK_ID", "f")))
        .hasMessage("MESOS_AGENT_ENDPOINT is not set: this program is an executor and must be started by a Mesos agent");
    assertThat(ExecutorEnvironment.from(Map.of("MESOS_AGENT_ENDPOINT", "h:5051", "MESOS_FRAMEWORK_ID", "f",
        "MESOS_EXECUTOR_ID", "e", "MESOS_SANDBOX", "/s")).sandbox()).isEqualTo(Path.of("/s"));
  }

  @Test
  void aCheckpointingFrameworksExecutorKeepsTryingForTheRecoveryTimeout() {
    Map<String, String> base = Map.of("MESOS_AGENT_ENDPOINT", "h:5051", "MESOS_FRAMEWORK_ID", "f",
        "MESOS_EXECUTOR_ID", "e");
    ExecutorEnvironment plain = ExecutorEnvironment.from(base);
    assertThat(plain.recoveryTimeout()).isEmpty();
    assertThat(plain.reconnectFor(Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(15));

    Map<String, String> checkpointing = new java.util.HashMap<>(base);
    checkpointing.putAll(Map.of("MESOS_CHECKPOINT", "1", "MESOS_RECOVERY_TIMEOUT", "15mins",
        "MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs"));
    ExecutorEnvironment env = ExecutorEnvironment.from(checkpointing);
    assertThat(env.reconnectFor(Duration.ofSeconds(15))).isEqualTo(Duration.ofMinutes(15));
    assertThat(env.subscriptionBackoffMax()).isEqualTo(Duration.ofSeconds(2));

    checkpointing.put("MESOS_RECOVERY_TIMEOUT", "soon");
    assertThatThrownBy(() -> ExecutorEnvironment.from(checkpointing)).hasMessageContaining("MESOS_RECOVERY_TIMEOUT");
  }

  @Test
  void overHttpsItTrustsTheGivenCaAndSendsItsTokenOnEveryCall(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    dev.vmesos.client.TestCertificates certificates = dev.vmesos.client.TestCertificates.create(dir);
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    HttpServer agent = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(certificates.cert().toString())
            .setKeyPath(certificates.key().toString())))
        .requestHandler(request -> request.body().onSuccess(body -> {
          Call call = WireCodec.decode(body.getBytes(), MediaType.JSON, Call.getDefaultInstance());
          seen.add(call.getType() + " " + request.isSSL() + " " + request.getHeader("Authorization"));
          if (call.getType() != Call.Type.SUBSCRIBE) {
            request.response().setStatusCode(202).end();
            return;
          }
          request.response().setChunked(true).putHeader("Content-Type", "application/json")
              .write(event(Event.newBuilder().setType(Event.Type.MESSAGE)
                  .setMessage(Event.Message.newBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8("m")))
                  .build()));
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    ExecutorEnvironment env = ExecutorEnvironment.from(Map.of("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + agent.actualPort(),
        "MESOS_FRAMEWORK_ID", "f1", "MESOS_EXECUTOR_ID", "e1", "MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "the.token.here",
        "LIBPROCESS_SSL_ENABLED", "true", "LIBPROCESS_SSL_CA_FILE", certificates.ca().toString()));
    assertThat(env.endpoint().getScheme()).isEqualTo("https");
    ExecutorDriver[] driver = new ExecutorDriver[1];
    driver[0] = new ExecutorDriver(env, new Executor() {
      @Override
      public void launch(ExecutorDriver d, TaskInfo task) {
      }

      @Override
      public void kill(ExecutorDriver d, TaskID taskId) {
      }

      @Override
      public void message(ExecutorDriver d, byte[] data) {
        try {
          d.sendMessage("reply".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          seen.add("message failed: " + e);
        }
      }
    }, Duration.ofSeconds(5));
    Thread runner = new Thread(() -> {
      try {
        driver[0].run();
      } catch (Exception e) {
        seen.add("run ended: " + e);
      }
    });
    runner.setDaemon(true);
    runner.start();

    assertThat(seen.poll(15, TimeUnit.SECONDS)).isEqualTo("SUBSCRIBE true Bearer the.token.here");
    assertThat(seen.poll(15, TimeUnit.SECONDS)).isEqualTo("MESSAGE true Bearer the.token.here");
    agent.close();
  }

  @Test
  void anUntrustedAgentCertificateIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    dev.vmesos.client.TestCertificates certificates = dev.vmesos.client.TestCertificates.create(dir);
    HttpServer agent = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(certificates.cert().toString())
            .setKeyPath(certificates.key().toString())))
        .requestHandler(request -> request.response().setStatusCode(500).end())
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    // The executor is told to trust another CA than the one that signed the agent's certificate.
    Path otherDir = java.nio.file.Files.createDirectories(dir.resolve("other"));
    dev.vmesos.client.TestCertificates other = dev.vmesos.client.TestCertificates.create(otherDir);
    ExecutorEnvironment env = ExecutorEnvironment.from(Map.of("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + agent.actualPort(),
        "MESOS_FRAMEWORK_ID", "f1", "MESOS_EXECUTOR_ID", "e1", "LIBPROCESS_SSL_ENABLED", "1",
        "LIBPROCESS_SSL_CA_FILE", other.ca().toString()));

    assertThatThrownBy(() -> new ExecutorDriver(env, null, Duration.ofMillis(300)).run())
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("unreachable");
    agent.close();
  }

  private static Buffer event(Event event) {
    return Buffer.buffer(RecordIO.encode(WireCodec.encode(event, MediaType.JSON)));
  }

}
