package dev.vmesos.master.operator;

import dev.vmesos.api.security.Acls;
import dev.vmesos.api.v1.Protos.WeightInfo;
import dev.vmesos.api.v1.master.Protos.Call;
import dev.vmesos.api.v1.master.Protos.Event;
import dev.vmesos.api.v1.master.Protos.Response;
import dev.vmesos.api.v1.quota.Protos.QuotaConfig;
import dev.vmesos.master.security.ViewFilter;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.Master;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API's authorization against the master's {@code --acls}, as Mesos's master does it:
 * updates are refused with 403 ({@code teardown_frameworks} on the framework's principal,
 * {@code update_weights} and {@code update_quotas} on each role), and what reads answer is filtered
 * ({@code view_frameworks}, {@code view_tasks}, {@code view_executors}), event streams included.
 */
final class OperatorAuthorization {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorAuthorization.class);

  private final Master master;

  OperatorAuthorization(Master master) {
    this.master = master;
  }

  /** A 403 when {@code principal} may not make {@code call}; null when it may. */
  OperatorResult refusal(Call call, String principal) {
    Acls acls = master.acls();
    List<String> roles = new ArrayList<>();
    Acls.Action action;
    switch (call.getType()) {
      case TEARDOWN -> {
        action = Acls.Action.TEARDOWN_FRAMEWORKS;
        Framework framework = master.frameworks().get(call.getTeardown().getFrameworkId().getValue());
        if (framework == null) {
          return null; // answered 400 "No framework found" by the call itself
        }
        String owner = framework.info().getPrincipal();
        roles.add(owner.isEmpty() ? null : owner);
      }
      case UPDATE_WEIGHTS -> {
        action = Acls.Action.UPDATE_WEIGHTS;
        for (WeightInfo info : call.getUpdateWeights().getWeightInfosList()) {
          roles.add(info.getRole());
        }
      }
      case UPDATE_QUOTA -> {
        action = Acls.Action.UPDATE_QUOTAS;
        for (QuotaConfig config : call.getUpdateQuota().getQuotaConfigsList()) {
          roles.add(config.getRole());
        }
      }
      case SET_QUOTA -> {
        action = Acls.Action.UPDATE_QUOTAS;
        roles.add(call.getSetQuota().getQuotaRequest().getRole());
      }
      case REMOVE_QUOTA -> {
        action = Acls.Action.UPDATE_QUOTAS;
        roles.add(call.getRemoveQuota().getRole());
      }
      default -> {
        return null;
      }
    }
    for (String object : roles) {
      if (!acls.allows(action, principal, object)) {
        LOG.info("403 for operator call {} of principal {}: {}", call.getType(), principal, action.refusal(object));
        return new OperatorResult(403, action.refusal(object), null);
      }
    }
    return null;
  }

  /** What {@code principal} may see. */
  ViewFilter view(String principal) {
    return new ViewFilter(master.acls(), principal, this::frameworkUser);
  }

  /** A read's answer with what {@code principal} may not view left out. */
  OperatorResult filter(OperatorResult result, String principal) {
    ViewFilter view = view(principal);
    if (!view.active() || result.response() == null) {
      return result;
    }
    Response response = result.response();
    Response.Builder filtered = response.toBuilder();
    if (response.hasGetState()) {
      filtered.setGetState(view.state(response.getGetState()));
    }
    if (response.hasGetFrameworks()) {
      filtered.setGetFrameworks(view.frameworks(response.getGetFrameworks()));
    }
    if (response.hasGetTasks()) {
      filtered.setGetTasks(view.tasks(response.getGetTasks()));
    }
    if (response.hasGetExecutors()) {
      filtered.setGetExecutors(view.executors(response.getGetExecutors()));
    }
    return new OperatorResult(result.status(), result.message(), filtered.build());
  }

  /** {@code sink} as {@code principal} may see it: events of what it may not view are not sent. */
  OperatorEventSink filter(OperatorEventSink sink, String principal) {
    ViewFilter view = view(principal);
    if (!view.active()) {
      return sink;
    }
    return new OperatorEventSink() {
      @Override
      public void send(Event event) {
        Event visible = visible(event, view);
        if (visible != null) {
          sink.send(visible);
        }
      }

      @Override
      public boolean isOpen() {
        return sink.isOpen();
      }

      @Override
      public void close() {
        sink.close();
      }
    };
  }

  private Event visible(Event event, ViewFilter view) {
    return switch (event.getType()) {
      case SUBSCRIBED -> event.toBuilder().setSubscribed(event.getSubscribed().toBuilder()
          .setGetState(view.state(event.getSubscribed().getGetState()))).build();
      case FRAMEWORK_ADDED -> view.framework(event.getFrameworkAdded().getFramework().getFrameworkInfo().getUser())
          ? event : null;
      case FRAMEWORK_UPDATED -> view.framework(event.getFrameworkUpdated().getFramework().getFrameworkInfo().getUser())
          ? event : null;
      case FRAMEWORK_REMOVED -> view.framework(event.getFrameworkRemoved().getFrameworkInfo().getUser()) ? event : null;
      case TASK_ADDED -> view.task(event.getTaskAdded().getTask()) ? event : null;
      // The update names only the framework: its task is judged by the task's user, else the framework's.
      case TASK_UPDATED -> view.task(taskOf(event.getTaskUpdated())) ? event : null;
      default -> event;
    };
  }

  private dev.vmesos.api.v1.Protos.Task taskOf(Event.TaskUpdated update) {
    String frameworkId = update.getFrameworkId().getValue();
    dev.vmesos.api.v1.Protos.Task.Builder task = dev.vmesos.api.v1.Protos.Task.newBuilder()
        .setFrameworkId(update.getFrameworkId()).setTaskId(update.getStatus().getTaskId())
        .setName("").setAgentId(update.getStatus().getAgentId()).setState(update.getState());
    Framework framework = master.frameworks().get(frameworkId);
    if (framework != null) {
      dev.vmesos.master.state.Task tracked = framework.tasks().get(update.getStatus().getTaskId().getValue());
      if (tracked != null && tracked.info().hasCommand() && tracked.info().getCommand().hasUser()) {
        task.setUser(tracked.info().getCommand().getUser());
      }
    }
    return task.buildPartial();
  }

  private String frameworkUser(String frameworkId) {
    Framework framework = master.frameworks().get(frameworkId);
    if (framework != null) {
      return framework.info().getUser();
    }
    for (Framework completed : master.completedFrameworks()) {
      if (completed.id().equals(frameworkId)) {
        return completed.info().getUser();
      }
    }
    return null;
  }
}
