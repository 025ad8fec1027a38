package dev.vmesos.api.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TLS for the masters' HTTP port (and with it the agent bus), configured as Mesos configures
 * libprocess: environment variables {@code LIBPROCESS_SSL_ENABLED}, {@code LIBPROCESS_SSL_CERT_FILE},
 * {@code LIBPROCESS_SSL_KEY_FILE} (PEM), {@code LIBPROCESS_SSL_CA_FILE}, and
 * {@code LIBPROCESS_SSL_REQUIRE_CLIENT_CERT} (or the older {@code LIBPROCESS_SSL_REQUIRE_CERT}) for
 * mutual TLS: a master then admits only agents whose certificate the CA signed. An agent presents its
 * own certificate and checks the master's against the CA ({@code LIBPROCESS_SSL_VERIFY_SERVER_CERT},
 * or {@code LIBPROCESS_SSL_VERIFY_CERT}; on by default when a CA file is given).
 */
public record TlsConfig(boolean enabled, String certFile, String keyFile, Optional<String> caFile,
                        boolean requireClientCert, boolean verifyServerCert) {

  public static TlsConfig disabled() {
    return new TlsConfig(false, null, null, Optional.empty(), false, false);
  }

  /**
   * Reads the libprocess variables.
   *
   * @throws FlagException naming the variable that is missing, unreadable or not a boolean
   */
  public static TlsConfig fromEnv(Map<String, String> env) {
    if (!bool(env, "LIBPROCESS_SSL_ENABLED", false)) {
      return disabled();
    }
    String cert = file(env, "LIBPROCESS_SSL_CERT_FILE", true).orElseThrow();
    String key = file(env, "LIBPROCESS_SSL_KEY_FILE", true).orElseThrow();
    Optional<String> ca = file(env, "LIBPROCESS_SSL_CA_FILE", false);
    boolean require = bool(env, "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT", bool(env, "LIBPROCESS_SSL_REQUIRE_CERT", false));
    boolean verify = bool(env, "LIBPROCESS_SSL_VERIFY_SERVER_CERT", bool(env, "LIBPROCESS_SSL_VERIFY_CERT", ca.isPresent()));
    if ((require || verify) && ca.isEmpty()) {
      throw new FlagException("Variable 'LIBPROCESS_SSL_CA_FILE' is needed to verify certificates"
          + " (LIBPROCESS_SSL_REQUIRE_CLIENT_CERT, LIBPROCESS_SSL_VERIFY_SERVER_CERT)");
    }
    return new TlsConfig(true, cert, key, ca, require, verify);
  }

  /** A master's HTTP server: TLS with its certificate; with mutual TLS, clients must present one the CA signed. */
  public HttpServerOptions apply(HttpServerOptions options) {
    if (!enabled) {
      return options;
    }
    options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile));
    caFile.ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca)));
    return options.setClientAuth(requireClientCert ? ClientAuth.REQUIRED : caFile.isPresent() ? ClientAuth.REQUEST
        : ClientAuth.NONE);
  }

  /** An agent's connection to a master: TLS, its own certificate, and the master's checked against the CA. */
  public WebSocketClientOptions apply(WebSocketClientOptions options) {
    if (!enabled) {
      return options;
    }
    options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile));
    if (verifyServerCert) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(caFile.orElseThrow())).setVerifyHost(true);
    } else {
      options.setTrustAll(true).setVerifyHost(false);
    }
    return options;
  }

  private static Optional<String> file(Map<String, String> env, String name, boolean required) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      if (required) {
        throw new FlagException("Variable '" + name + "' is required when LIBPROCESS_SSL_ENABLED is set");
      }
      return Optional.empty();
    }
    if (!Files.isReadable(Path.of(value))) {
      throw new FlagException("Variable '" + name + "': cannot read " + value);
    }
    return Optional.of(value);
  }

  private static boolean bool(Map<String, String> env, String name, boolean otherwise) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true", "yes" -> true;
      case "0", "false", "no" -> false;
      default -> throw new FlagException("Variable '" + name + "': '" + value + "' is not a boolean");
    };
  }
}
