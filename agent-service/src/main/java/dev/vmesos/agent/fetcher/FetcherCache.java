package dev.vmesos.agent.fetcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos's fetcher cache: a URI marked {@code cache} is downloaded once into {@code --fetcher_cache_dir}
 * (a file named after a hash of the URI) and copied into each sandbox from there. When the cache
 * grows past {@code --fetcher_cache_size}, the least recently used files go. One agent's, used from
 * its fetch threads: every method is synchronized (fetches of other URIs wait while one downloads).
 */
public final class FetcherCache {

  private static final Logger LOG = LoggerFactory.getLogger(FetcherCache.class);

  /** Downloads a URI to a file. */
  @FunctionalInterface
  interface Download {
    void to(Path file) throws FetchException;
  }

  private final Path dir;
  private final long maxBytes;

  public FetcherCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /**
   * Copies {@code uri} to {@code target} from the cache, downloading it into the cache first if it
   * is not there. Returns whether it was there already.
   */
  synchronized boolean fetch(String uri, Path target, Download download) throws FetchException {
    Path entry = dir.resolve(key(uri));
    boolean hit = Files.isRegularFile(entry);
    try {
      Files.createDirectories(dir);
      if (!hit) {
        Path partial = dir.resolve(entry.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        download.to(partial);
        Files.move(partial, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Fetcher cache: stored '{}' ({} bytes)", uri, Files.size(entry));
      } else {
        LOG.info("Fetcher cache: '{}' is cached", uri);
      }
      Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
      Files.createDirectories(target.getParent());
      Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
      evict(entry);
      return hit;
    } catch (IOException e) {
      throw new FetchException(uri, "fetcher cache " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Removes least recently used entries (never {@code keep}) while the cache is over its size. */
  private void evict(Path keep) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> !f.getFileName().toString().endsWith(".partial")).forEach(entries::add);
    }
    long total = 0;
    for (Path entry : entries) {
      total += Files.size(entry);
    }
    entries.sort(Comparator.comparing(FetcherCache::lastUsed));
    for (Path entry : entries) {
      if (total <= maxBytes) {
        break;
      }
      if (!entry.equals(keep)) {
        long size = Files.size(entry);
        Files.deleteIfExists(entry);
        total -= size;
        LOG.info("Fetcher cache: evicted {} ({} bytes) to stay within {} bytes", entry.getFileName(), size, maxBytes);
      }
    }
  }

  private static FileTime lastUsed(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  static String key(String uri) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
