package dev.vmesos.client;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Finds the leading master as Mesos clients do: {@code GET /redirect} on any master answers 307 with
 * a protocol-relative {@code Location: //leader:port}, the leader included (it points at itself).
 * A 503 means no leader is elected yet (retryable); any other answer means the address is not a
 * Mesos master, and the failure says so in one line.
 */
public final class LeaderDiscovery {

  static final int TIMEOUT_MS = 5_000;

  private LeaderDiscovery() {
  }

  public static Future<MasterAddress> leader(HttpClientAgent http, MasterAddress start) {
    return leader(http, start, ClientSecurity.none());
  }

  /**
   * As {@link #leader(HttpClientAgent, MasterAddress)}, over TLS and with credentials as
   * {@code security} says; the leader named by a protocol-relative Location is reached the same way.
   */
  public static Future<MasterAddress> leader(HttpClientAgent http, MasterAddress start, ClientSecurity security) {
    boolean tls = security.usesTls(start);
    RequestOptions options = security.apply(new RequestOptions().setMethod(HttpMethod.GET).setHost(start.host())
        .setPort(start.port()).setURI("/redirect").setFollowRedirects(false).setTimeout(TIMEOUT_MS), start);
    return http.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().compose(body -> {
          int status = response.statusCode();
          if (status == 307) {
            try {
              return Future.succeededFuture(MasterAddress.fromLocation(response.getHeader(HttpHeaders.LOCATION), tls));
            } catch (IllegalArgumentException e) {
              return Future.failedFuture(new SchedulerSessionException(
                  "master at " + start + " answered GET /redirect with a bad redirect: " + e.getMessage()));
            }
          }
          if (status == 503) {
            return Future.failedFuture(new SchedulerHttpException(503, body.toString()));
          }
          return Future.failedFuture(new SchedulerSessionException((tls ? "https://" : "http://")
              + start.host() + ":" + start.port()
              + " is not a Mesos master: GET /redirect answered " + status + " (a master answers 307)"));
        }));
  }
}
