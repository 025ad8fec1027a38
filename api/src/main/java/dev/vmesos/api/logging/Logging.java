package dev.vmesos.api.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.vmesos.api.config.Flags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The logging of a vmesos JVM, on Logback: where lines go (stderr, or a rotated file under
 * {@code --log_dir}), the base level ({@code --logging_level}) and the verbosity operators change at
 * run time ({@code /logging/toggle}, {@code SET_LOGGING_LEVEL}).
 *
 * <p>Verbosity is Mesos's glog {@code v}, 0 at start. vmesos has no VLOG levels, so it maps onto
 * Logback levels: 0 is the base level, 1 puts vmesos's own loggers ({@code dev.vmesos}) at DEBUG, 2 at
 * TRACE, and 3 or more also puts every other logger (Vert.x, Netty, Hazelcast) at DEBUG. As in
 * Mesos, a verbosity other than 0 reverts to 0 once its duration has passed, unless it was set again
 * in the meantime.
 *
 * <p>Only for JVMs whose slf4j backend is Logback (every vmesos process); a framework using the api
 * module without Logback never loads this class.
 */
public final class Logging {

  public static final String LOG_DIR_PROPERTY = "vmesos.log_dir";
  public static final String LOG_NAME_PROPERTY = "vmesos.log_name";
  public static final String LEVEL_PROPERTY = "vmesos.logging_level";
  public static final String MAX_SIZE_PROPERTY = "vmesos.log_max_size";
  public static final String MAX_FILES_PROPERTY = "vmesos.log_max_files";
  /** The one-line format vmesos has always used: time, level, class, message (a stack trace follows it). */
  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %level %logger{0} - %msg%n";
  public static final long DEFAULT_MAX_SIZE = 10L << 20;
  public static final int DEFAULT_MAX_FILES = 5;
  /** Logback's bound on a fixed rotation window. */
  static final int MAX_FILES = 20;
  /** How often, at most, the file's size is compared with the rotation size. */
  static final long SIZE_CHECK_MILLIS = 100;

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Logging.class);

  private static Settings current = Settings.DEFAULT;
  private static int verbosity;
  private static long revertAtNanos;
  private static ScheduledExecutorService reverter;

  private Logging() {
  }

  /**
   * Where and how much a JVM logs.
   *
   * @param logDir       directory of the log file; null logs to stderr
   * @param name         the file's name without {@code .log} ({@code master}, {@code agent}, ...)
   * @param level        the base level, Mesos's {@code --logging_level}
   * @param maxFileBytes the size at which the file rotates to {@code <name>.log.1}
   * @param maxFiles     rotated files kept ({@code <name>.log.1} .. {@code <name>.log.<maxFiles>})
   */
  public record Settings(Path logDir, String name, Level level, long maxFileBytes, int maxFiles) {

    static final Settings DEFAULT = new Settings(null, "vmesos", Level.INFO, DEFAULT_MAX_SIZE, DEFAULT_MAX_FILES);

    public Settings {
      if (maxFileBytes < 1024) {
        throw new IllegalArgumentException("log files rotate at 1KB at least, not " + maxFileBytes + "B");
      }
      if (maxFiles < 1 || maxFiles > MAX_FILES) {
        throw new IllegalArgumentException("between 1 and " + MAX_FILES + " rotated log files, not " + maxFiles);
      }
    }

    /** The active log file, when logging to a file. */
    public Optional<Path> file() {
      return logDir == null ? Optional.empty() : Optional.of(logDir.resolve(name + ".log"));
    }

    /**
     * From system properties: {@code vmesos.log_dir}, {@code vmesos.log_name} (default {@code vmesos}),
     * {@code vmesos.logging_level} (INFO, WARNING, ERROR), {@code vmesos.log_max_size} (a byte size
     * such as {@code 10MB}, the default) and {@code vmesos.log_max_files} (default 5). A bad value
     * is said on stderr and its default used: logging must not stop a process from starting.
     */
    public static Settings fromSystemProperties() {
      String dir = System.getProperty(LOG_DIR_PROPERTY, "").trim();
      String name = System.getProperty(LOG_NAME_PROPERTY, "vmesos").trim();
      Level level = Level.INFO;
      long maxSize = DEFAULT_MAX_SIZE;
      int maxFiles = DEFAULT_MAX_FILES;
      try {
        level = mesosLevel(System.getProperty(LEVEL_PROPERTY, "INFO"));
      } catch (IllegalArgumentException e) {
        System.err.println("vmesos: system property " + LEVEL_PROPERTY + ": " + e.getMessage() + "; using INFO");
      }
      try {
        maxSize = Math.max(1024, Flags.parseBytes(System.getProperty(MAX_SIZE_PROPERTY, "10MB")));
      } catch (IllegalArgumentException e) {
        System.err.println("vmesos: system property " + MAX_SIZE_PROPERTY + ": " + e.getMessage() + "; using 10MB");
      }
      try {
        maxFiles = Math.max(1, Math.min(MAX_FILES, Integer.parseInt(
            System.getProperty(MAX_FILES_PROPERTY, Integer.toString(DEFAULT_MAX_FILES)).trim())));
      } catch (NumberFormatException e) {
        System.err.println("vmesos: system property " + MAX_FILES_PROPERTY + " is not a number; using "
            + DEFAULT_MAX_FILES);
      }
      return new Settings(dir.isEmpty() ? null : Path.of(dir).toAbsolutePath(), name.isEmpty() ? "vmesos" : name,
          level, maxSize, maxFiles);
    }
  }

  /** Mesos's {@code --logging_level} names: INFO, WARNING, ERROR. */
  public static Level mesosLevel(String name) {
    return switch (name.trim()) {
      case "INFO" -> Level.INFO;
      case "WARNING" -> Level.WARN;
      case "ERROR" -> Level.ERROR;
      default -> throw new IllegalArgumentException("'" + name.trim() + "' is not a logging level (INFO, WARNING,"
          + " ERROR)");
    };
  }

  static String mesosName(Level level) {
    return level == Level.WARN ? "WARNING" : level.toString();
  }

  /**
   * A process's flags take over from the system properties: logs go to
   * {@code <logDir>/<name>.log} (stderr when {@code logDir} is null) at {@code level}. The system
   * properties are set too, so that what the JVM starts later sees the same.
   */
  public static synchronized void configure(Path logDir, String name, String level) {
    if (logDir != null) {
      System.setProperty(LOG_DIR_PROPERTY, logDir.toAbsolutePath().toString());
    }
    System.setProperty(LOG_NAME_PROPERTY, name);
    System.setProperty(LEVEL_PROPERTY, level);
    context().ifPresent(context -> apply(context, Settings.fromSystemProperties()));
  }

  /** The settings in force. */
  public static synchronized Settings settings() {
    return current;
  }

  /** The file this JVM logs to; empty when it logs to stderr (Mesos's master then has no {@code /master/log}). */
  public static Optional<Path> logFile() {
    return settings().file();
  }

  /** {@code log_dir} (when set) and {@code logging_level} as {@code /flags} shows them. */
  public static Map<String, String> flags() {
    Settings settings = settings();
    Map<String, String> flags = new LinkedHashMap<>();
    if (settings.logDir() != null) {
      flags.put("log_dir", settings.logDir().toString());
    }
    flags.put("logging_level", mesosName(settings.level()));
    return flags;
  }

  /** The verbosity in force (glog's {@code v}). */
  public static synchronized int verbosity() {
    return verbosity;
  }

  /**
   * Sets the verbosity; one other than 0 reverts to 0 after {@code duration} unless set again
   * before then. The caller has validated both (level at least 0, duration not negative).
   */
  public static synchronized void setVerbosity(int level, Duration duration) {
    if (level < 0 || duration.isNegative()) {
      throw new IllegalArgumentException("level " + level + ", duration " + duration);
    }
    verbosity = level;
    context().ifPresent(context -> applyVerbosity(context, level));
    if (level != 0) {
      long nanos = saturatedNanos(duration);
      revertAtNanos = System.nanoTime() + nanos;
      if (reverter == null) {
        reverter = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "vmesos-logging-revert");
          thread.setDaemon(true);
          return thread;
        });
      }
      reverter.schedule(Logging::revertIfDue, nanos, TimeUnit.NANOSECONDS);
      LOG.info("Logging verbosity set to {} for {} ms ({})", level, duration.toMillis(), describe(level));
    } else {
      LOG.info("Logging verbosity set to 0 ({})", describe(0));
    }
  }

  private static synchronized void revertIfDue() {
    if (verbosity != 0 && System.nanoTime() - revertAtNanos >= 0) {
      verbosity = 0;
      context().ifPresent(context -> applyVerbosity(context, 0));
      LOG.info("Logging verbosity reverted to 0 ({})", describe(0));
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  /** What a verbosity means in Logback levels, for the log line that reports a change. */
  static String describe(int level) {
    String base = mesosName(settings().level());
    return switch (level) {
      case 0 -> "everything at " + base;
      case 1 -> "dev.vmesos at DEBUG, the rest at " + base;
      case 2 -> "dev.vmesos at TRACE, the rest at " + base;
      default -> "dev.vmesos at TRACE, the rest at DEBUG";
    };
  }

  private static Optional<LoggerContext> context() {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext context ? Optional.of(context) : Optional.empty();
  }

  /** Installs {@code settings} on {@code context}: appender, base level, quiet Hazelcast, the verbosity. */
  static synchronized void apply(LoggerContext context, Settings settings) {
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    Appender<ILoggingEvent> appender;
    if (settings.file().isPresent()) {
      RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
      file.setContext(context);
      file.setName("file");
      file.setFile(settings.file().get().toString());
      FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
      rolling.setContext(context);
      rolling.setParent(file);
      rolling.setFileNamePattern(settings.file().get() + ".%i");
      rolling.setMinIndex(1);
      rolling.setMaxIndex(settings.maxFiles());
      rolling.start();
      SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
      trigger.setContext(context);
      trigger.setMaxFileSize(new FileSize(settings.maxFileBytes()));
      // Logback looks at the file's size at most once a minute by default: a busy log would overshoot.
      trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(SIZE_CHECK_MILLIS));
      trigger.start();
      file.setRollingPolicy(rolling);
      file.setTriggeringPolicy(trigger);
      file.setEncoder(encoder);
      file.start();
      appender = file;
    } else {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setContext(context);
      console.setName("stderr");
      console.setTarget("System.err");
      console.setEncoder(encoder);
      console.start();
      appender = console;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    current = settings;
    // Hazelcast is chatty at INFO (membership tables, partition migrations): only its warnings.
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
    context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
    applyVerbosity(context, verbosity);
  }

  private static void applyVerbosity(LoggerContext context, int level) {
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level >= 3 ? Level.DEBUG : current.level());
    context.getLogger("dev.vmesos").setLevel(level <= 0 ? null : level == 1 ? Level.DEBUG : Level.TRACE);
  }
}
