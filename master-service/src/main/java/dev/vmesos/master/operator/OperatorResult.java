package dev.vmesos.master.operator;

import dev.vmesos.api.v1.master.Protos.Response;

/**
 * The outcome of a synchronous operator call: an HTTP status and either a response to encode, an
 * empty body (a successful update), or an error message.
 */
record OperatorResult(int status, String message, Response response) {

  static OperatorResult ok(Response response) {
    return new OperatorResult(200, "", response);
  }

  static OperatorResult okEmpty() {
    return new OperatorResult(200, "", null);
  }

  static OperatorResult badRequest(String message) {
    return new OperatorResult(400, message, null);
  }

  static OperatorResult notImplemented(String message) {
    return new OperatorResult(501, message, null);
  }

  boolean isSuccess() {
    return status < 300;
  }
}
