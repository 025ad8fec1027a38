package dev.vmesos.agent.executor;

import dev.vmesos.agent.container.Container;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent shows of its custom executors: the {@code /state} JSON and the snapshots the agent
 * API reads. Kept apart from {@link CustomExecutors}, which runs them; read on the agent's event loop.
 */
public final class ExecutorsReport {

  private ExecutorsReport() {
  }

  /** A custom executor as the agent API shows it: its framework, info, container and tasks. */
  public record ExecutorSnapshot(FrameworkInfo framework, ExecutorInfo info, String containerId, Container container,
                                 List<TaskSnapshot> tasks) {
  }

  /** A custom executor's task: its info, last state, and whether the executor has been handed it. */
  public record TaskSnapshot(TaskInfo info, TaskState state, boolean launched) {
  }

  /** Every executor with its tasks (those whose terminal update is unacknowledged too). */
  static List<ExecutorSnapshot> snapshot(Collection<CustomExecutor> executors) {
    List<ExecutorSnapshot> snapshot = new ArrayList<>();
    for (CustomExecutor executor : executors) {
      snapshot.add(new ExecutorSnapshot(executor.framework, executor.info, executor.containerId, executor.container,
          executor.tasks.values().stream().map(t -> new TaskSnapshot(t.info, t.state, t.launched)).toList()));
    }
    return snapshot;
  }

  /** The executors of each framework, Mesos {@code /state} style, by framework. */
  static Map<FrameworkInfo, JsonArray> stateByFramework(Collection<CustomExecutor> executors) {
    Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
    Map<String, JsonArray> byFramework = new LinkedHashMap<>();
    for (CustomExecutor executor : executors) {
      frameworks.putIfAbsent(executor.frameworkId(), executor.framework);
      JsonArray running = new JsonArray();
      JsonArray queued = new JsonArray();
      for (ExecutorTask task : executor.tasks.values()) {
        JsonObject json = new JsonObject()
            .put("id", task.taskId())
            .put("name", task.info.getName())
            .put("framework_id", task.frameworkId())
            .put("executor_id", executor.executorId())
            .put("state", task.state.name());
        (task.launched ? running : queued).add(json);
      }
      JsonObject json = new JsonObject()
          .put("id", executor.executorId())
          .put("name", executor.info.getName())
          .put("framework_id", executor.frameworkId())
          .put("container", executor.containerId)
          .put("directory", executor.sandbox.toString())
          .put("state", executor.state.name())
          .put("subscribed", executor.isSubscribed())
          .put("tasks", running)
          .put("queued_tasks", queued);
      if (executor.container != null && executor.container.pid().isPresent()) {
        json.put("pid", executor.container.pid().getAsLong());
      }
      byFramework.computeIfAbsent(executor.frameworkId(), k -> new JsonArray()).add(json);
    }
    Map<FrameworkInfo, JsonArray> result = new LinkedHashMap<>();
    byFramework.forEach((id, json) -> result.put(frameworks.get(id), json));
    return result;
  }
}
