package dev.vmesos.master.security;

import dev.vmesos.api.security.Acls;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.Task;
import dev.vmesos.api.v1.master.Protos.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a principal may see of the master's state, as Mesos filters {@code /state} and the operator
 * API's GET_* answers: frameworks by {@code view_frameworks}, tasks by {@code view_tasks} and
 * executors by {@code view_executors}, each on the user it runs as (the task's or executor's own
 * user when it has one, else its framework's). Without {@code --acls} nothing is filtered.
 */
public final class ViewFilter {

  private final Acls acls;
  private final String principal;
  /** A framework's user by framework id; empty when the framework is unknown. */
  private final Function<String, String> frameworkUser;

  public ViewFilter(Acls acls, String principal, Function<String, String> frameworkUser) {
    this.acls = acls;
    this.principal = principal;
    this.frameworkUser = frameworkUser;
  }

  /** Whether anything may be hidden at all: with no {@code --acls}, answers go out untouched. */
  public boolean active() {
    return acls.configured();
  }

  public boolean framework(String user) {
    return acls.allows(Acls.Action.VIEW_FRAMEWORKS, principal, emptyIsNull(user));
  }

  public boolean task(Task task) {
    String user = task.hasUser() ? task.getUser() : frameworkUser.apply(task.getFrameworkId().getValue());
    return acls.allows(Acls.Action.VIEW_TASKS, principal, emptyIsNull(user));
  }

  public boolean executor(ExecutorInfo executor) {
    String user = executor.hasCommand() && executor.getCommand().hasUser() ? executor.getCommand().getUser()
        : frameworkUser.apply(executor.getFrameworkId().getValue());
    return acls.allows(Acls.Action.VIEW_EXECUTORS, principal, emptyIsNull(user));
  }

  public Response.GetState state(Response.GetState state) {
    if (!active()) {
      return state;
    }
    return state.toBuilder().setGetFrameworks(frameworks(state.getGetFrameworks()))
        .setGetTasks(tasks(state.getGetTasks())).setGetExecutors(executors(state.getGetExecutors())).build();
  }

  public Response.GetFrameworks frameworks(Response.GetFrameworks frameworks) {
    if (!active()) {
      return frameworks;
    }
    Predicate<Response.GetFrameworks.Framework> visible = f -> framework(f.getFrameworkInfo().getUser());
    return frameworks.toBuilder()
        .clearFrameworks().addAllFrameworks(keep(frameworks.getFrameworksList(), visible))
        .clearCompletedFrameworks().addAllCompletedFrameworks(keep(frameworks.getCompletedFrameworksList(), visible))
        .clearRecoveredFrameworks().addAllRecoveredFrameworks(keep(frameworks.getRecoveredFrameworksList(),
            info -> framework(info.getUser())))
        .build();
  }

  public Response.GetTasks tasks(Response.GetTasks tasks) {
    if (!active()) {
      return tasks;
    }
    return tasks.toBuilder()
        .clearPendingTasks().addAllPendingTasks(keep(tasks.getPendingTasksList(), this::task))
        .clearTasks().addAllTasks(keep(tasks.getTasksList(), this::task))
        .clearUnreachableTasks().addAllUnreachableTasks(keep(tasks.getUnreachableTasksList(), this::task))
        .clearCompletedTasks().addAllCompletedTasks(keep(tasks.getCompletedTasksList(), this::task))
        .clearOrphanTasks().addAllOrphanTasks(keep(tasks.getOrphanTasksList(), this::task))
        .build();
  }

  public Response.GetExecutors executors(Response.GetExecutors executors) {
    if (!active()) {
      return executors;
    }
    return executors.toBuilder()
        .clearExecutors().addAllExecutors(keep(executors.getExecutorsList(), e -> executor(e.getExecutorInfo())))
        .clearOrphanExecutors().addAllOrphanExecutors(keep(executors.getOrphanExecutorsList(),
            e -> executor(e.getExecutorInfo())))
        .build();
  }

  /**
   * {@code /state}: frameworks (active and completed) the principal may not view are left out, and
   * of the others the tasks and executors it may not view.
   */
  public JsonObject stateJson(JsonObject state) {
    if (!active()) {
      return state;
    }
    JsonObject copy = state.copy();
    for (String key : List.of("frameworks", "completed_frameworks")) {
      JsonArray frameworks = copy.getJsonArray(key);
      if (frameworks == null) {
        continue;
      }
      JsonArray visible = new JsonArray();
      for (Object entry : frameworks) {
        if (entry instanceof JsonObject framework && framework(framework.getString("user"))) {
          String user = framework.getString("user");
          for (String tasks : List.of("tasks", "unreachable_tasks", "completed_tasks")) {
            JsonArray list = framework.getJsonArray(tasks);
            if (list != null) {
              framework.put(tasks, keepJson(list, Acls.Action.VIEW_TASKS, user));
            }
          }
          JsonArray executors = framework.getJsonArray("executors");
          if (executors != null) {
            framework.put("executors", keepJson(executors, Acls.Action.VIEW_EXECUTORS, user));
          }
          visible.add(framework);
        }
      }
      copy.put(key, visible);
    }
    JsonArray orphans = copy.getJsonArray("orphan_tasks");
    if (orphans != null) {
      copy.put("orphan_tasks", keepJson(orphans, Acls.Action.VIEW_TASKS, null));
    }
    return copy;
  }

  private JsonArray keepJson(JsonArray entries, Acls.Action action, String frameworkUser) {
    JsonArray kept = new JsonArray();
    for (Object entry : entries) {
      if (entry instanceof JsonObject json) {
        String user = json.getString("user", frameworkUser);
        if (acls.allows(action, principal, emptyIsNull(user))) {
          kept.add(json);
        }
      }
    }
    return kept;
  }

  private static <T> List<T> keep(List<T> list, Predicate<T> visible) {
    return list.stream().filter(visible).toList();
  }

  private static String emptyIsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
