package dev.vmesos.master.state;

/** The outcome of a non-SUBSCRIBE scheduler call: an HTTP status and, for errors, a reason. */
public record CallResult(int status, String message) {

  public static final CallResult ACCEPTED = new CallResult(202, "");
  public static final CallResult OK = new CallResult(200, "");

  public static CallResult badRequest(String message) {
    return new CallResult(400, message);
  }

  public static CallResult forbidden(String message) {
    return new CallResult(403, message);
  }

  /** The call could not be applied; nothing it started was kept (see {@code Master.call}). */
  public static CallResult internalError(String message) {
    return new CallResult(500, message);
  }

  public static CallResult notImplemented(String message) {
    return new CallResult(501, message);
  }

  public boolean isSuccess() {
    return status < 300;
  }
}
