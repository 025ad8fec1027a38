package dev.vmesos.agent.gc;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around {@link SandboxGc}: checks on a timer (every {@code --disk_watch_interval}, or
 * {@code --gc_delay} if that is shorter) how full the work directory's disk is, and deletes the
 * sandboxes that are due, off the event loop. Create and use it on the agent verticle's context.
 */
public final class SandboxCollector {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxCollector.class);
  private static final long MIN_CHECK_MILLIS = 100;

  private final Vertx vertx;
  private final Path workDir;
  private final SandboxGc gc;
  private final Clock clock;
  private final long checkMillis;
  private long timerId = -1;
  private boolean checking;

  public SandboxCollector(Vertx vertx, Path workDir, Duration gcDelay, Duration diskWatchInterval, double diskHeadroom,
                          Clock clock) {
    this.vertx = vertx;
    this.workDir = workDir;
    this.gc = new SandboxGc(gcDelay, diskHeadroom);
    this.clock = clock;
    long shortest = Math.min(gcDelay.toMillis(), diskWatchInterval.toMillis());
    this.checkMillis = Math.max(MIN_CHECK_MILLIS, shortest);
  }

  public void start() {
    timerId = vertx.setPeriodic(checkMillis, id -> check());
  }

  public void stop() {
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** A finished run's sandbox: deleted once it is due. */
  public void schedule(Path sandbox) {
    if (!sandbox.normalize().startsWith(workDir.normalize()) || sandbox.normalize().equals(workDir.normalize())) {
      LOG.warn("Not scheduling {} for deletion: it is not a sandbox under {}", sandbox, workDir);
      return;
    }
    gc.schedule(sandbox, clock.instant());
    LOG.debug("Scheduled sandbox {} for deletion ({} scheduled)", sandbox, gc.size());
  }

  private void check() {
    if (checking || gc.size() == 0) {
      return;
    }
    checking = true;
    vertx.executeBlocking(this::diskUsage, false).onComplete(usage -> {
      double used = usage.succeeded() ? usage.result() : 0.0;
      if (usage.failed()) {
        LOG.warn("Cannot read the disk usage of {}: {}", workDir, usage.cause().toString());
      }
      List<Path> due = gc.due(clock.instant(), used);
      if (due.isEmpty()) {
        checking = false;
        return;
      }
      vertx.executeBlocking(() -> {
        for (Path sandbox : due) {
          delete(sandbox);
        }
        return null;
      }, false).onComplete(done -> checking = false);
    });
  }

  /** The share of the work directory's file system in use, 0 to 1. */
  private double diskUsage() throws IOException {
    FileStore store = Files.getFileStore(workDir);
    long total = store.getTotalSpace();
    return total <= 0 ? 0.0 : 1.0 - (double) store.getUsableSpace() / total;
  }

  private static void delete(Path sandbox) {
    try {
      Files.walkFileTree(sandbox, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
      LOG.info("Deleted sandbox {} (garbage collected)", sandbox);
    } catch (NoSuchFileException gone) {
      LOG.debug("Sandbox {} was gone already", sandbox);
    } catch (IOException e) {
      LOG.warn("Cannot delete sandbox {}: {}", sandbox, e.toString());
    }
  }
}
