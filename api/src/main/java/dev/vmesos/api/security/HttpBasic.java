package dev.vmesos.api.security;

import dev.vmesos.api.config.Credentials;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP Basic authentication (RFC 7617) against Mesos's {@code --credentials}, as Mesos's
 * {@code basic} HTTP authenticator does it: the {@code Authorization} header carries
 * {@code Basic base64(principal:secret)}, and a request without a valid one is answered 401 with a
 * {@code WWW-Authenticate: Basic realm="..."} challenge naming the realm of the endpoint.
 *
 * <p>Mesos names one realm per class of master endpoint ({@link #READONLY_REALM},
 * {@link #READWRITE_REALM}, {@link #SCHEDULER_REALM}); a client uses the realm only to pick which
 * credential to send.
 */
public final class HttpBasic {

  /** Mesos's realm of the master's read-only endpoints ({@code --authenticate_http_readonly}). */
  public static final String READONLY_REALM = "mesos-master-readonly";
  /** Mesos's realm of the master's read-write endpoints ({@code --authenticate_http_readwrite}). */
  public static final String READWRITE_REALM = "mesos-master-readwrite";
  /** Mesos's realm of the scheduler API ({@code --authenticate_http_frameworks}). */
  public static final String SCHEDULER_REALM = "mesos-master-scheduler";

  /** What an {@code Authorization} header amounted to. */
  public sealed interface Result permits Authenticated, Refused {
  }

  /** The header named a principal of the credentials with its secret. */
  public record Authenticated(String principal) implements Result {
    public Authenticated {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The header was missing, malformed or wrong. {@code reason} is for logs and the 401's body; it
   * never contains the secret presented.
   */
  public record Refused(String reason) implements Result {
  }

  private HttpBasic() {
  }

  /**
   * Authenticates the value of an {@code Authorization} header ({@code null} when there is none).
   * The scheme is matched without regard to case (RFC 7235); the principal ends at the first colon.
   */
  public static Result authenticate(String header, Credentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    if (header == null || header.isBlank()) {
      return new Refused("no Authorization header");
    }
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
      return new Refused("the Authorization header is not HTTP Basic");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value.substring(space + 1).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Refused("the Basic credentials are not base64");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return new Refused("the Basic credentials are not principal:secret");
    }
    String principal = decoded.substring(0, colon);
    return credentials.authenticate(principal, decoded.substring(colon + 1))
        .<Result>map(c -> new Authenticated(c.principal()))
        .orElseGet(() -> new Refused("wrong principal or secret for '" + principal + "'"));
  }

  /** The {@code WWW-Authenticate} challenge of {@code realm}: {@code Basic realm="<realm>"}. */
  public static String challenge(String realm) {
    return "Basic realm=\"" + realm + "\"";
  }

  /** The {@code Authorization} header value a client sends for {@code principal} and {@code secret}. */
  public static String header(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers 401 Unauthorized with the challenge of {@code realm}, as Mesos does; the body says why
   * in one line (Mesos sends none; a person with curl is helped by one).
   */
  public static void unauthorized(HttpServerResponse response, String realm, String reason) {
    response.setStatusCode(401)
        .putHeader("WWW-Authenticate", challenge(realm))
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("Unauthorized: " + reason);
  }
}
