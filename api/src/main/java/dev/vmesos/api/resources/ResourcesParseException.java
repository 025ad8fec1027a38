package dev.vmesos.api.resources;

/**
 * A {@code --resources} value that cannot be read. The message names the offending part of the
 * text and says what is wrong with it, so it can be shown to the operator as is.
 */
public final class ResourcesParseException extends IllegalArgumentException {

  private final String token;
  private final String reason;

  public ResourcesParseException(String token, String reason) {
    super("Invalid resource '" + token + "': " + reason);
    this.token = token;
    this.reason = reason;
  }

  /** The part of the input that is wrong, e.g. {@code cpus:-1}. */
  public String token() {
    return token;
  }

  /** Why it is wrong, e.g. {@code the value -1 is negative}. */
  public String reason() {
    return reason;
  }
}
