package dev.vmesos.client.executor;

import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.executor.Protos.Event;

/**
 * What a custom executor implements to run on an {@link ExecutorDriver}. Callbacks come one at a
 * time on the driver's reading thread: a task that takes time must run on a thread of its own and
 * report through {@link ExecutorDriver#update}.
 */
public interface Executor {

  default void subscribed(ExecutorDriver driver, Event.Subscribed subscribed) {
  }

  void launch(ExecutorDriver driver, TaskInfo task);

  void kill(ExecutorDriver driver, TaskID taskId);

  default void message(ExecutorDriver driver, byte[] data) {
  }

  /** The agent asks the executor to end: kill what runs; the driver returns from {@link ExecutorDriver#run} after. */
  default void shutdown(ExecutorDriver driver) {
  }

  default void error(ExecutorDriver driver, String message) {
  }
}
