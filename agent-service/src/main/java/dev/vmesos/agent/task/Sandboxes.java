package dev.vmesos.agent.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

  /** The link beside an executor's runs that names its latest run, as Mesos names it. */
  public static final String LATEST = "latest";

  /**
   * Creates {@code sandbox} and points {@code runs/latest} at it (a relative symbolic link, replaced
   * atomically), so that {@code .../executors/<id>/runs/latest/stdout} is the newest run's output, as
   * on a Mesos agent. Blocks.
   */
  public static void create(Path sandbox) throws IOException {
    Files.createDirectories(sandbox);
    Path runs = sandbox.getParent();
    Path temporary = runs.resolve("." + LATEST + "-" + sandbox.getFileName());
    Files.deleteIfExists(temporary);
    Files.createSymbolicLink(temporary, sandbox.getFileName());
    Files.move(temporary, runs.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
