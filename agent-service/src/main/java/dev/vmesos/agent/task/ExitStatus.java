package dev.vmesos.agent.task;

import java.util.Map;

/**
 * Describes how a task process ended, in the words of the Mesos command executor. Java reports a
 * process killed by signal N as exit value 128 + N, which is also what a shell returns when its
 * child was killed, so both read as "terminated with signal".
 */
public final class ExitStatus {

  private static final Map<Integer, String> SIGNALS = Map.of(
      1, "Hangup", 2, "Interrupt", 3, "Quit", 4, "Illegal instruction", 6, "Aborted",
      8, "Floating point exception", 9, "Killed", 11, "Segmentation fault", 13, "Broken pipe",
      15, "Terminated");

  private ExitStatus() {
  }

  public static boolean isSuccess(int exitValue) {
    return exitValue == 0;
  }

  /** {@code Command exited with status 3}, or {@code Command terminated with signal Killed}. */
  public static String describe(int exitValue) {
    if (exitValue > 128 && exitValue <= 128 + 64) {
      int signal = exitValue - 128;
      return "Command terminated with signal " + SIGNALS.getOrDefault(signal, "number " + signal);
    }
    return "Command exited with status " + exitValue;
  }
}
