package dev.vmesos.agent.container;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts and stops task processes. Blocking: call {@link #launch} off the event loop.
 * A task's process and every process it started are signalled together, since a shell's children
 * would otherwise outlive a kill (Mesos kills the whole container).
 */
public final class ProcessLauncher {

  public static final String STDOUT = "stdout";
  public static final String STDERR = "stderr";

  private static final File DEV_NULL = new File("/dev/null");

  /**
   * Creates the sandbox with empty {@code stdout} and {@code stderr} files and starts the process
   * there, its output appended to them and its input empty.
   *
   * @throws IOException if the sandbox cannot be made or the program cannot be started (not found,
   *                     not executable)
   */
  public Process launch(LaunchSpec spec) throws IOException {
    Path sandbox = spec.sandbox();
    Files.createDirectories(sandbox);
    Path stdout = touch(sandbox.resolve(STDOUT));
    Path stderr = touch(sandbox.resolve(STDERR));
    ProcessBuilder builder = new ProcessBuilder(spec.argv())
        .directory(sandbox.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    builder.environment().clear();
    builder.environment().putAll(spec.environment());
    return builder.start();
  }

  /** SIGTERM to the process and its descendants. */
  public void terminate(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
  }

  /** SIGKILL to the process and its descendants. */
  public void kill(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGTERM, or SIGKILL when {@code forcibly}, to one process (a child or not). */
  public void signal(ProcessHandle process, boolean forcibly) {
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }

  private static Path touch(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file);
    }
    return file;
  }
}
