package dev.vmesos.deploy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the demo's components log while it runs: its master and agents run in the demo's JVM, so
 * their log lines would land between the rows of its table. {@link #toFile} sends them to
 * {@code <dir>/vmesos.log} until {@link #close}; the executors' output goes to their sandboxes anyway.
 *
 * <p>This is the one place that knows the logging backend: it points the shared Logback
 * configuration at the file ({@link dev.vmesos.api.logging.Logging#configure}, which also sets
 * {@code vmesos.log_dir} for whatever the demo starts later), and swaps {@code System.err} so that
 * what writes to stderr directly lands there too.
 */
final class DemoLogs implements AutoCloseable {

  /** The log file's name in the directory: {@code vmesos.log_name}'s default, {@code vmesos}. */
  static final String FILE_NAME = "vmesos.log";

  private final Path file;
  private final PrintStream previous;
  private final PrintStream stream;

  private DemoLogs(Path file, PrintStream previous, PrintStream stream) {
    this.file = file;
    this.previous = previous;
    this.stream = stream;
  }

  /** From now on log lines go to {@code dir/vmesos.log} (appended), until {@link #close}. */
  static DemoLogs toFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME).toAbsolutePath();
    PrintStream stream = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
    dev.vmesos.api.logging.Logging.configure(dir, "vmesos",
        dev.vmesos.api.logging.Logging.flags().getOrDefault("logging_level", "INFO"));
    PrintStream previous = System.err;
    System.setErr(stream);
    return new DemoLogs(file, previous, stream);
  }

  Path file() {
    return file;
  }

  /** Logs go where they went before. */
  @Override
  public void close() {
    if (System.err == stream) {
      System.setErr(previous);
    }
    stream.close();
  }
}
