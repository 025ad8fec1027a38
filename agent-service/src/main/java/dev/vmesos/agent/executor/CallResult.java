package dev.vmesos.agent.executor;

/**
 * What an executor call came to: 202, or an HTTP status with a plain-text reason. Errors are values
 * until {@link ExecutorEndpoint} writes them.
 *
 * @param status  the HTTP status
 * @param message the body for an error; empty for success
 */
record CallResult(int status, String message) {

  static final CallResult ACCEPTED = new CallResult(202, "");
  /** A SUBSCRIBE whose stream is open: the response is already under way. */
  static final CallResult SUBSCRIBED = new CallResult(200, "");

  static CallResult badRequest(String message) {
    return new CallResult(400, message);
  }

  static CallResult forbidden(String message) {
    return new CallResult(403, message);
  }

  boolean ok() {
    return status < 300;
  }
}
