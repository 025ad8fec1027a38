package dev.vmesos.master.http;

import dev.vmesos.api.http.MediaTypes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Error and plain responses as libprocess writes them: text/plain with a Content-Length. */
public final class Responses {

  private Responses() {
  }

  public static void text(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.TEXT_PLAIN_UTF8)
        .end(body);
  }
}
