package dev.vmesos.client.executor;

import com.google.protobuf.ByteString;
import dev.vmesos.api.json.MesosJson;
import dev.vmesos.api.recordio.RecordIODecoder;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import dev.vmesos.api.v1.executor.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The executor side of the Mesos v1 executor HTTP API, on the JDK's HTTP client only (no Vert.x), so
 * an executor stays small enough to start quickly inside a container. {@link #run} subscribes to the
 * agent, reads the RecordIO event stream (JSON) and calls the {@link Executor}; {@link #update}
 * sends a status update with a fresh uuid. Updates not yet acknowledged, and tasks launched none of
 * whose updates has been acknowledged, are kept and sent again in the SUBSCRIBE of a reconnection, as
 * the protocol asks (an agent restarted before it checkpointed a task learns of it so), and a
 * subscription that fails is retried
 * with backoff for up to {@code reconnectFor} before {@link #run} gives up.
 */
public final class ExecutorDriver {

  private final ExecutorEnvironment env;
  private final Executor executor;
  private final Duration reconnectFor;
  private final HttpClient http;
  /** Guarded by itself, as {@link #unacknowledgedTasks} is (both are handed back in a re-SUBSCRIBE). */
  private final Map<ByteString, Call.Update> unacknowledged = new LinkedHashMap<>();
  /** Tasks launched here none of whose updates the agent has acknowledged yet, by task id. */
  private final Map<String, TaskInfo> unacknowledgedTasks = new LinkedHashMap<>();
  private volatile boolean shuttingDown;

  /**
   * A driver that keeps re-subscribing for the agent's recovery timeout when its framework
   * checkpoints ({@code MESOS_RECOVERY_TIMEOUT}), for {@code otherwise} when it does not.
   */
  public static ExecutorDriver fromEnvironment(ExecutorEnvironment env, Executor executor, Duration otherwise) {
    return new ExecutorDriver(env, executor, env.reconnectFor(otherwise));
  }

  public ExecutorDriver(ExecutorEnvironment env, Executor executor, Duration reconnectFor) {
    this.env = env;
    this.executor = executor;
    this.reconnectFor = reconnectFor;
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (env.tls().isPresent()) {
      try {
        builder.sslContext(env.tls().get().sslContext());
      } catch (IOException e) {
        throw new IllegalStateException("executor: " + e.getMessage(), e);
      }
    }
    this.http = builder.build();
  }

  /** A request to the agent, with the executor's token when it has one. */
  private HttpRequest.Builder request() {
    HttpRequest.Builder builder = HttpRequest.newBuilder(env.endpoint());
    env.authenticationToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    return builder;
  }

  /**
   * Subscribes and handles events until SHUTDOWN or until the agent stays unreachable for
   * {@code reconnectFor}; returns normally after a SHUTDOWN, throws {@link IOException} otherwise.
   */
  public void run() throws IOException, InterruptedException {
    long failingSince = -1;
    long backoffMs = 250;
    while (!shuttingDown) {
      try {
        HttpResponse<InputStream> response = http.send(request()
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(subscribeCall()), StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8).strip();
          throw new IOException("the agent answered SUBSCRIBE with " + response.statusCode() + " " + body);
        }
        failingSince = -1;
        backoffMs = 250;
        readEvents(response.body());
        if (!shuttingDown) {
          System.err.println("executor: the agent closed the event stream; reconnecting");
        }
      } catch (IOException e) {
        long now = System.nanoTime();
        failingSince = failingSince < 0 ? now : failingSince;
        if (Duration.ofNanos(now - failingSince).compareTo(reconnectFor) >= 0) {
          throw new IOException("the agent at " + env.endpoint() + " is unreachable: " + e.getMessage(), e);
        }
        System.err.println("executor: cannot subscribe to " + env.endpoint() + " (" + e.getMessage()
            + "); retrying in " + backoffMs + " ms");
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, Math.max(250, env.subscriptionBackoffMax().toMillis()));
      }
    }
  }

  /** Sends a status update for a task with a fresh uuid, stamped as coming from this executor. */
  public void update(TaskID taskId, TaskState state, String message, ByteString data) throws IOException {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
        .setExecutorId(ExecutorID.newBuilder().setValue(env.executorId()))
        .setTimestamp(System.currentTimeMillis() / 1000.0)
        .setUuid(randomUuid());
    if (message != null) {
      status.setMessage(message);
    }
    if (data != null && !data.isEmpty()) {
      status.setData(data);
    }
    Call.Update update = Call.Update.newBuilder().setStatus(status).build();
    synchronized (unacknowledged) {
      unacknowledged.put(status.getUuid(), update);
    }
    post(call(Call.Type.UPDATE).setUpdate(update).build());
  }

  public void sendMessage(byte[] data) throws IOException {
    post(call(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder().setData(ByteString.copyFrom(data))).build());
  }

  public ExecutorEnvironment environment() {
    return env;
  }

  private void readEvents(InputStream in) throws IOException {
    RecordIODecoder decoder = new RecordIODecoder();
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (byte[] record : decoder.decode(Arrays.copyOf(buffer, n))) {
          if (handle(MesosJson.parse(record, Event.getDefaultInstance()))) {
            return;
          }
        }
      }
    }
  }

  /** Handles one event; true after a SHUTDOWN. */
  private boolean handle(Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> executor.subscribed(this, event.getSubscribed());
      case LAUNCH -> {
        TaskInfo task = event.getLaunch().getTask();
        synchronized (unacknowledged) {
          unacknowledgedTasks.put(task.getTaskId().getValue(), task);
        }
        executor.launch(this, task);
      }
      case KILL -> executor.kill(this, event.getKill().getTaskId());
      case ACKNOWLEDGED -> {
        synchronized (unacknowledged) {
          Call.Update acknowledged = unacknowledged.remove(event.getAcknowledged().getUuid());
          if (acknowledged != null) {
            unacknowledgedTasks.remove(acknowledged.getStatus().getTaskId().getValue());
          }
        }
      }
      case MESSAGE -> executor.message(this, event.getMessage().getData().toByteArray());
      case ERROR -> executor.error(this, event.getError().getMessage());
      case SHUTDOWN -> {
        shuttingDown = true;
        executor.shutdown(this);
        return true;
      }
      default -> { }
    }
    return false;
  }

  private Call subscribeCall() {
    Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder();
    synchronized (unacknowledged) {
      subscribe.addAllUnacknowledgedUpdates(List.copyOf(unacknowledged.values()));
      subscribe.addAllUnacknowledgedTasks(List.copyOf(unacknowledgedTasks.values()));
    }
    return call(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build();
  }

  private Call.Builder call(Call.Type type) {
    return Call.newBuilder().setType(type)
        .setFrameworkId(FrameworkID.newBuilder().setValue(env.frameworkId()))
        .setExecutorId(ExecutorID.newBuilder().setValue(env.executorId()));
  }

  private void post(Call call) throws IOException {
    try {
      HttpResponse<String> response = http.send(request()
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(call), StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        throw new IOException("the agent answered " + call.getType() + " with " + response.statusCode() + " "
            + response.body().strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending " + call.getType(), e);
    }
  }

  private static ByteString randomUuid() {
    UUID uuid = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array());
  }
}
