package dev.vmesos.client;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How the project's clients (the scheduler library, the examples, {@code bench}) prove who they are
 * and check whom they talk to: HTTP Basic with a principal and secret, as Mesos's HTTP
 * authenticator expects ({@code Authorization: Basic base64(principal:secret)} on every request),
 * and TLS trusting a CA. Nothing by default: plain HTTP, no credentials.
 *
 * @param tls        the CA (and client certificate) to use for {@code https} masters; a master
 *                   address given as {@code https://} uses TLS even without one (the JVM's CAs)
 * @param credential the principal and secret sent on every request
 */
public record ClientSecurity(Optional<ClientTls> tls, Optional<Credentials.Credential> credential) {

  /** The flags {@link #fromFlags} reads, for a client's {@code --help}. */
  public static final dev.vmesos.api.config.FlagHelp HELP = dev.vmesos.api.config.FlagHelp.builder()
      .flag("principal", "NAME", null, "Principal to authenticate with (HTTP Basic), with --secret.")
      .flag("secret", "SECRET", null, "The principal's secret.")
      .flag("credential", "PATH", null, "Instead of --principal and --secret: a Mesos credential file, JSON"
          + " {\"principal\": ..., \"secret\": ...} or one line 'principal secret'.")
      .flag("ca_file", "PATH", "LIBPROCESS_SSL_CA_FILE", "PEM CA certificates to trust for masters reached over"
          + " https (given as https://HOST:PORT, or any master once a CA is set).")
      .build();

  public static ClientSecurity none() {
    return new ClientSecurity(Optional.empty(), Optional.empty());
  }

  public ClientSecurity withTls(ClientTls value) {
    return new ClientSecurity(Optional.of(value), credential);
  }

  public ClientSecurity withCredential(Credentials.Credential value) {
    return new ClientSecurity(tls, Optional.of(value));
  }

  /**
   * From a client's flags, with Mesos's names where Mesos has them: {@code --principal} and
   * {@code --secret} (as Mesos's example frameworks take them), or {@code --credential}, a Mesos
   * credential file (JSON {@code {"principal", "secret"}} or one line {@code principal secret});
   * {@code --ca_file} (else {@code LIBPROCESS_SSL_CA_FILE}, with {@code LIBPROCESS_SSL_ENABLED}) for
   * the CA of {@code https} masters.
   *
   * @throws FlagException naming the flag that is incomplete or unreadable
   */
  public static ClientSecurity fromFlags(Flags flags, Map<String, String> env) {
    Optional<String> principal = flags.optional("principal");
    Optional<String> secret = flags.optional("secret");
    Optional<String> file = flags.optional("credential");
    Optional<Credentials.Credential> credential;
    if (file.isPresent()) {
      if (principal.isPresent() || secret.isPresent()) {
        throw new FlagException("Flag '--credential': give either it or --principal and --secret");
      }
      credential = Optional.of(Credentials.readOne("credential", file.get()));
    } else if (principal.isPresent() != secret.isPresent()) {
      throw new FlagException(principal.isPresent() ? "Flag '--principal': needs --secret"
          : "Flag '--secret': needs --principal");
    } else {
      credential = principal.map(p -> new Credentials.Credential(p, secret.get()));
    }
    Optional<ClientTls> tls;
    Optional<String> ca = flags.optional("ca_file");
    if (ca.isPresent()) {
      Path path = Path.of(ca.get().trim());
      if (!Files.isReadable(path)) {
        throw new FlagException("Flag '--ca_file': cannot read " + ca.get());
      }
      tls = Optional.of(ClientTls.trusting(path));
    } else {
      try {
        tls = ClientTls.fromLibprocessEnv(env);
      } catch (IllegalArgumentException e) {
        throw new FlagException("Variable " + e.getMessage());
      }
    }
    return new ClientSecurity(tls, credential);
  }

  /** Whether a request to {@code master} goes over TLS: it was given as {@code https://}, or a CA is set. */
  public boolean usesTls(MasterAddress master) {
    return master.tls() || tls.isPresent();
  }

  /** A Vert.x client's options for masters reached over TLS (the CA to trust), unchanged otherwise. */
  public HttpClientOptions apply(HttpClientOptions options) {
    return tls.map(t -> withTls(t, options)).orElse(options);
  }

  /** {@code request} to {@code master}, over TLS if it should be, with the credential if there is one. */
  public RequestOptions apply(RequestOptions request, MasterAddress master) {
    request.setSsl(usesTls(master));
    credential.ifPresent(c -> request.putHeader(HttpHeaders.AUTHORIZATION, basic(c)));
    return request;
  }

  /** {@code Basic base64(principal:secret)}. */
  public static String basic(Credentials.Credential credential) {
    return dev.vmesos.api.security.HttpBasic.header(credential.principal(), credential.secret());
  }

  /**
   * A Vert.x HTTP client's options with {@code tls} set. It lives here, with the scheduler library,
   * and not in {@link ClientTls}: executors use that one with no Vert.x on their class path.
   */
  static HttpClientOptions withTls(ClientTls tls, HttpClientOptions options) {
    options.setSsl(true);
    if (tls.verify()) {
      options.setVerifyHost(true);
      tls.caFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    } else {
      options.setTrustAll(true).setVerifyHost(false);
    }
    if (tls.certFile().isPresent()) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().get().toString())
          .setKeyPath(tls.keyFile().orElseThrow().toString()));
    }
    return options;
  }
}
