package dev.vmesos.cluster.logging;

import dev.vmesos.api.config.Flags;
import dev.vmesos.api.logging.Logging;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging endpoints of a master or an agent, as libprocess and Mesos serve them:
 * {@code /logging/toggle} (no query: the verbosity; {@code level} and {@code duration}: sets it until
 * the duration has passed), and the process's log file as a virtual file ({@code /master/log}) for
 * {@code /files/read}, {@code /files/download} and {@code /files/browse}, which exists only while
 * the process logs to a file ({@code --log_dir}), 404 otherwise, as in Mesos. The caller's router
 * authenticates them (toggle read-write, files read-only).
 */
public final class LoggingRoutes {

  /** The most a read returns at once: 16 pages, as the agent's sandbox reads. */
  public static final long MAX_READ = 16 * 4096;
  private static final Logger LOG = LoggerFactory.getLogger(LoggingRoutes.class);

  private LoggingRoutes() {
  }

  /** Adds {@code /logging/toggle}. */
  public static void mountToggle(Router router) {
    router.get("/logging/toggle").handler(LoggingRoutes::toggle);
  }

  /** Adds {@code /files/read|download|browse} serving {@code virtualPath} (e.g. {@code /master/log}) only. */
  public static void mountLogFile(Router router, String virtualPath) {
    for (String path : new String[] {"/files/read", "/files/read.json"}) {
      router.get(path).blockingHandler(ctx -> read(ctx, virtualPath), false);
    }
    router.get("/files/download").blockingHandler(ctx -> download(ctx, virtualPath), false);
    for (String path : new String[] {"/files/browse", "/files/browse.json"}) {
      router.get(path).blockingHandler(ctx -> browse(ctx, virtualPath), false);
    }
  }

  /**
   * Same, ahead of the router's own {@code /files} routes (the agent's sandboxes), which get every
   * request for another path.
   */
  public static void mountLogFileBefore(Router router, String virtualPath) {
    mountBefore(router, "/files/read", virtualPath, LoggingRoutes::read);
    mountBefore(router, "/files/read.json", virtualPath, LoggingRoutes::read);
    mountBefore(router, "/files/download", virtualPath, LoggingRoutes::download);
    mountBefore(router, "/files/browse", virtualPath, LoggingRoutes::browse);
    mountBefore(router, "/files/browse.json", virtualPath, LoggingRoutes::browse);
  }

  private static void mountBefore(Router router, String path, String virtualPath,
                                  java.util.function.BiConsumer<RoutingContext, String> handler) {
    router.get(path).order(-100).handler(ctx -> {
      if (!isVirtual(ctx.request().getParam("path"), virtualPath)) {
        ctx.next();
        return;
      }
      ctx.vertx().executeBlocking(() -> {
        handler.accept(ctx, virtualPath);
        return null;
      }, false).onFailure(ctx::fail);
    });
  }

  /** Whether {@code path} names the virtual log file {@code virtualPath}. */
  public static boolean isVirtual(String path, String virtualPath) {
    return path != null && normalize(path).equals(virtualPath);
  }

  private static void toggle(RoutingContext ctx) {
    String level = ctx.request().getParam("level");
    String duration = ctx.request().getParam("duration");
    if (level == null && duration == null) {
      LOG.debug("GET /logging/toggle: verbosity {}", Logging.verbosity());
      text(ctx.response(), 200, Logging.verbosity() + "\n");
      return;
    }
    if (duration == null) {
      text(ctx.response(), 400, "Expecting 'duration=value' in query.\n");
      return;
    }
    if (level == null) {
      text(ctx.response(), 400, "Expecting 'level=value' in query.\n");
      return;
    }
    int v;
    try {
      v = Integer.parseInt(level.trim());
    } catch (NumberFormatException e) {
      text(ctx.response(), 400, "Failed to convert '" + level + "' to number.\n");
      return;
    }
    if (v < 0) {
      text(ctx.response(), 400, "Invalid level '" + v + "'.\n");
      return;
    }
    Duration d;
    try {
      d = Flags.parseDuration(duration);
    } catch (IllegalArgumentException e) {
      text(ctx.response(), 400, "Invalid duration '" + duration + "': " + e.getMessage() + ".\n");
      return;
    }
    if (d.isNegative()) {
      text(ctx.response(), 400, "Invalid duration '" + duration + "'.\n");
      return;
    }
    Logging.setVerbosity(v, d);
    ctx.response().setStatusCode(200).end();
  }

  /** The file behind {@code path} when it is the virtual log file and the process logs to a file. */
  public static Optional<Path> resolve(String path, String virtualPath) {
    if (path == null || !normalize(path).equals(virtualPath)) {
      return Optional.empty();
    }
    return Logging.logFile().filter(Files::isRegularFile);
  }

  private static String normalize(String path) {
    String p = path.trim();
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.startsWith("/") ? p : "/" + p;
  }

  /** Up to {@code length} bytes from {@code offset} ({@code length} < 0: up to {@link #MAX_READ}), and the size. */
  public record Chunk(byte[] data, long size) {
  }

  /** What LIST_FILES tells of the log file, named by its virtual path. Blocks. */
  public static dev.vmesos.api.v1.Protos.FileInfo fileInfo(Path file, String virtualPath) throws IOException {
    return dev.vmesos.api.v1.Protos.FileInfo.newBuilder().setPath(virtualPath).setNlink(1).setSize(Files.size(file))
        .setMtime(dev.vmesos.api.v1.Protos.TimeInfo.newBuilder().setNanoseconds(
            Files.getLastModifiedTime(file).toMillis() * 1_000_000L))
        .setMode(0100644).build();
  }

  /** Reads a chunk of {@code file}; an offset past the end reads nothing. Blocks. */
  public static Chunk chunk(Path file, long offset, long length) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long size = in.length();
      long wanted = length < 0 ? MAX_READ : Math.min(length, MAX_READ);
      long n = Math.max(0, Math.min(wanted, size - offset));
      byte[] data = new byte[(int) n];
      if (n > 0) {
        in.seek(offset);
        in.readFully(data);
      }
      return new Chunk(data, size);
    }
  }

  private static void read(RoutingContext ctx, String virtualPath) {
    String path = ctx.request().getParam("path");
    if (path == null) {
      text(ctx.response(), 400, "Expecting 'path=value' in query.\n");
      return;
    }
    long offset;
    long length;
    try {
      offset = parse(ctx.request().getParam("offset"), -1);
      length = parse(ctx.request().getParam("length"), -1);
    } catch (NumberFormatException e) {
      text(ctx.response(), 400, "Failed to parse offset/length: " + e.getMessage() + ".\n");
      return;
    }
    Optional<Path> file = resolve(path, virtualPath);
    if (file.isEmpty()) {
      text(ctx.response(), 404, "");
      return;
    }
    try {
      // No offset: only the file's size (in 'offset'), as Mesos answers for a reader that starts tailing.
      Chunk chunk = chunk(file.get(), Math.max(offset, 0), offset < 0 ? 0 : length);
      JsonObject body = new JsonObject()
          .put("data", new String(chunk.data(), StandardCharsets.UTF_8))
          .put("offset", offset < 0 ? chunk.size() : offset);
      ctx.response().putHeader("Content-Type", "application/json").setStatusCode(200).end(body.encode());
    } catch (IOException e) {
      text(ctx.response(), 500, "Failed to read " + path + ": " + e.getMessage() + "\n");
    }
  }

  private static void download(RoutingContext ctx, String virtualPath) {
    Optional<Path> file = resolve(ctx.request().getParam("path"), virtualPath);
    if (file.isEmpty()) {
      text(ctx.response(), ctx.request().getParam("path") == null ? 400 : 404,
          ctx.request().getParam("path") == null ? "Expecting 'path=value' in query.\n" : "");
      return;
    }
    ctx.response().putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Disposition", "attachment; filename=" + file.get().getFileName())
        .sendFile(file.get().toString());
  }

  private static void browse(RoutingContext ctx, String virtualPath) {
    String path = ctx.request().getParam("path");
    if (path == null) {
      text(ctx.response(), 400, "Expecting 'path=value' in query.\n");
      return;
    }
    Optional<Path> file = resolve(path, virtualPath);
    if (file.isEmpty()) {
      text(ctx.response(), 404, "");
      return;
    }
    try {
      JsonObject info = new JsonObject().put("path", virtualPath).put("nlink", 1)
          .put("size", Files.size(file.get()))
          .put("mtime", Files.getLastModifiedTime(file.get()).toMillis() / 1000.0)
          .put("mode", "-rw-r--r--").put("uid", "").put("gid", "");
      ctx.response().putHeader("Content-Type", "application/json").end(new io.vertx.core.json.JsonArray()
          .add(info).encode());
    } catch (IOException e) {
      text(ctx.response(), 500, "Failed to browse " + path + ": " + e.getMessage() + "\n");
    }
  }

  private static long parse(String value, long absent) {
    if (value == null) {
      return absent;
    }
    long parsed = Long.parseLong(value.trim());
    if (parsed < 0) {
      throw new NumberFormatException("negative " + value);
    }
    return parsed;
  }

  private static void text(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
  }
}
