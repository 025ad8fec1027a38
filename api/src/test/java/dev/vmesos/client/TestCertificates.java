package dev.vmesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by openssl for tests: a CA, and a server certificate for 127.0.0.1 it signed
 * ({@code ca.pem}; {@code server.pem} with {@code server.key}, PKCS#8) in {@code dir}.
 */
public final class TestCertificates {

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates create(Path dir) throws Exception {
    TestCertificates certificates = new TestCertificates(dir);
    certificates.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vmesos-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem");
    certificates.openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
    certificates.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "1", "-extfile", "server.ext", "-out", "server.pem");
    return certificates;
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  public Path cert() {
    return dir.resolve("server.pem");
  }

  public Path key() {
    return dir.resolve("server.key");
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", command, output).isTrue();
  }
}
