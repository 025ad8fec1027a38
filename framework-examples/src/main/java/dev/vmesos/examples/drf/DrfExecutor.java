package dev.vmesos.examples.drf;

import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.client.executor.Executor;
import dev.vmesos.client.executor.ExecutorDriver;
import dev.vmesos.client.executor.ExecutorEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The DRF demo framework's executor: a task's data is how long it runs, in milliseconds; the task is
 * RUNNING at once and FINISHED after that time, or KILLED when the framework kills it first. Many
 * tasks run side by side in one executor: they only hold resources, which is all DRF looks at.
 */
public final class DrfExecutor implements Executor {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<TaskID, ScheduledFuture<?>> running = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    ExecutorEnvironment env = ExecutorEnvironment.from(System.getenv());
    System.out.println("DRF demo executor " + env.executorId() + " subscribing to " + env.endpoint());
    DrfExecutor executor = new DrfExecutor();
    ExecutorDriver.fromEnvironment(env, executor, Duration.ofSeconds(15)).run();
    executor.timer.shutdownNow();
    System.exit(0);
  }

  @Override
  public void launch(ExecutorDriver driver, TaskInfo task) {
    long millis;
    try {
      millis = Long.parseLong(task.getData().toStringUtf8().trim());
    } catch (NumberFormatException e) {
      send(driver, task.getTaskId(), TaskState.TASK_ERROR, "the task's data is not a duration in milliseconds");
      return;
    }
    send(driver, task.getTaskId(), TaskState.TASK_RUNNING, null);
    System.out.println("task " + task.getTaskId().getValue() + " running for " + millis + " ms");
    running.put(task.getTaskId(), timer.schedule(() -> {
      if (running.remove(task.getTaskId()) != null) {
        System.out.println("task " + task.getTaskId().getValue() + " finished");
        send(driver, task.getTaskId(), TaskState.TASK_FINISHED, "ran " + millis + " ms");
      }
    }, millis, TimeUnit.MILLISECONDS));
  }

  @Override
  public void kill(ExecutorDriver driver, TaskID taskId) {
    ScheduledFuture<?> task = running.remove(taskId);
    if (task != null) {
      task.cancel(false);
    }
    System.out.println("task " + taskId.getValue() + " killed");
    send(driver, taskId, TaskState.TASK_KILLED, "killed by the framework");
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    for (TaskID taskId : running.keySet()) {
      kill(driver, taskId);
    }
  }

  private static void send(ExecutorDriver driver, TaskID taskId, TaskState state, String message) {
    try {
      driver.update(taskId, state, message, null);
    } catch (IOException e) {
      System.err.println("cannot report " + state + " of " + taskId.getValue() + ": " + e.getMessage());
    }
  }
}
