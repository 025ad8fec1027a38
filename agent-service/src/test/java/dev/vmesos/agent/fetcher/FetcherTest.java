package dev.vmesos.agent.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.vmesos.api.v1.Protos.CommandInfo;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher against real files, a real {@code tar}, and a real HTTP server on loopback. */
class FetcherTest {

  @TempDir
  Path dir;

  private Path sandbox;
  private HttpServer server;
  private final Fetcher fetcher = new Fetcher(Duration.ofSeconds(10));

  @BeforeEach
  void setUp() throws Exception {
    sandbox = dir.resolve("sandbox");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/files/run.sh", exchange -> {
      byte[] body = "#!/bin/sh\necho from-http\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/missing", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static CommandInfo.URI uri(String value) {
    return CommandInfo.URI.newBuilder().setValue(value).build();
  }

  @Test
  void anHttpUriIsDownloadedAndMadeExecutable() throws Exception {
    fetcher.fetch(List.of(uri(url("/files/run.sh")).toBuilder().setExecutable(true).build()), sandbox, "c1");

    Path script = sandbox.resolve("run.sh");
    assertThat(Files.readString(script)).isEqualTo("#!/bin/sh\necho from-http\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(sandbox.resolve("stderr"))).contains("Fetching URI '" + url("/files/run.sh") + "'")
        .contains("Made '" + script + "' executable");
  }

  @Test
  void fileUrisAndPathsAreCopiedUnderTheirNameOrOutputFile() throws Exception {
    Path source = Files.writeString(dir.resolve("data.txt"), "payload");

    fetcher.fetch(List.of(uri("file://" + source), uri(source.toString()).toBuilder().setOutputFile("conf/copy.txt")
        .build()), sandbox, "c1");

    assertThat(Files.readString(sandbox.resolve("data.txt"))).isEqualTo("payload");
    assertThat(Files.readString(sandbox.resolve("conf/copy.txt"))).isEqualTo("payload");
    assertThat(Files.isExecutable(sandbox.resolve("data.txt"))).isFalse();
  }

  @Test
  void tarGzAndZipArchivesAreExtractedIntoTheSandboxAndKept() throws Exception {
    Path content = Files.createDirectories(dir.resolve("content/app"));
    Files.writeString(content.resolve("hello.txt"), "from-tar");
    Path tgz = dir.resolve("app.tgz");
    Process tar = new ProcessBuilder("tar", "-C", dir.resolve("content").toString(), "-czf", tgz.toString(), "app")
        .inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    Path zip = dir.resolve("bundle.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("bundle/inside.txt"));
      out.write("from-zip".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }

    fetcher.fetch(List.of(uri(tgz.toString()), uri("file://" + zip),
        uri(tgz.toString()).toBuilder().setExtract(false).setOutputFile("raw.tgz").build()), sandbox, "c1");

    assertThat(Files.readString(sandbox.resolve("app/hello.txt"))).isEqualTo("from-tar");
    assertThat(Files.readString(sandbox.resolve("bundle/inside.txt"))).isEqualTo("from-zip");
    assertThat(sandbox.resolve("app.tgz")).exists();
    assertThat(sandbox.resolve("raw.tgz")).exists();
  }

  @Test
  void aFailingUriStopsTheFetchNamingIt() throws Exception {
    Path source = Files.writeString(dir.resolve("first.txt"), "x");
    String missing = url("/missing");

    assertThatThrownBy(() -> fetcher.fetch(List.of(uri(source.toString()), uri(missing), uri(url("/files/run.sh"))),
        sandbox, "c1")).isInstanceOf(FetchException.class).hasMessage("Failed to fetch '" + missing + "': HTTP 404");
    assertThat(sandbox.resolve("first.txt")).exists();
    assertThat(sandbox.resolve("run.sh")).as("nothing after the failure").doesNotExist();
    assertThat(sandbox.resolve("missing")).as("no half-written file").doesNotExist();

    assertThatThrownBy(() -> fetcher.fetch(List.of(uri("/no/such/file")), sandbox, "c1"))
        .hasMessage("Failed to fetch '/no/such/file': /no/such/file does not exist");
    assertThatThrownBy(() -> fetcher.fetch(List.of(uri("hdfs://nn/x.tgz")), sandbox, "c1"))
        .hasMessageStartingWith("Failed to fetch 'hdfs://nn/x.tgz': unsupported scheme");
    assertThatThrownBy(() -> fetcher.fetch(List.of(uri(source.toString()).toBuilder().setOutputFile("../escape")
        .build()), sandbox, "c1")).hasMessageContaining("leads outside the sandbox");
    assertThat(dir.resolve("escape")).doesNotExist();
    String refused = "http://127.0.0.1:1/x.txt";
    assertThatThrownBy(() -> fetcher.fetch(List.of(uri(refused)), sandbox, "c1"))
        .hasMessageStartingWith("Failed to fetch '" + refused + "': ConnectException");
  }

  @Test
  void aZipEntryLeadingOutOfTheSandboxIsRefused() throws Exception {
    Path zip = dir.resolve("evil.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("../../outside.txt"));
      out.write("x".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }

    assertThatThrownBy(() -> fetcher.fetch(List.of(uri(zip.toString())), sandbox, "c1"))
        .hasMessageContaining("entry '../../outside.txt' leads outside the sandbox");
    assertThat(dir.resolve("outside.txt")).doesNotExist();
  }
}
