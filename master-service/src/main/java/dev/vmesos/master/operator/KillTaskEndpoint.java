package dev.vmesos.master.operator;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.security.Acls;
import dev.vmesos.master.http.Responses;
import dev.vmesos.master.security.HttpAuthGuard;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import dev.vmesos.master.state.Task;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /master/kill_task} (and unprefixed), a vmesos operator endpoint: Mesos's operator API
 * has no call to kill one task. It is shaped as Mesos's {@code /master/teardown}: form fields
 * {@code taskId} and, when the task id is not unique across frameworks, {@code frameworkId}; the
 * read-write realm ({@code --authenticate_http_readwrite}); the {@code teardown_frameworks} ACL on the
 * framework's principal (who may end the whole framework may end one of its tasks). The master then
 * kills the task as the framework's own KILL call would: it tells the agent, the agent kills the task
 * and the framework receives TASK_KILLED through its usual status updates, so its view stays
 * consistent. Answers 200 (empty) once the kill is sent; 400 naming the problem (no such task, a
 * task id several frameworks use, a task already terminal), changing nothing.
 */
public final class KillTaskEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(KillTaskEndpoint.class);

  private KillTaskEndpoint() {
  }

  /**
   * @param leaderOnly the master's handler that answers for a master not leading (307 or 503)
   * @param master     the leading master, null until it has recovered
   */
  public static void mount(Router router, Handler<RoutingContext> leaderOnly, Supplier<Master> master,
                           long bodyLimit) {
    for (String path : new String[] {"/kill_task", "/master/kill_task"}) {
      router.route(path).handler(leaderOnly);
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(ctx -> {
        Master current = master.get();
        if (current == null) {
          Responses.text(ctx.response(), 503, "Master has not finished recovery");
        } else {
          handle(ctx, current);
        }
      });
      router.route(path).handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "POST")
          .end("Expecting 'POST', received '" + ctx.request().method() + "'"));
    }
  }

  private static void handle(RoutingContext ctx, Master master) {
    String taskId = ctx.request().getFormAttribute("taskId");
    String frameworkId = ctx.request().getFormAttribute("frameworkId");
    if (taskId == null || taskId.isEmpty()) {
      Responses.text(ctx.response(), 400, "Missing 'taskId' query parameter in the request body");
      return;
    }
    List<Framework> owners = new ArrayList<>();
    for (Framework framework : master.frameworks().values()) {
      if ((frameworkId == null || frameworkId.isEmpty() || framework.id().equals(frameworkId))
          && framework.tasks().containsKey(taskId)) {
        owners.add(framework);
      }
    }
    if (owners.isEmpty()) {
      Responses.text(ctx.response(), 400, "No task found with ID '" + taskId + "'"
          + (frameworkId == null || frameworkId.isEmpty() ? "" : " in framework '" + frameworkId + "'"));
      return;
    }
    if (owners.size() > 1) {
      Responses.text(ctx.response(), 400, "Task ID '" + taskId + "' is used by " + owners.size()
          + " frameworks; give 'frameworkId' too");
      return;
    }
    Framework framework = owners.get(0);
    Task task = framework.tasks().get(taskId);
    if (TaskStates.isTerminal(task.state())) {
      Responses.text(ctx.response(), 400, "Task '" + taskId + "' is already " + task.state());
      return;
    }
    String principal = HttpAuthGuard.principal(ctx);
    String owner = framework.info().getPrincipal();
    Acls.Action action = Acls.Action.TEARDOWN_FRAMEWORKS;
    if (!master.acls().allows(action, principal, owner.isEmpty() ? null : owner)) {
      LOG.info("403 for killing task {} of framework {} by principal {}", taskId, framework.id(), principal);
      Responses.text(ctx.response(), 403, action.refusal(owner.isEmpty() ? null : owner));
      return;
    }
    master.killTaskForOperator(framework.id(), taskId);
    ctx.response().setStatusCode(200).end();
  }
}
