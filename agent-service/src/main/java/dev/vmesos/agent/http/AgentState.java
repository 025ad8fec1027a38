package dev.vmesos.agent.http;

import dev.vmesos.agent.task.AgentTask;
import dev.vmesos.agent.task.TaskTable;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Value;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The agent's {@code /state} document: Mesos v0-ish (snake_case keys, resources as a name-to-value
 * map), enough for a human or a script to see what the agent runs.
 */
public final class AgentState {

  private AgentState() {
  }

  /** Everything {@link #toJson} shows. */
  public record Snapshot(String id, String hostname, int port, String master, boolean registered,
      Resources resources, TaskTable tasks, int pendingStreams) {
  }

  public static JsonObject toJson(Snapshot s) {
    JsonArray frameworks = new JsonArray();
    for (String frameworkId : s.tasks().frameworkIds()) {
      Collection<AgentTask> tasks = s.tasks().ofFramework(frameworkId);
      JsonObject framework = new JsonObject().put("id", frameworkId);
      tasks.stream().findFirst().ifPresent(t -> framework
          .put("name", t.framework().getName())
          .put("user", t.framework().getUser()));
      framework.put("tasks", new JsonArray(tasks.stream().map(AgentState::task).collect(Collectors.toList())));
      frameworks.add(framework);
    }
    return new JsonObject()
        .put("id", s.id())
        .put("hostname", s.hostname())
        .put("port", s.port())
        .put("master", s.master())
        .put("registered", s.registered())
        .put("resources", resources(s.resources()))
        .put("frameworks", frameworks)
        .put("completed_tasks",
            new JsonArray(s.tasks().completed().stream().map(AgentState::task).collect(Collectors.toList())))
        .put("pending_status_update_streams", s.pendingStreams());
  }

  /**
   * Lists a framework's custom executors (with their tasks) under {@code frameworks[].executors}, as
   * Mesos's {@code /state} does, adding the framework if it has no command task here.
   */
  public static JsonObject addExecutors(JsonObject state, dev.vmesos.api.v1.Protos.FrameworkInfo framework,
      JsonArray executors) {
    JsonArray frameworks = state.getJsonArray("frameworks");
    JsonObject entry = null;
    for (int i = 0; i < frameworks.size(); i++) {
      if (framework.getId().getValue().equals(frameworks.getJsonObject(i).getString("id"))) {
        entry = frameworks.getJsonObject(i);
      }
    }
    if (entry == null) {
      entry = new JsonObject().put("id", framework.getId().getValue()).put("name", framework.getName())
          .put("user", framework.getUser()).put("tasks", new JsonArray());
      frameworks.add(entry);
    }
    entry.put("executors", executors);
    return state;
  }

  private static JsonObject task(AgentTask t) {
    JsonObject json = new JsonObject()
        .put("id", t.taskId().getValue())
        .put("name", t.info().getName())
        .put("framework_id", t.frameworkId().getValue())
        .put("executor_id", t.executorId().getValue())
        .put("container_id", t.containerId())
        .put("state", t.state().name())
        .put("sandbox", t.sandbox().toString())
        .put("resources", resources(Resources.of(t.info().getResourcesList())));
    t.pid().ifPresent(pid -> json.put("pid", pid));
    return json;
  }

  /**
   * {@code --attributes} as Mesos's {@code /state} writes them: scalars as numbers, text as
   * strings, ranges ({@code "[1-5, 8-9]"}) and sets ({@code "{a, b}"}) in their text form.
   */
  public static JsonObject attributes(java.util.List<dev.vmesos.api.v1.Protos.Attribute> attributes) {
    JsonObject json = new JsonObject();
    for (dev.vmesos.api.v1.Protos.Attribute attribute : attributes) {
      switch (attribute.getType()) {
        case SCALAR -> json.put(attribute.getName(), attribute.getScalar().getValue());
        case RANGES -> json.put(attribute.getName(), attribute.getRanges().getRangeList().stream()
            .map(r -> r.getBegin() + "-" + r.getEnd()).collect(Collectors.joining(", ", "[", "]")));
        case SET -> json.put(attribute.getName(), "{" + String.join(", ", attribute.getSet().getItemList()) + "}");
        case TEXT -> json.put(attribute.getName(), attribute.getText().getValue());
        default -> {
        }
      }
    }
    return json;
  }

  /** {@code {"cpus": 2.0, "ports": "[31000-32000]"}}, summed over roles as Mesos's v0 map is. */
  static JsonObject resources(Resources resources) {
    JsonObject json = new JsonObject();
    resources.scalars().forEach(json::put);
    for (Resource r : resources) {
      if (r.getType() == Value.Type.RANGES && !json.containsKey(r.getName())) {
        json.put(r.getName(), resources.ranges(r.getName()).stream().map(Object::toString)
            .collect(Collectors.joining(", ", "[", "]")));
      } else if (r.getType() == Value.Type.SET && !json.containsKey(r.getName())) {
        json.put(r.getName(), "{" + String.join(",", r.getSet().getItemList()) + "}");
      }
    }
    return json;
  }
}
