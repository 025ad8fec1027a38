package dev.vmesos.client;

/**
 * Why a {@link SchedulerSession} ended on its own: a one-line message fit for a user (the master is
 * unreachable, the URL is not a master, the master refused the framework), and the cause.
 */
public final class SchedulerSessionException extends RuntimeException {

  public SchedulerSessionException(String message, Throwable cause) {
    super(message, cause);
  }

  public SchedulerSessionException(String message) {
    super(message);
  }
}
