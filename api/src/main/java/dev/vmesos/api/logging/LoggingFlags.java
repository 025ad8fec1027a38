package dev.vmesos.api.logging;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Mesos's logging flags of the master and the agent: {@code --log_dir} (the log goes to
 * {@code <log_dir>/<process>.log}, rotated by size, instead of stderr) and {@code --logging_level}
 * (INFO, WARNING or ERROR). Validated before anything starts; {@link #apply} then hands them to
 * {@link Logging}. This class needs no Logback, so configurations can parse it anywhere.
 *
 * @param logDir the directory, created if missing; empty logs to stderr
 * @param level  the Mesos level name
 */
public record LoggingFlags(Optional<Path> logDir, String level) {

  static final Set<String> LEVELS = Set.of("INFO", "WARNING", "ERROR");

  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("log_dir", "PATH", null, "Directory of the log file (<log_dir>/master.log or agent.log, rotated by size:"
          + " -Dvmesos.log_max_size=10MB, -Dvmesos.log_max_files=5); without it, logs go to stderr.")
      .flag("logging_level", "LEVEL", "INFO", "Lowest level logged: INFO, WARNING or ERROR.")
      .build();

  public static LoggingFlags fromFlags(Flags flags) {
    String level = flags.string("logging_level", "INFO").trim();
    if (!LEVELS.contains(level)) {
      throw new FlagException("Flag '--logging_level': '" + level + "' is not one of INFO, WARNING, ERROR");
    }
    Optional<String> given = flags.optional("log_dir").map(String::trim).filter(v -> !v.isEmpty());
    if (given.isEmpty()) {
      return new LoggingFlags(Optional.empty(), level);
    }
    Path path;
    try {
      path = Path.of(given.get()).toAbsolutePath();
      Files.createDirectories(path);
    } catch (IOException | RuntimeException e) {
      throw new FlagException("Flag '--log_dir': cannot create directory " + given.get() + ": " + e);
    }
    if (!Files.isWritable(path)) {
      throw new FlagException("Flag '--log_dir': directory " + path + " is not writable");
    }
    Optional<Path> dir = Optional.of(path);
    return new LoggingFlags(dir, level);
  }

  /** Logs of this process (named {@code name}: master, agent) go where the flags say from now on. */
  public void apply(String name) {
    Logging.configure(logDir.orElse(null), name, level);
  }
}
