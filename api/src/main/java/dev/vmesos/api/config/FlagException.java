package dev.vmesos.api.config;

/** A command-line flag that is unknown or has a value that cannot be used; the message names it. */
public final class FlagException extends RuntimeException {

  public FlagException(String message) {
    super(message);
  }

  public FlagException(String message, Throwable cause) {
    super(message, cause);
  }
}
