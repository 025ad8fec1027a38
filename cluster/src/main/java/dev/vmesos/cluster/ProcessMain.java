package dev.vmesos.cluster;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;

/**
 * What every vmesos process's {@code main} does around starting itself: Hazelcast set up before it
 * loads, and a failure to start (a bad flag above all) said in one line naming the command, then
 * exit status 1.
 */
public final class ProcessMain {

  /** Starts a process from its arguments; returns once it runs (it stops with the JVM). */
  @FunctionalInterface
  public interface Starter {
    void start(String[] args) throws Exception;
  }

  private ProcessMain() {
  }

  /**
   * Starts a process from its arguments, or, given {@code --help}, prints {@code help} and exits 0;
   * returns once it runs (it stops with the JVM).
   */
  public static void run(String command, String[] args, FlagHelp help, Starter starter) {
    if (FlagHelp.requested(args)) {
      help.print("vmesos " + command + " [--flag=value ...]", System.out);
      System.exit(0);
    }
    Cluster.configureProcess();
    try {
      starter.start(args);
    } catch (FlagException e) {
      System.err.println("vmesos " + command + ": failed to load flags: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("vmesos " + command + ": " + describe(e));
      System.exit(1);
    }
  }

  /** A start-up failure in one line: our own messages as they are, anything else with its type. */
  public static String describe(Throwable e) {
    return e instanceof IllegalStateException && e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
