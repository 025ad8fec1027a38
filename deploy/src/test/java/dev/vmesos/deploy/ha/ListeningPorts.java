package dev.vmesos.deploy.ha;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports a process listens on, read from Linux's {@code /proc}. {@code /proc/<pid>/net/tcp}
 * and {@code tcp6} list every socket of the process's network namespace (other processes' too),
 * each with its inode; the process's own sockets are the {@code socket:[inode]} links among
 * {@code /proc/<pid>/fd/*}. A socket in state {@code 0A} is listening.
 */
final class ListeningPorts {

  private static final String LISTEN = "0A";

  private ListeningPorts() {
  }

  /** The ports process {@code pid} (one of this user's, or this JVM) has a listening TCP socket on. */
  static Set<Integer> of(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    Path tcp = proc.resolve("net/tcp");
    if (!Files.isReadable(tcp)) {
      throw new IllegalStateException("cannot read " + tcp + ": listening sockets are read from Linux's /proc"
          + " (and the process must be alive)");
    }
    Set<Long> inodes = socketInodes(proc.resolve("fd"));
    Set<Integer> ports = new TreeSet<>(listening(Files.readAllLines(tcp), inodes));
    Path tcp6 = proc.resolve("net/tcp6");
    if (Files.isReadable(tcp6)) {
      ports.addAll(listening(Files.readAllLines(tcp6), inodes));
    }
    return ports;
  }

  /** The inodes of the sockets among the links of a {@code /proc/<pid>/fd} directory. */
  static Set<Long> socketInodes(Path fdDir) throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (NoSuchFileException closedMeanwhile) {
          continue;
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          inodes.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
        }
      }
    }
    return inodes;
  }

  /**
   * The local ports of the listening sockets among {@code inodes} in the lines of a
   * {@code /proc/net/tcp} or {@code tcp6} table ({@code sl local_address rem_address st ... uid timeout
   * inode ...}, addresses as hex {@code address:port}; the first line is the header).
   */
  static Set<Integer> listening(List<String> table, Set<Long> inodes) {
    Set<Integer> ports = new TreeSet<>();
    for (String line : table.subList(Math.min(1, table.size()), table.size())) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 10 || !fields[3].equals(LISTEN) || !inodes.contains(Long.parseLong(fields[9]))) {
        continue;
      }
      String local = fields[1];
      ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
    }
    return ports;
  }
}
