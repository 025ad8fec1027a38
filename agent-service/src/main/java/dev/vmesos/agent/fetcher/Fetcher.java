package dev.vmesos.agent.fetcher;

import dev.vmesos.api.v1.Protos.CommandInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos's fetcher for {@code CommandInfo.uris}: each URI is downloaded into the sandbox before the
 * task (or executor) starts.
 *
 * <ul>
 *   <li>{@code http://}, {@code https://} (the JDK's HTTP client, redirects followed, a timeout per
 *       URI), and {@code file://} or absolute paths (copied);
 *   <li>the file is named after the last segment of the URI's path, or {@code output_file} (a
 *       relative path inside the sandbox);
 *   <li>{@code executable} makes it {@code rwxr-xr-x} and it is not extracted; otherwise
 *       {@code extract} (true by default) unpacks {@code .tar}, {@code .tar.gz}/{@code .tgz},
 *       {@code .tar.bz2}/{@code .tbz2}, {@code .tar.xz}/{@code .txz} (with {@code tar}) and
 *       {@code .zip} into the sandbox, keeping the archive, as Mesos does;
 *   <li>{@code cache} keeps the download in a {@link FetcherCache} ({@code --fetcher_cache_dir}, bounded by
 *       {@code --fetcher_cache_size}) and copies it from there the next time.
 * </ul>
 *
 * <p>What it does is appended to the sandbox's {@code stderr}, as Mesos's fetcher writes there. The
 * first URI that fails stops the fetch with a {@link FetchException} naming it. Blocking: run it off
 * the event loop.
 */
public final class Fetcher {

  private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
  private static final List<String> TAR_SUFFIXES = List.of(".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
      ".tar.xz", ".txz");

  private final Duration timeout;
  /** Where {@code cache: true} URIs are kept ({@code --fetcher_cache_dir}); null: no cache. */
  private final FetcherCache cache;
  /** Made on the first http(s) URI: the JDK's client keeps a thread, which most agents never need. */
  private volatile HttpClient http;

  /** @param timeout how long one URI may take to download or extract */
  public Fetcher(Duration timeout) {
    this(timeout, null);
  }

  /** Same, with a cache for URIs marked {@code cache} (null: none). */
  public Fetcher(Duration timeout, FetcherCache cache) {
    this.timeout = timeout;
    this.cache = cache;
  }

  private HttpClient http() {
    HttpClient client = http;
    if (client == null) {
      synchronized (this) {
        if (http == null) {
          http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
        }
        client = http;
      }
    }
    return client;
  }

  /** Fetches every URI, in order, into {@code sandbox} (created if missing). */
  public void fetch(List<CommandInfo.URI> uris, Path sandbox, String containerId) throws FetchException {
    if (uris.isEmpty()) {
      return;
    }
    try {
      dev.vmesos.agent.task.Sandboxes.create(sandbox);
    } catch (IOException e) {
      throw new FetchException(uris.get(0).getValue(), "cannot create the sandbox " + sandbox + ": " + e.getMessage(), e);
    }
    for (CommandInfo.URI uri : uris) {
      fetchOne(uri, sandbox, containerId);
    }
  }

  private void fetchOne(CommandInfo.URI uri, Path sandbox, String containerId) throws FetchException {
    String value = uri.getValue().trim();
    if (value.isEmpty()) {
      throw new FetchException(value, "the URI is empty");
    }
    Path target = target(uri, value, sandbox);
    log(sandbox, "Fetching URI '" + value + "' to '" + target + "'");
    LOG.info("Fetching '{}' for container {} into {}", value, containerId, target);
    if (uri.getCache() && cache != null) {
      boolean hit = cache.fetch(value, target, into -> fetchDirectly(value, into));
      log(sandbox, hit ? "Copied '" + value + "' from the fetcher cache" : "Downloaded '" + value + "' into the fetcher cache");
    } else {
      fetchDirectly(value, target);
    }
    if (uri.getExecutable()) {
      try {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new FetchException(value, "cannot make " + target + " executable: " + e.getMessage(), e);
      }
      log(sandbox, "Made '" + target + "' executable");
    } else if (uri.getExtract() && isArchive(target)) {
      extract(value, target, sandbox);
      log(sandbox, "Extracted '" + target + "' into '" + sandbox + "'");
    }
    log(sandbox, "Fetched '" + value + "'");
  }

  private void fetchDirectly(String value, Path target) throws FetchException {
    if (value.startsWith("http://") || value.startsWith("https://")) {
      download(value, target);
    } else if (value.startsWith("file://") || value.startsWith("/")) {
      copy(value, target);
    } else {
      throw new FetchException(value, "unsupported scheme (http, https and file URIs, or absolute paths, are fetched)");
    }
  }

  /** Where a URI goes: {@code output_file}, or the last segment of its path, inside the sandbox. */
  static Path target(CommandInfo.URI uri, String value, Path sandbox) throws FetchException {
    String name;
    if (uri.hasOutputFile() && !uri.getOutputFile().isBlank()) {
      name = uri.getOutputFile().trim();
      if (name.startsWith("/")) {
        throw new FetchException(value, "output_file '" + name + "' must be a path relative to the sandbox");
      }
    } else {
      String path = value;
      try {
        if (!value.startsWith("/")) {
          path = new URI(value).getPath();
        }
      } catch (URISyntaxException e) {
        throw new FetchException(value, "not a URI: " + e.getMessage(), e);
      }
      if (path == null) {
        path = "";
      }
      int slash = path.lastIndexOf('/');
      name = path.substring(slash + 1);
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new FetchException(value, "its path names no file; give output_file");
      }
    }
    Path target = sandbox.resolve(name).normalize();
    if (!target.startsWith(sandbox.normalize()) || target.equals(sandbox.normalize())) {
      throw new FetchException(value, "output_file '" + name + "' leads outside the sandbox");
    }
    return target;
  }

  private void download(String value, Path target) throws FetchException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(value)).timeout(timeout).GET().build();
    } catch (IllegalArgumentException e) {
      throw new FetchException(value, "not a valid URL: " + e.getMessage(), e);
    }
    try {
      Files.createDirectories(target.getParent());
      HttpResponse<Path> response = http().send(request, HttpResponse.BodyHandlers.ofFile(target));
      if (response.statusCode() != 200) {
        Files.deleteIfExists(target);
        throw new FetchException(value, "HTTP " + response.statusCode());
      }
    } catch (IOException e) {
      throw new FetchException(value, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException(value, "interrupted", e);
    }
  }

  private static void copy(String value, Path target) throws FetchException {
    Path source;
    try {
      source = value.startsWith("file://") ? Path.of(new URI(value)) : Path.of(value);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new FetchException(value, "not a valid file URI: " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(source)) {
      throw new FetchException(value, Files.exists(source) ? source + " is not a regular file" : source + " does not exist");
    }
    try {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new FetchException(value, "cannot copy " + source + ": " + e.getMessage(), e);
    }
  }

  static boolean isArchive(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".zip") || TAR_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  private void extract(String value, Path archive, Path sandbox) throws FetchException {
    String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".zip")) {
      unzip(value, archive, sandbox);
      return;
    }
    // tar finds the compression itself; it refuses absolute names and, with this flag, '..' escapes.
    List<String> command = List.of("tar", "-C", sandbox.toString(), "-xf", archive.toString(), "--no-same-owner");
    try {
      Process tar = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = tar.getInputStream().readAllBytes();
      if (!tar.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        tar.destroyForcibly();
        throw new FetchException(value, "extracting took longer than " + timeout.toSeconds() + " s");
      }
      if (tar.exitValue() != 0) {
        throw new FetchException(value, "cannot extract " + archive.getFileName() + ": tar exited with status "
            + tar.exitValue() + ": " + new String(output, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new FetchException(value, "cannot run tar: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException(value, "interrupted", e);
    }
  }

  private static void unzip(String value, Path archive, Path sandbox) throws FetchException {
    Path root = sandbox.normalize();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      ZipEntry entry;
      boolean any = false;
      while ((entry = zip.getNextEntry()) != null) {
        any = true;
        Path out = root.resolve(entry.getName()).normalize();
        if (!out.startsWith(root)) {
          throw new FetchException(value, "cannot extract " + archive.getFileName() + ": entry '" + entry.getName()
              + "' leads outside the sandbox");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          try (OutputStream file = Files.newOutputStream(out)) {
            zip.transferTo(file);
          }
        }
      }
      if (!any) {
        throw new FetchException(value, "cannot extract " + archive.getFileName() + ": not a zip archive, or empty");
      }
    } catch (IOException e) {
      throw new FetchException(value, "cannot extract " + archive.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** One line in the sandbox's stderr, where Mesos's fetcher writes; best effort. */
  private static void log(Path sandbox, String line) {
    try {
      Files.writeString(sandbox.resolve("stderr"), Instant.now() + " vmesos-fetcher: " + line + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.debug("Cannot write the fetcher's output to {}: {}", sandbox, e.toString());
    }
  }
}
