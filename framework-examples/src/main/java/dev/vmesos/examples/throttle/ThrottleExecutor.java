package dev.vmesos.examples.throttle;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.client.executor.Executor;
import dev.vmesos.client.executor.ExecutorDriver;
import dev.vmesos.client.executor.ExecutorEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The throttle framework's custom executor. Each task's data is its target (first line) and its
 * queries (one a line); the executor runs them in order on a thread of their own and reports
 * TASK_FINISHED with "Executed N queries in X sec" in {@code TaskStatus.data}, or TASK_ERROR with
 * the first failure's message. HTTP queries are GETs of {@code <target>?<query>} that must answer
 * 2xx; JDBC queries are SQL statements on one connection.
 */
public final class ThrottleExecutor implements Executor {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final ExecutorService workers = Executors.newCachedThreadPool();

  public static void main(String[] args) throws Exception {
    ExecutorEnvironment env = ExecutorEnvironment.from(System.getenv());
    System.out.println("throttle executor " + env.executorId() + " of framework " + env.frameworkId()
        + " subscribing to " + env.endpoint());
    ThrottleExecutor executor = new ThrottleExecutor();
    ExecutorDriver.fromEnvironment(env, executor, Duration.ofSeconds(15)).run();
    executor.workers.shutdownNow();
    System.exit(0);
  }

  @Override
  public void launch(ExecutorDriver driver, TaskInfo task) {
    workers.submit(() -> runTask(driver, task));
  }

  @Override
  public void kill(ExecutorDriver driver, TaskID taskId) {
    send(driver, taskId, TaskState.TASK_KILLED, "killed", null);
  }

  private void runTask(ExecutorDriver driver, TaskInfo task) {
    send(driver, task.getTaskId(), TaskState.TASK_RUNNING, null, null);
    List<String> lines = task.getData().toStringUtf8().lines().toList();
    if (lines.isEmpty()) {
      send(driver, task.getTaskId(), TaskState.TASK_ERROR, "the task carries no target in its data", null);
      return;
    }
    String target = lines.get(0);
    List<String> queries = lines.subList(1, lines.size());
    long start = System.nanoTime();
    try {
      if (target.startsWith("jdbc:")) {
        runSql(target, queries);
      } else {
        runHttp(target, queries);
      }
      String report = String.format(Locale.ROOT, "Executed %d queries in %.3f sec", queries.size(),
          (System.nanoTime() - start) / 1e9);
      System.out.println(task.getTaskId().getValue() + ": " + report);
      send(driver, task.getTaskId(), TaskState.TASK_FINISHED, null, ByteString.copyFromUtf8(report));
    } catch (Exception e) {
      String message = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      System.out.println(task.getTaskId().getValue() + ": " + message);
      send(driver, task.getTaskId(), TaskState.TASK_ERROR, message, null);
    }
  }

  private void runHttp(String target, List<String> queries) throws IOException, InterruptedException {
    String separator = target.contains("?") ? "&" : "?";
    for (String query : queries) {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(target + separator + query))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new IOException("GET " + target + separator + query + " answered " + response.statusCode());
      }
    }
  }

  private static void runSql(String url, List<String> queries) throws Exception {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      for (String query : queries) {
        statement.execute(query);
      }
    }
  }

  private static void send(ExecutorDriver driver, TaskID taskId, TaskState state, String message, ByteString data) {
    try {
      driver.update(taskId, state, message, data);
    } catch (IOException e) {
      System.err.println("cannot report " + state + " of " + taskId.getValue() + ": " + e.getMessage());
    }
  }
}
