package dev.vmesos.client;

/**
 * The master answered a scheduler call with an unexpected HTTP status; carries the status, the body
 * and, for a 307, the {@code Location} it pointed at.
 */
public final class SchedulerHttpException extends RuntimeException {

  private final int status;
  private final String body;
  private final String location;

  public SchedulerHttpException(int status, String body) {
    this(status, body, null);
  }

  public SchedulerHttpException(int status, String body, String location) {
    super("HTTP " + status + (body == null || body.isEmpty() ? "" : ": " + body.strip())
        + (location == null ? "" : " (Location: " + location + ")"));
    this.status = status;
    this.body = body;
    this.location = location;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }

  /** The {@code Location} header of a redirect, or null. */
  public String location() {
    return location;
  }

  /** 503 (no leader yet, recovery not finished): worth retrying against the same address. */
  public boolean retryable() {
    return status == 503;
  }
}
