package dev.vmesos.agent.http;

import dev.vmesos.agent.api.AgentView;
import dev.vmesos.api.security.Acls;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;

/**
 * Mesos's {@code access_sandboxes} on the agent: a principal may read an executor's sandbox when the
 * ACLs let it access sandboxes of that executor's user, which is its command's user, else its
 * framework's (as Mesos's local authorizer reads {@code ExecutorInfo} and {@code FrameworkInfo}). An
 * executor the agent no longer knows (its sandbox is waiting for garbage collection) has no user: only
 * a rule for any user decides for it, and {@code permissive} when none matches.
 */
public final class SandboxAccessAcl {

  private SandboxAccessAcl() {
  }

  /** The check of {@code acls} over what {@code view} knows; anyone may read when no ACLs are given. */
  public static FilesEndpoint.SandboxAccess of(Acls acls, AgentView view) {
    if (!acls.configured()) {
      return FilesEndpoint.SandboxAccess.ANYONE;
    }
    return (principal, frameworkId, executorId) ->
        acls.allows(Acls.Action.ACCESS_SANDBOXES, principal, userOf(view, frameworkId, executorId));
  }

  /** The user an executor runs as, or null when the agent does not know the executor. */
  static String userOf(AgentView view, String frameworkId, String executorId) {
    for (ExecutorInfo executor : view.executors()) {
      if (executor.getFrameworkId().getValue().equals(frameworkId)
          && executor.getExecutorId().getValue().equals(executorId)) {
        if (executor.hasCommand() && executor.getCommand().hasUser()) {
          return executor.getCommand().getUser();
        }
        for (FrameworkInfo framework : view.frameworks()) {
          if (framework.getId().getValue().equals(frameworkId)) {
            return framework.getUser();
          }
        }
        return null;
      }
    }
    return null;
  }
}
