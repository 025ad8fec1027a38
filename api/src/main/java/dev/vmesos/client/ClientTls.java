package dev.vmesos.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How one of the project's clients (the scheduler library, the executor library, the examples,
 * {@code bench}) reaches a master or an agent over HTTPS: the CA whose certificates it trusts (PEM;
 * none: the JVM's default trust store), and optionally its own certificate and key (PEM, the key in
 * PKCS#8, as {@code openssl req -newkey} writes it) for servers that require client certificates.
 * Read from the same {@code LIBPROCESS_SSL_*} variables Mesos's libraries read, so an executor the
 * agent starts with them speaks HTTPS to it as a Mesos executor would.
 *
 * @param caFile   PEM certificates to trust; empty: the JVM's defaults
 * @param certFile the client's certificate chain (PEM), with {@code keyFile}
 * @param keyFile  the client's private key (PKCS#8 PEM)
 * @param verify   whether the server's certificate and host name are checked (Mesos's
 *                 {@code LIBPROCESS_SSL_VERIFY_CERT}; from the environment, on when a CA file is
 *                 given, as the agent's and master's {@code TlsConfig})
 */
public record ClientTls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean verify) {

  public ClientTls {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
  }

  /** HTTPS trusting the certificates in {@code caFile}, without a client certificate. */
  public static ClientTls trusting(Path caFile) {
    return new ClientTls(Optional.of(caFile), Optional.empty(), Optional.empty(), true);
  }

  /** HTTPS trusting the JVM's default CAs. */
  public static ClientTls defaults() {
    return new ClientTls(Optional.empty(), Optional.empty(), Optional.empty(), true);
  }

  /**
   * From {@code LIBPROCESS_SSL_ENABLED}, {@code LIBPROCESS_SSL_CA_FILE}, {@code LIBPROCESS_SSL_CERT_FILE},
   * {@code LIBPROCESS_SSL_KEY_FILE} and {@code LIBPROCESS_SSL_VERIFY_CERT} /
   * {@code LIBPROCESS_SSL_VERIFY_SERVER_CERT}; empty unless TLS is enabled.
   *
   * @throws IllegalArgumentException naming a variable that is not a boolean
   */
  public static Optional<ClientTls> fromLibprocessEnv(Map<String, String> env) {
    if (!bool(env, "LIBPROCESS_SSL_ENABLED", false)) {
      return Optional.empty();
    }
    Optional<Path> ca = path(env, "LIBPROCESS_SSL_CA_FILE");
    Optional<Path> cert = path(env, "LIBPROCESS_SSL_CERT_FILE");
    Optional<Path> key = path(env, "LIBPROCESS_SSL_KEY_FILE");
    if (cert.isEmpty() || key.isEmpty()) {
      cert = Optional.empty();
      key = Optional.empty();
    }
    boolean verify = bool(env, "LIBPROCESS_SSL_VERIFY_SERVER_CERT", bool(env, "LIBPROCESS_SSL_VERIFY_CERT",
        ca.isPresent()));
    return Optional.of(new ClientTls(ca, cert, key, verify));
  }

  /**
   * An {@link SSLContext} for {@code java.net.http}: trusting {@code caFile} (or everything when not
   * verifying), presenting the client certificate if any.
   *
   * @throws IOException if a file cannot be read or holds no usable certificate or key
   */
  public SSLContext sslContext() throws IOException {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile.isPresent()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates(caFile.get())) {
          store.setCertificateEntry("ca-" + i++, certificate);
        }
        trust.init(store);
      } else {
        trust.init((KeyStore) null);
      }
      KeyManagerFactory keys = null;
      if (certFile.isPresent()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setKeyEntry("client", privateKey(keyFile.orElseThrow()), new char[0],
            certificates(certFile.get()).toArray(Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(),
          verify ? trust.getTrustManagers() : new javax.net.ssl.TrustManager[] {new TrustingEverything()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (all.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return all;
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = pem.indexOf(begin);
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new IOException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY); convert it with"
          + " 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.spec.InvalidKeySpecException e) {
        // the next algorithm
      }
    }
    throw new IOException(file + " holds a private key of an unsupported algorithm");
  }

  private static Optional<Path> path(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
  }

  private static boolean bool(Map<String, String> env, String name, boolean otherwise) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes" -> true;
      case "0", "false", "no" -> false;
      default -> throw new IllegalArgumentException(name + "='" + value + "' is not a boolean");
    };
  }

  /** With verification off (LIBPROCESS_SSL_VERIFY_CERT=false), as Mesos allows: any server certificate. */
  private static final class TrustingEverything extends javax.net.ssl.X509ExtendedTrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
