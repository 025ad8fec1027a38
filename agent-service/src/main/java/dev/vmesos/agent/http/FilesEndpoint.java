package dev.vmesos.agent.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@code /files/browse}, {@code /files/read} and {@code /files/download}, with the
 * shapes Mesos's agent answers (browse: an array of {@code {path, nlink, size, mtime, mode, uid,
 * gid}}; read: {@code {"data", "offset"}}).
 *
 * <p>Only executor sandboxes are served, as Mesos attaches only those: paths under
 * {@code <work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<run>} (the
 * {@code latest} link included), never the rest of the work directory ({@code meta/} checkpoints,
 * the fetcher cache). A path is normalised ({@code ..} removed) and checked before the file system
 * is touched, so nothing is revealed about paths elsewhere: any other path is 404, as Mesos answers
 * for a path not attached. Then its symbolic links are resolved and the real path checked again
 * (403 when a link leads out of the sandboxes). A missing path inside is 404. Unlike Mesos, which
 * serves virtual paths it attached, the paths here are the real absolute paths a task's
 * {@code sandbox} shows in {@code /state}.
 *
 * <p>The {@code browse}, {@code read} and {@code download} methods block (file I/O) and return
 * errors as values; {@link #mount} runs them on worker threads and maps them to HTTP answers.
 * Known limit: a task that swaps a directory of its sandbox for a symbolic link between the check
 * and the open could race the check for a parent directory (the last component is opened without
 * following links).
 */
public final class FilesEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(FilesEndpoint.class);

  /** Mesos caps one read at 16 pages. */
  static final int MAX_READ_LENGTH = 16 * 4096;

  /** A value, or why there is none as an HTTP status and a message. */
  public record Answer<T>(T value, int status, String error) {

    static <T> Answer<T> ok(T value) {
      return new Answer<>(value, 200, null);
    }

    static <T> Answer<T> fail(int status, String error) {
      return new Answer<>(null, status, error);
    }

    <U> Answer<U> failed() {
      return new Answer<>(null, status, error);
    }

    <U> Answer<U> map(java.util.function.Function<T, U> f) {
      return ok() ? new Answer<>(f.apply(value), status, null) : failed();
    }

    public boolean ok() {
      return status == 200;
    }
  }

  private final Path workDir;

  /** @param workDir the agent's {@code --work_dir}; must exist when a request comes */
  /**
   * Who may read which executor's sandbox: Mesos's {@code access_sandboxes}, asked with the
   * request's principal (null when it did not authenticate) and the sandbox's framework and executor.
   * Asked on the event loop, before anything is read.
   */
  @FunctionalInterface
  public interface SandboxAccess {
    SandboxAccess ANYONE = (principal, frameworkId, executorId) -> true;

    boolean allows(String principal, String frameworkId, String executorId);
  }

  private final SandboxAccess access;

  public FilesEndpoint(Path workDir) {
    this(workDir, SandboxAccess.ANYONE);
  }

  public FilesEndpoint(Path workDir, SandboxAccess access) {
    this.workDir = workDir.toAbsolutePath().normalize();
    this.access = access;
  }

  /**
   * The refusal of {@code path} to {@code principal} under {@code access_sandboxes} (403), or null
   * when it may go on (paths outside sandboxes are refused later, as not attached). Does not block.
   */
  public Answer<Void> authorize(String principal, String path) {
    if (access == SandboxAccess.ANYONE || path == null) {
      return null;
    }
    Path relative;
    try {
      Path requested = Path.of(path).normalize();
      relative = requested.isAbsolute() && requested.startsWith(workDir) ? workDir.relativize(requested) : null;
    } catch (InvalidPathException e) {
      return null;
    }
    if (relative == null || !inSandbox(relative)) {
      return null;
    }
    String frameworkId = relative.getName(3).toString();
    String executorId = relative.getName(5).toString();
    if (access.allows(principal, frameworkId, executorId)) {
      return null;
    }
    LOG.info("Refused {} the sandbox of executor {} of framework {} (access_sandboxes)",
        principal == null ? "an unauthenticated request" : "principal " + principal, executorId, frameworkId);
    return Answer.fail(403, "Forbidden: not authorized to access the sandbox of executor '" + executorId
        + "' of framework '" + frameworkId + "'");
  }

  /** Registers {@code GET /files/browse}, {@code /files/read} and {@code /files/download}. */
  public void mount(Vertx vertx, Router router) {
    router.get("/files/*").handler(ctx -> {
      Answer<Void> refusal = authorize(ctx.get(AgentHttpAuthentication.PRINCIPAL_KEY), param(ctx, "path"));
      if (refusal == null) {
        ctx.next();
      } else {
        ctx.response().setStatusCode(refusal.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end(refusal.error());
      }
    });
    router.get("/files/browse").handler(ctx -> answer(vertx, ctx, () -> browse(param(ctx, "path")),
        listing -> ctx.json(listing)));
    router.get("/files/read").handler(ctx -> answer(vertx, ctx,
        () -> read(param(ctx, "path"), param(ctx, "offset"), param(ctx, "length")), data -> ctx.json(data)));
    router.get("/files/download").handler(ctx -> answer(vertx, ctx, () -> download(param(ctx, "path")),
        file -> ctx.response()
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-Disposition", "attachment; filename=\"" + attachmentName(file) + "\"")
            .sendFile(file.toString())
            .onFailure(e -> LOG.warn("Download of {} failed: {}", file, e.toString()))));
  }

  private static String param(RoutingContext ctx, String name) {
    return ctx.request().getParam(name);
  }

  private interface Blocking<T> {
    Answer<T> call();
  }

  private <T> void answer(Vertx vertx, RoutingContext ctx, Blocking<T> work, java.util.function.Consumer<T> reply) {
    Future<Answer<T>> done = vertx.executeBlocking(work::call, false);
    done.onComplete(result -> {
      if (result.failed()) {
        LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().uri(), result.cause().toString());
        ctx.response().setStatusCode(500).end("Internal error: " + result.cause().getMessage());
      } else if (result.result().ok()) {
        reply.accept(result.result().value());
      } else {
        LOG.debug("{} {} answered {}: {}", ctx.request().method(), ctx.request().uri(), result.result().status(),
            result.result().error());
        ctx.response().setStatusCode(result.result().status())
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end(result.result().error());
      }
    });
  }

  /** Lists a directory (or describes one file) as Mesos's {@code /files/browse}. Blocks. */
  public Answer<JsonArray> browse(String path) {
    return list(path, FilesEndpoint::fileInfo).map(JsonArray::new);
  }

  /** The same listing as the v1 API's {@code LIST_FILES} answers it ({@code FileInfo}s). Blocks. */
  public Answer<List<dev.vmesos.api.v1.Protos.FileInfo>> listFiles(String path) {
    return list(path, FilesEndpoint::fileInfoProto);
  }

  private interface Describe<T> {
    T describe(Path shownPath, Path file) throws IOException;
  }

  private <T> Answer<List<T>> list(String path, Describe<T> describe) {
    Answer<Resolved> resolved = resolve(path);
    if (!resolved.ok()) {
      return resolved.failed();
    }
    Resolved r = resolved.value();
    try {
      List<T> listing = new ArrayList<>();
      if (!Files.isDirectory(r.real(), LinkOption.NOFOLLOW_LINKS)) {
        listing.add(describe.describe(r.requested(), r.real()));
        return Answer.ok(listing);
      }
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(r.real())) {
        dir.forEach(entries::add);
      }
      entries.sort(null);
      for (Path entry : entries) {
        Path name = entry.getFileName();
        try {
          listing.add(describe.describe(r.requested().resolve(name), entry));
        } catch (NoSuchFileException gone) {
          // Deleted while listing: leave it out.
        }
      }
      return Answer.ok(listing);
    } catch (AccessDeniedException e) {
      return Answer.fail(403, "Cannot browse '" + path + "': permission denied");
    } catch (IOException e) {
      return Answer.fail(500, "Cannot browse '" + path + "': " + e);
    }
  }

  /**
   * Reads up to {@code length} bytes (at most {@value #MAX_READ_LENGTH}) at {@code offset}, as
   * Mesos's {@code /files/read}: no offset or {@code -1} answers only the file's size as
   * {@code offset}; no length or {@code -1} reads as much as the cap allows. Blocks.
   */
  public Answer<JsonObject> read(String path, String offsetParam, String lengthParam) {
    long offset;
    long length;
    try {
      offset = offsetParam == null ? -1 : Long.parseLong(offsetParam.trim());
    } catch (NumberFormatException e) {
      return Answer.fail(400, "Failed to parse offset: '" + offsetParam + "' is not an integer");
    }
    if (offset < -1) {
      return Answer.fail(400, "Negative offset provided: " + offset);
    }
    try {
      length = lengthParam == null ? -1 : Long.parseLong(lengthParam.trim());
    } catch (NumberFormatException e) {
      return Answer.fail(400, "Failed to parse length: '" + lengthParam + "' is not an integer");
    }
    if (length < -1) {
      return Answer.fail(400, "Negative length provided: " + length);
    }
    if (offset == -1) {
      return chunk(path, 0, 0).map(c -> new JsonObject().put("data", "").put("offset", c.size()));
    }
    long from = offset;
    return chunk(path, offset, length).map(c -> new JsonObject()
        .put("data", new String(c.data(), StandardCharsets.UTF_8)).put("offset", from));
  }

  /** Bytes of a file and the file's size: what {@code READ_FILE} answers. */
  public record Chunk(byte[] data, long size) {
  }

  /**
   * Up to {@code length} bytes ({@code -1}: as many as the cap allows, at most
   * {@value #MAX_READ_LENGTH}) from {@code offset} (not negative) of a regular file in the work
   * directory, with the file's size. Blocks.
   */
  public Answer<Chunk> chunk(String path, long offset, long length) {
    Answer<Path> file = regularFile(path, "read");
    if (!file.ok()) {
      return file.failed();
    }
    try (FileChannel channel = FileChannel.open(file.value(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      int wanted = (int) Math.min(length == -1 ? MAX_READ_LENGTH : length, MAX_READ_LENGTH);
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(wanted, size - offset)));
      long position = offset;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          break;
        }
        position += n;
      }
      return Answer.ok(new Chunk(java.util.Arrays.copyOf(buffer.array(), buffer.position()), size));
    } catch (AccessDeniedException e) {
      return Answer.fail(403, "Cannot read '" + path + "': permission denied");
    } catch (IOException e) {
      return Answer.fail(500, "Cannot read '" + path + "': " + e);
    }
  }

  /** The real path of a regular file to send whole. Blocks. */
  public Answer<Path> download(String path) {
    return regularFile(path, "download");
  }

  private Answer<Path> regularFile(String path, String verb) {
    Answer<Resolved> resolved = resolve(path);
    if (!resolved.ok()) {
      return resolved.failed();
    }
    Path real = resolved.value().real();
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return Answer.fail(400, "Cannot " + verb + " a directory: '" + path + "'");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return Answer.fail(400, "Cannot " + verb + " '" + path + "': not a regular file");
    }
    return Answer.ok(real);
  }

  /** A path as asked (normalised) and as it really is on disk (links resolved). */
  record Resolved(Path requested, Path real) {
  }

  /**
   * Checks that {@code path} names something inside the work directory, before and after
   * resolving symbolic links. Blocks (it resolves links).
   */
  Answer<Resolved> resolve(String path) {
    if (path == null || path.isEmpty()) {
      return Answer.fail(400, "Expecting 'path=value' in query");
    }
    Path requested;
    try {
      requested = Path.of(path);
    } catch (InvalidPathException e) {
      return Answer.fail(400, "Invalid path '" + path + "': " + e.getReason());
    }
    if (!requested.isAbsolute()) {
      return Answer.fail(400, "Path '" + path + "' is not absolute");
    }
    requested = requested.normalize();
    Path workReal;
    try {
      workReal = workDir.toRealPath();
    } catch (IOException e) {
      return Answer.fail(404, "The agent's work directory " + workDir + " does not exist");
    }
    Path relative = requested.startsWith(workDir) ? workDir.relativize(requested)
        : requested.startsWith(workReal) ? workReal.relativize(requested) : null;
    if (relative == null || !inSandbox(relative)) {
      LOG.info("Refused access to '{}': not inside an executor sandbox under {}", path, workDir);
      return Answer.fail(404, "File not found: '" + path + "' is not attached: only executor sandboxes ("
          + workDir + "/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<run>) are served");
    }
    Path real;
    try {
      real = requested.toRealPath();
    } catch (NoSuchFileException e) {
      return Answer.fail(404, "No such file or directory: '" + path + "'");
    } catch (AccessDeniedException e) {
      return Answer.fail(403, "Access to '" + path + "' is denied");
    } catch (IOException e) {
      return Answer.fail(500, "Cannot resolve '" + path + "': " + e);
    }
    // Under access_sandboxes a link may not lead into another executor's sandbox, whose reader was
    // not asked about; without ACLs any sandbox may be reached.
    if (!real.startsWith(workReal) || !inSandbox(workReal.relativize(real))
        || (access != SandboxAccess.ANYONE && !sameExecutor(relative, workReal.relativize(real)))) {
      LOG.info("Refused access to '{}': a symbolic link leads to {}, outside this executor's sandboxes under {}",
          path, real, workDir);
      return Answer.fail(403, "Access to '" + path + "' is forbidden: it resolves (through a symbolic link) to a"
          + " path outside this executor's sandboxes under the agent's work directory " + workDir);
    }
    return Answer.ok(new Resolved(requested, real));
  }

  /**
   * Whether a path relative to the work directory lies in an executor's sandbox (a run directory,
   * or the {@code latest} link to one, or below): {@code slaves/<agent>/frameworks/<framework>/
   * executors/<executor>/runs/<run>[/...]}. The rest of the work directory (the {@code meta/}
   * checkpoints, the fetcher cache, the directories above the runs) is not served, as Mesos attaches
   * only sandboxes to {@code /files}.
   */
  /** Whether two sandbox paths belong to the same executor (its runs may differ: {@code runs/latest} leads to one). */
  static boolean sameExecutor(Path a, Path b) {
    return a.getNameCount() >= 6 && b.getNameCount() >= 6 && a.subpath(0, 6).equals(b.subpath(0, 6));
  }

  static boolean inSandbox(Path relative) {
    if (relative.getNameCount() < 8 || relative.toString().isEmpty()) {
      return false;
    }
    return relative.getName(0).toString().equals("slaves") && relative.getName(2).toString().equals("frameworks")
        && relative.getName(4).toString().equals("executors") && relative.getName(6).toString().equals("runs");
  }

  /** One entry as the v1 API's {@code FileInfo}: {@code mode} is the raw {@code st_mode}. */
  static dev.vmesos.api.v1.Protos.FileInfo fileInfoProto(Path shownPath, Path file) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    dev.vmesos.api.v1.Protos.FileInfo.Builder info = dev.vmesos.api.v1.Protos.FileInfo.newBuilder()
        .setPath(shownPath.toString())
        .setSize(attributes.size())
        .setMtime(dev.vmesos.api.v1.Protos.TimeInfo.newBuilder()
            .setNanoseconds(attributes.lastModifiedTime().toMillis() * 1_000_000L))
        .setUid(name(attributes.owner()))
        .setGid(name(attributes.group()));
    try {
      Map<String, Object> unix = Files.readAttributes(file, "unix:nlink,mode", LinkOption.NOFOLLOW_LINKS);
      info.setNlink(((Number) unix.get("nlink")).intValue()).setMode((Integer) unix.get("mode"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      info.setNlink(1);
    }
    return info.build();
  }

  /** One entry as Mesos shows it; a symbolic link is described, not followed. */
  static JsonObject fileInfo(Path shownPath, Path file) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long nlink = 1;
    Integer rawMode = null;
    try {
      Map<String, Object> unix = Files.readAttributes(file, "unix:nlink,mode", LinkOption.NOFOLLOW_LINKS);
      nlink = ((Number) unix.get("nlink")).longValue();
      rawMode = (Integer) unix.get("mode");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // Not a Unix file system view: keep the defaults.
    }
    return new JsonObject()
        .put("path", shownPath.toString())
        .put("nlink", nlink)
        .put("size", attributes.size())
        .put("mtime", attributes.lastModifiedTime().toMillis() / 1000)
        .put("mode", typeChar(attributes, rawMode) + PosixFilePermissions.toString(attributes.permissions()))
        .put("uid", name(attributes.owner()))
        .put("gid", name(attributes.group()));
  }

  /** The first character of {@code ls -l}'s mode. */
  private static char typeChar(PosixFileAttributes attributes, Integer rawMode) {
    if (attributes.isDirectory()) {
      return 'd';
    }
    if (attributes.isSymbolicLink()) {
      return 'l';
    }
    if (attributes.isRegularFile() || rawMode == null) {
      return '-';
    }
    return switch (rawMode & 0170000) {
      case 0010000 -> 'p';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0140000 -> 's';
      default -> '-';
    };
  }

  private static String name(UserPrincipal principal) {
    return principal == null ? "" : principal.getName();
  }

  private static String attachmentName(Path file) {
    return file.getFileName().toString().replace("\"", "").replace("\r", "").replace("\n", "");
  }
}
