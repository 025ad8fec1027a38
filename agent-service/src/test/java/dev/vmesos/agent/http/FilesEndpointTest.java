package dev.vmesos.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.http.FilesEndpoint.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file endpoints' blocking core on a real temporary tree, including attempts to leave it. */
class FilesEndpointTest {

  @TempDir
  Path root;

  private Path workDir;
  private Path sandbox;
  private Path outside;
  private FilesEndpoint files;

  @BeforeEach
  void setUp() throws IOException {
    workDir = Files.createDirectories(root.resolve("work"));
    sandbox = Files.createDirectories(workDir.resolve("slaves/a1/frameworks/fw/executors/e/runs/c1"));
    Files.writeString(sandbox.resolve("stdout"), "hello\nworld\n");
    Files.setPosixFilePermissions(sandbox.resolve("stdout"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(sandbox.resolve("stderr"), "");
    Files.createDirectories(sandbox.resolve("sub"));
    Files.setPosixFilePermissions(sandbox.resolve("sub"), PosixFilePermissions.fromString("rwxr-x---"));
    outside = Files.createDirectories(root.resolve("secret"));
    Files.writeString(outside.resolve("key"), "top secret");
    files = new FilesEndpoint(workDir);
  }

  @Test
  void browseListsADirectoryAsMesosDoes() throws IOException {
    Answer<JsonArray> answer = files.browse(sandbox.toString());

    assertThat(answer.status()).isEqualTo(200);
    List<JsonObject> entries = answer.value().stream().map(JsonObject.class::cast).toList();
    assertThat(entries).extracting(e -> e.getString("path")).containsExactly(
        sandbox.resolve("stderr").toString(), sandbox.resolve("stdout").toString(), sandbox.resolve("sub").toString());
    JsonObject stdout = entries.get(1);
    assertThat(stdout.fieldNames()).containsExactlyInAnyOrder("path", "nlink", "size", "mtime", "mode", "uid", "gid");
    assertThat(stdout.getLong("size")).isEqualTo(12);
    assertThat(stdout.getLong("nlink")).isEqualTo(1);
    assertThat(stdout.getString("mode")).isEqualTo("-rw-r--r--");
    assertThat(stdout.getLong("mtime")).isEqualTo(Files.getLastModifiedTime(sandbox.resolve("stdout")).toMillis() / 1000);
    assertThat(stdout.getString("uid")).isEqualTo(Files.getOwner(sandbox.resolve("stdout")).getName());
    assertThat(stdout.getString("gid")).isNotEmpty();
    assertThat(entries.get(2).getString("mode")).isEqualTo("drwxr-x---");
    assertThat(entries.get(2).getLong("nlink")).isEqualTo(2);
  }

  @Test
  void browseOfAFileDescribesThatFile() {
    Answer<JsonArray> answer = files.browse(sandbox.resolve("stdout").toString());

    assertThat(answer.value()).hasSize(1);
    assertThat(answer.value().getJsonObject(0).getString("path")).isEqualTo(sandbox.resolve("stdout").toString());
  }

  @Test
  void readPagesThroughAFile() {
    String path = sandbox.resolve("stdout").toString();

    assertThat(files.read(path, "0", "5").value()).isEqualTo(new JsonObject().put("data", "hello").put("offset", 0L));
    assertThat(files.read(path, "6", "100").value()).isEqualTo(new JsonObject().put("data", "world\n").put("offset", 6L));
    assertThat(files.read(path, "6", null).value().getString("data")).isEqualTo("world\n");
    assertThat(files.read(path, "12", "10").value()).isEqualTo(new JsonObject().put("data", "").put("offset", 12L));
    assertThat(files.read(path, "50", "10").value().getString("data")).isEmpty();
  }

  @Test
  void readAtOffsetMinusOneOrWithoutOffsetAnswersTheSize() {
    String path = sandbox.resolve("stdout").toString();

    assertThat(files.read(path, "-1", null).value()).isEqualTo(new JsonObject().put("data", "").put("offset", 12L));
    assertThat(files.read(path, null, null).value()).isEqualTo(new JsonObject().put("data", "").put("offset", 12L));
  }

  @Test
  void oneReadIsCappedAtSixteenPages() throws IOException {
    Path big = sandbox.resolve("big");
    Files.write(big, new byte[FilesEndpoint.MAX_READ_LENGTH * 2]);

    assertThat(files.read(big.toString(), "0", "1000000").value().getString("data"))
        .hasSize(FilesEndpoint.MAX_READ_LENGTH);
  }

  @Test
  void badReadsAreRefusedWithTheirStatus() {
    String path = sandbox.resolve("stdout").toString();

    assertThat(files.read(sandbox.toString(), "0", "10").status()).as("a directory").isEqualTo(400);
    assertThat(files.read(sandbox.resolve("nope").toString(), "0", "10").status()).as("missing").isEqualTo(404);
    assertThat(files.read(path, "x", "10").status()).isEqualTo(400);
    assertThat(files.read(path, "-2", "10").status()).isEqualTo(400);
    assertThat(files.read(path, "0", "-5").status()).isEqualTo(400);
    assertThat(files.read(null, "0", "10").status()).as("no path").isEqualTo(400);
    assertThat(files.read("relative/stdout", "0", "10").status()).isEqualTo(400);
    assertThat(files.browse(sandbox.resolve("nope").toString()).status()).isEqualTo(404);
  }

  @Test
  void downloadGivesTheRealFileButNotADirectory() {
    assertThat(files.download(sandbox.resolve("stdout").toString()).value()).hasContent("hello\nworld\n");
    assertThat(files.download(sandbox.toString()).status()).isEqualTo(400);
  }

  @Test
  void absolutePathsElsewhereAreNotFoundWhetherOrNotTheyExist() {
    assertThat(files.read("/etc/passwd", "0", "10").status()).isEqualTo(404);
    assertThat(files.browse("/").status()).isEqualTo(404);
    assertThat(files.browse(outside.toString()).status()).isEqualTo(404);
    assertThat(files.read("/no/such/file", "0", "10").error()).as("no existence oracle")
        .isEqualTo(files.read("/etc/passwd", "0", "10").error().replace("/etc/passwd", "/no/such/file"));
    // A sibling whose name starts with the work dir's is not inside it.
    assertThat(files.browse(workDir + "-evil").status()).isEqualTo(404);
    assertThat(files.read(outside.resolve("key").toString(), "0", "10").error()).contains("not attached");
  }

  @Test
  void onlySandboxesAreServedNotTheRestOfTheWorkDir() throws IOException {
    Path meta = Files.createDirectories(workDir.resolve("meta/slaves/a1/frameworks/fw"));
    Files.writeString(meta.resolve("framework.info"), "checkpoint");
    Files.createDirectories(workDir.resolve("fetch"));
    Files.writeString(workDir.resolve("fetch/cached.tar.gz"), "cached");

    for (String path : List.of(workDir.toString(), workDir + "/meta", meta.resolve("framework.info").toString(),
        workDir + "/fetch/cached.tar.gz", workDir + "/slaves", workDir + "/slaves/a1/frameworks/fw",
        workDir + "/slaves/a1/frameworks/fw/executors/e", workDir + "/slaves/a1/frameworks/fw/executors/e/runs",
        sandbox + "/../../../../../../../meta/slaves/a1/frameworks/fw/framework.info")) {
      assertThat(files.browse(path).status()).as(path).isEqualTo(404);
      assertThat(files.read(path, "0", "10").status()).as(path).isEqualTo(404);
      assertThat(files.download(path).status()).as(path).isEqualTo(404);
    }
    assertThat(files.listFiles(workDir + "/meta").status()).isEqualTo(404);
    // A link in a sandbox to the checkpoints does not reach them either.
    Files.createSymbolicLink(sandbox.resolve("meta"), workDir.resolve("meta"));
    assertThat(files.browse(sandbox.resolve("meta").toString()).status()).isEqualTo(403);
  }

  @Test
  void theSandboxAndItsLatestLinkAreServed() throws IOException {
    Files.createSymbolicLink(sandbox.getParent().resolve("latest"), sandbox.getFileName());

    assertThat(files.browse(sandbox.toString()).value()).hasSize(3);
    assertThat(files.read(sandbox.getParent().resolve("latest/stdout").toString(), "0", "5").value()
        .getString("data")).isEqualTo("hello");
    assertThat(files.browse(sandbox.getParent().resolve("latest").toString()).status()).isEqualTo(200);
    assertThat(files.read(sandbox.resolve("missing").toString(), "0", "5").status()).isEqualTo(404);
  }

  @Test
  void dotDotCannotClimbOut() {
    assertThat(files.read(sandbox + "/../../../../../../../../../secret/key", "0", "10").status()).isEqualTo(404);
    assertThat(files.read(workDir + "/../secret/key", "0", "10").status()).isEqualTo(404);
    assertThat(files.browse(workDir + "/..").status()).isEqualTo(404);
    // Climbing within the sandbox is fine.
    assertThat(files.read(sandbox + "/sub/../stdout", "0", "5").value().getString("data")).isEqualTo("hello");
  }

  @Test
  void symbolicLinksLeadingOutAreForbidden() throws IOException {
    Files.createSymbolicLink(sandbox.resolve("out-dir"), outside);
    Files.createSymbolicLink(sandbox.resolve("out-file"), outside.resolve("key"));
    Files.createSymbolicLink(sandbox.resolve("etc"), Path.of("/etc"));

    assertThat(files.browse(sandbox.resolve("out-dir").toString()).status()).isEqualTo(403);
    assertThat(files.read(sandbox.resolve("out-dir/key").toString(), "0", "10").status()).isEqualTo(403);
    assertThat(files.read(sandbox.resolve("out-file").toString(), "0", "10").status()).isEqualTo(403);
    assertThat(files.download(sandbox.resolve("out-file").toString()).status()).isEqualTo(403);
    assertThat(files.read(sandbox.resolve("etc/passwd").toString(), "0", "10").status()).isEqualTo(403);
    assertThat(files.read(sandbox.resolve("etc/passwd").toString(), "0", "10").error()).contains("symbolic link");
    // Listing the sandbox shows the links themselves, not what they point at.
    List<String> modes = IntStream.range(0, files.browse(sandbox.toString()).value().size())
        .mapToObj(i -> files.browse(sandbox.toString()).value().getJsonObject(i))
        .filter(e -> e.getString("path").endsWith("out-file"))
        .map(e -> e.getString("mode")).toList();
    assertThat(modes).singleElement().satisfies(mode -> assertThat(mode).startsWith("l"));
  }

  @Test
  void aSymbolicLinkToAnotherSandboxIsFollowed() throws IOException {
    Path other = Files.createDirectories(workDir.resolve("slaves/a1/frameworks/fw/executors/e2/runs/c2"));
    Files.writeString(other.resolve("stdout"), "other");
    Files.createSymbolicLink(sandbox.resolve("neighbour"), other);

    assertThat(files.read(sandbox.resolve("neighbour/stdout").toString(), "0", "5").value().getString("data"))
        .isEqualTo("other");
  }

  @Test
  void aWorkDirReachedThroughASymbolicLinkStillServesItsFiles() throws IOException {
    Path alias = Files.createSymbolicLink(root.resolve("alias"), workDir);
    FilesEndpoint throughAlias = new FilesEndpoint(alias);

    assertThat(throughAlias.read(alias.resolve(workDir.relativize(sandbox)).resolve("stdout").toString(), "0", "5")
        .value().getString("data")).isEqualTo("hello");
    assertThat(throughAlias.read(outside.resolve("key").toString(), "0", "5").status()).isEqualTo(404);
  }

  @Test
  void aPathWithANulCharacterIsRefused() {
    assertThat(files.read(sandbox + "/stdout\0", "0", "5").status()).isEqualTo(400);
  }
}
