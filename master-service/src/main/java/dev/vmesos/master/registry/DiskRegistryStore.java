package dev.vmesos.master.registry;

import dev.vmesos.api.registry.RegistryProtos.Registry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry on this master's disk, {@code <work_dir>/registry/registry.pb}, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) so that a crash leaves the old copy or the
 * new one, never a mix. Without a work directory it is kept in memory only. File work runs on one
 * worker thread of its own, so writes from the leader and from peers never interleave; a copy
 * older than the one held is not written.
 *
 * <p>As the only store of a single master, there is no one to be fenced by: {@link #store} never
 * fails with {@link RegistryFencedException}.
 */
public final class DiskRegistryStore implements RegistryStore {

  private static final Logger LOG = LoggerFactory.getLogger(DiskRegistryStore.class);
  public static final String DIRECTORY = "registry";
  public static final String FILE = "registry.pb";

  private final Path directory;
  private final WorkerExecutor worker;
  /** The newest copy held, once read; touched only on {@link #worker}'s one thread. */
  private Registry held;
  private boolean read;

  /** @param workDir {@code --work_dir}; null keeps the registry in memory only */
  public DiskRegistryStore(Vertx vertx, Path workDir) {
    this.directory = workDir == null ? null : workDir.resolve(DIRECTORY);
    this.worker = vertx.createSharedWorkerExecutor("vmesos-registry-disk", 1);
  }

  /** The registry file, or null when the registry is kept in memory. */
  public Path file() {
    return directory == null ? null : directory.resolve(FILE);
  }

  @Override
  public Future<Registry> recover() {
    return read().map(copy -> copy.orElseGet(Registries::empty));
  }

  /** The copy on disk, if any; fails with a message naming the file when it cannot be parsed. */
  public Future<Optional<Registry>> read() {
    return worker.executeBlocking(() -> Optional.ofNullable(readHeld()));
  }

  @Override
  public Future<Void> store(Registry registry) {
    return persist(registry).mapEmpty();
  }

  /**
   * Writes the copy unless the one held is newer; answers the copy held afterwards (the one given,
   * or the newer one kept).
   */
  public Future<Registry> persist(Registry registry) {
    return worker.executeBlocking(() -> {
      Registry current = readHeld();
      if (current != null && Registries.newer(current, registry)) {
        LOG.debug("Not writing registry {}: {} is newer", Registries.describe(registry), Registries.describe(current));
        return current;
      }
      if (directory != null) {
        write(registry.toByteArray());
      }
      held = registry;
      return registry;
    });
  }

  /** Releases the worker thread. */
  public Future<Void> close() {
    return worker.close();
  }

  private Registry readHeld() throws IOException {
    if (!read) {
      Path file = file();
      if (file != null && Files.exists(file)) {
        held = Registries.parse(Files.readAllBytes(file), file.toString(), " (move it away to recover from the"
            + " other masters' copies, or to start with an empty registry)");
        LOG.info("Read registry {} from {}", Registries.describe(held), file);
      }
      read = true;
    }
    return held;
  }

  private void write(byte[] bytes) {
    Path file = file();
    Path temporary = directory.resolve(FILE + ".tmp");
    try {
      Files.createDirectories(directory);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write the registry to " + file + ": " + e.getMessage(), e);
    }
  }
}
