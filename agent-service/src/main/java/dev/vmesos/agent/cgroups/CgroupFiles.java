package dev.vmesos.agent.cgroups;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reading and writing cgroup control files, killing a cgroup's processes and removing it. */
final class CgroupFiles {

  private static final long CURRENT_PID = ProcessHandle.current().pid();

  private CgroupFiles() {
  }

  static String read(Path file) throws IOException {
    return Files.readString(file).trim();
  }

  /** A file holding one number; {@code max} (v2's "unlimited") and negatives read as -1. */
  static long readLong(Path file) throws IOException {
    String value = read(file);
    if (value.equals("max")) {
      return -1;
    }
    try {
      long parsed = Long.parseLong(value);
      return parsed < 0 ? -1 : parsed;
    } catch (NumberFormatException e) {
      throw new IOException(file + " holds '" + value + "', not a number", e);
    }
  }

  /** {@link #readLong} if the file exists, else {@code otherwise}. */
  static long readLong(Path file, long otherwise) throws IOException {
    return Files.exists(file) ? readLong(file) : otherwise;
  }

  /** A flat-keyed file ({@code key value} lines: memory.stat, cpu.stat, memory.events ...). */
  static Map<String, Long> readKeyed(Path file) throws IOException {
    Map<String, Long> values = new HashMap<>();
    if (!Files.exists(file)) {
      return values;
    }
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        try {
          values.put(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException ignored) {
          // not a counter (none of the keys read here)
        }
      }
    }
    return values;
  }

  /** Writes {@code value}; the kernel's refusal (EINVAL ...) comes back naming file and value. */
  static void write(Path file, Object value) throws IOException {
    try {
      Files.writeString(file, String.valueOf(value));
    } catch (IOException e) {
      throw new IOException("Cannot write '" + value + "' to " + file + ": " + reason(e), e);
    }
  }

  /** The pids in a {@code cgroup.procs} file; none if the cgroup is gone. */
  static List<Long> pids(Path procsFile) throws IOException {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(procsFile)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException e) {
      return pids;
    }
    return pids;
  }

  /**
   * SIGKILLs every process in the cgroups whose {@code cgroup.procs} files are given until none is
   * left, as Mesos does without a freezer: a process may fork between the read and the kill, so
   * the list is read again until it stays empty. Returns how many distinct processes were
   * signalled.
   *
   * @throws IOException if processes are still there after {@code timeout}
   */
  static int killAll(String containerId, List<Path> procsFiles, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Long> signalled = new HashSet<>();
    long pauseMs = 1;
    while (true) {
      TreeSet<Long> pids = new TreeSet<>();
      for (Path procs : procsFiles) {
        pids.addAll(pids(procs));
      }
      if (pids.isEmpty()) {
        return signalled.size();
      }
      if (pids.contains(CURRENT_PID)) {
        throw new IOException("Refusing to kill the cgroup of container " + containerId
            + ": the agent itself (pid " + CURRENT_PID + ") is in it");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("Processes " + pids + " of container " + containerId + " are still alive "
            + timeout.toMillis() + " ms after SIGKILL");
      }
      for (long pid : pids) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent() && process.get().destroyForcibly()) {
          signalled.add(pid);
        }
      }
      sleep(pauseMs);
      pauseMs = Math.min(50, pauseMs * 2);
    }
  }

  /**
   * Removes a cgroup directory, retrying while the kernel still holds it (EBUSY: a killed process
   * not yet fully gone). Nothing to do if it is already gone.
   *
   * @return whether there was a directory to remove
   */
  static boolean removeDirectory(Path directory, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 1;
    while (true) {
      try {
        return Files.deleteIfExists(directory);
      } catch (DirectoryNotEmptyException e) {
        throw new IOException("Cannot remove cgroup " + directory + ": it has child cgroups", e);
      } catch (FileSystemException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("Cannot remove cgroup " + directory + " within " + timeout.toMillis()
              + " ms: " + reason(e), e);
        }
      }
      sleep(pauseMs);
      pauseMs = Math.min(50, pauseMs * 2);
    }
  }

  /** The names of the subdirectories of {@code directory} (none if it does not exist). */
  static List<String> childNames(Path directory) throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return names;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory, Files::isDirectory)) {
      children.forEach(child -> names.add(child.getFileName().toString()));
    }
    return names;
  }

  /** A short description of an I/O failure: the OS's reason when there is one. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fse) {
      return fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
  }
}
