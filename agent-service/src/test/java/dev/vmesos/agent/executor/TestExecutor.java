package dev.vmesos.agent.executor;

import com.google.protobuf.ByteString;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A tiny executor speaking the v1 executor HTTP API in JSON, for the tests. It subscribes; on LAUNCH
 * sends TASK_RUNNING and then TASK_FINISHED whose data echoes TaskInfo.data (unless the data starts
 * with "hold", then it waits for a KILL); answers KILL with TASK_KILLED (its message names the kill
 * policy's grace period), MESSAGE with a MESSAGE "echo:&lt;data&gt;", ACKNOWLEDGED with a MESSAGE
 * "acked:&lt;task&gt;:&lt;uuid hex&gt;", and exits on SHUTDOWN after reporting its tasks killed.
 * TEST_EXECUTOR_MODE: "never-subscribe" sleeps; "ignore-shutdown" ignores SHUTDOWN; "wait-for-go"
 * subscribes only once a file {@code go} appears in its sandbox. It writes its
 * pid to {@code pid} and its MESOS_* environment to stdout.
 */
public final class TestExecutor {

  private static HttpClient HTTP;
  private static URI uri;
  private static FrameworkID frameworkId;
  private static ExecutorID executorId;
  private static final Set<String> running = new LinkedHashSet<>();
  /** Updates this executor sent with a uuid of its own, until the agent says they are acknowledged. */
  private static final java.util.Map<ByteString, TaskStatus> unacknowledged = new java.util.LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    String sandbox = System.getenv("MESOS_SANDBOX");
    Files.writeString(Path.of(sandbox, "pid"), Long.toString(ProcessHandle.current().pid()));
    new TreeMap<>(System.getenv()).forEach((k, v) -> {
      if (k.startsWith("MESOS_") || k.startsWith("TEST_")) {
        System.out.println(k + "=" + v);
      }
    });
    String mode = System.getenv().getOrDefault("TEST_EXECUTOR_MODE", "normal");
    if (mode.equals("never-subscribe")) {
      Thread.sleep(Long.MAX_VALUE);
    }
    while (mode.equals("wait-for-go") && !Files.exists(Path.of(sandbox, "go"))) {
      Thread.sleep(50);
    }
    // The executor library's reading of the environment: https and the CA with LIBPROCESS_SSL_ENABLED.
    dev.vmesos.client.executor.ExecutorEnvironment env = dev.vmesos.client.executor.ExecutorEnvironment.from(System.getenv());
    uri = env.endpoint();
    HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    if (env.tls().isPresent()) {
      http.sslContext(env.tls().get().sslContext());
    }
    HTTP = http.build();
    frameworkId = FrameworkID.newBuilder().setValue(System.getenv("MESOS_FRAMEWORK_ID")).build();
    executorId = ExecutorID.newBuilder().setValue(System.getenv("MESOS_EXECUTOR_ID")).build();

    // With MESOS_CHECKPOINT=1 the agent may restart under it: subscribe again (with what is not
    // acknowledged yet) until it is back, for up to a minute, as Mesos's executor library does.
    boolean checkpoint = "1".equals(System.getenv("MESOS_CHECKPOINT"));
    long deadline = 0;
    while (true) {
      HttpResponse<InputStream> response;
      try {
        response = HTTP.send(request().timeout(java.time.Duration.ofSeconds(10))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(subscribeCall()))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
      } catch (java.io.IOException e) {
        response = null;
      }
      if (response != null && response.statusCode() == 200) {
        readEvents(response, mode);
        System.out.println("stream ended");
      } else {
        System.out.println("SUBSCRIBE answered " + (response == null ? "nothing" : response.statusCode()));
        if (!checkpoint) {
          System.exit(2);
        }
      }
      if (!checkpoint) {
        break;
      }
      deadline = deadline == 0 ? System.nanoTime() + 60_000_000_000L : deadline;
      if (System.nanoTime() > deadline) {
        System.exit(4);
      }
      Thread.sleep(100);
    }
    if (mode.equals("linger")) {
      Thread.sleep(Long.MAX_VALUE);
    }
    System.exit(3);
  }

  /** SUBSCRIBE, with the tasks and updates the agent has not acknowledged yet. */
  private static Call subscribeCall() {
    Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder();
    synchronized (unacknowledged) {
      unacknowledged.values().forEach(status -> subscribe.addUnacknowledgedUpdates(
          Call.Update.newBuilder().setStatus(status)));
    }
    return call(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build();
  }

  private static void readEvents(HttpResponse<InputStream> response, String mode) throws Exception {
    try (InputStream in = response.body()) {
      byte[] record;
      while ((record = Records.read(in)) != null) {
        Event event = MesosJson.parse(record, Event.getDefaultInstance());
        System.out.println("EVENT " + event.getType());
        switch (event.getType()) {
          case LAUNCH -> launch(event.getLaunch().getTask());
          case KILL -> {
            String task = event.getKill().getTaskId().getValue();
            running.remove(task);
            update(task, TaskState.TASK_KILLED, ByteString.EMPTY, "killed with grace "
                + event.getKill().getKillPolicy().getGracePeriod().getNanoseconds());
          }
          case MESSAGE -> message("echo:" + event.getMessage().getData().toStringUtf8());
          case ACKNOWLEDGED -> {
            synchronized (unacknowledged) {
              unacknowledged.remove(event.getAcknowledged().getUuid());
            }
            message("acked:" + event.getAcknowledged().getTaskId().getValue() + ":"
                + HexFormat.of().formatHex(event.getAcknowledged().getUuid().toByteArray()));
          }
          case SHUTDOWN -> {
            if (!mode.equals("ignore-shutdown")) {
              for (String task : Set.copyOf(running)) {
                update(task, TaskState.TASK_KILLED, ByteString.EMPTY, "shut down");
              }
              System.out.println("exiting on SHUTDOWN");
              System.exit(0);
            }
          }
          default -> { }
        }
      }
    } catch (java.io.IOException e) {
      System.out.println("stream broke: " + e);
    }
  }

  private static void launch(TaskInfo task) throws Exception {
    String id = task.getTaskId().getValue();
    running.add(id);
    update(id, TaskState.TASK_RUNNING, ByteString.EMPTY, null);
    if (!task.getData().toStringUtf8().startsWith("hold")) {
      running.remove(id);
      update(id, TaskState.TASK_FINISHED, task.getData(), null);
    }
  }

  /** RUNNING goes without uuid or source (the agent stamps them); the others carry their own uuid. */
  private static void update(String taskId, TaskState state, ByteString data, String message) throws Exception {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state);
    if (state != TaskState.TASK_RUNNING) {
      UUID uuid = UUID.randomUUID();
      status.setUuid(ByteString.copyFrom(java.nio.ByteBuffer.allocate(16)
          .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array()))
          .setSource(TaskStatus.Source.SOURCE_EXECUTOR);
    }
    if (!data.isEmpty()) {
      status.setData(data);
    }
    if (message != null) {
      status.setMessage(message);
    }
    if (status.hasUuid()) {
      synchronized (unacknowledged) {
        unacknowledged.put(status.getUuid(), status.build());
      }
    }
    post(call(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder().setStatus(status)).build());
  }

  private static void message(String data) throws Exception {
    post(call(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder().setData(ByteString.copyFromUtf8(data))).build());
  }

  private static Call.Builder call(Call.Type type) {
    return Call.newBuilder().setFrameworkId(frameworkId).setExecutorId(executorId).setType(type);
  }

  private static void post(Call call) throws Exception {
    HttpResponse<String> response = HTTP.send(request()
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(call), StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    System.out.println(call.getType() + " answered " + response.statusCode() + " " + response.body());
  }

  /** A request to the agent, with the token the agent gave (MESOS_EXECUTOR_AUTHENTICATION_TOKEN), if any. */
  private static HttpRequest.Builder request() {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    String token = System.getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }
}
