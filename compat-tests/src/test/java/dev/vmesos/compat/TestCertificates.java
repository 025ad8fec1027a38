package dev.vmesos.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A CA and a certificate it signed for 127.0.0.1, made with openssl as an operator makes them, and
 * the LIBPROCESS_SSL_* variables that give them to vmesos.
 */
final class TestCertificates {

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  static TestCertificates create(Path dir) throws Exception {
    TestCertificates certificates = new TestCertificates(dir);
    certificates.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-compat-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    certificates.openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "master.key",
        "-out", "master.csr");
    Files.writeString(dir.resolve("master.ext"), "subjectAltName=IP:127.0.0.1\n");
    certificates.openssl("x509", "-req", "-in", "master.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "1", "-extfile", "master.ext", "-out", "master.pem");
    return certificates;
  }

  Path ca() {
    return dir.resolve("ca.pem");
  }

  /** Mesos's variables: HTTPS with this certificate; the agents check the master's against the CA. */
  Map<String, String> libprocessEnv() {
    return Map.of(
        "LIBPROCESS_SSL_ENABLED", "true",
        "LIBPROCESS_SSL_CERT_FILE", dir.resolve("master.pem").toString(),
        "LIBPROCESS_SSL_KEY_FILE", dir.resolve("master.key").toString(),
        "LIBPROCESS_SSL_CA_FILE", ca().toString());
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", command, output).isTrue();
  }
}
