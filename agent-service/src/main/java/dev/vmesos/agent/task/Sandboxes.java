package dev.vmesos.agent.task;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Sandbox layout, as the Mesos agent's:
 * {@code <work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>}.
 * Ids become path segments, so an id that could escape the tree is refused.
 */
public final class Sandboxes {

  private Sandboxes() {
  }

  public static Path path(Path workDir, String agentId, String frameworkId, String executorId, String containerId) {
    return workDir.resolve("slaves").resolve(agentId)
        .resolve("frameworks").resolve(frameworkId)
        .resolve("executors").resolve(executorId)
        .resolve("runs").resolve(containerId);
  }

  /**
   * Why an id cannot name a directory, or empty: it must be non-empty, not {@code .} or
   * {@code ..}, and free of {@code /}, NUL and other control characters (Mesos's id rules).
   */
  public static Optional<String> validateId(String kind, String id) {
    if (id.isEmpty()) {
      return Optional.of(kind + " id is empty");
    }
    if (id.equals(".") || id.equals("..")) {
      return Optional.of(kind + " id '" + id + "' is not allowed");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '\\' || Character.isISOControl(c)) {
        return Optional.of(kind + " id '" + id + "' contains a '/', '\\' or control character");
      }
    }
    return Optional.empty();
  }
}
