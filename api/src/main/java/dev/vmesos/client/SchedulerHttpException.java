package dev.vmesos.client;

/** The master answered a scheduler call with an unexpected HTTP status; carries the status and body. */
public final class SchedulerHttpException extends RuntimeException {

  private final int status;
  private final String body;

  public SchedulerHttpException(int status, String body) {
    super("HTTP " + status + (body == null || body.isEmpty() ? "" : ": " + body));
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }
}
