package dev.vmesos.agent.status;

import com.google.protobuf.ByteString;
import dev.vmesos.api.internal.Internal.StatusUpdate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's status-update checkpoints: one append-only file of {@link UpdateRecords} per
 * (framework, task) stream at {@code <work_dir>/meta/updates/<framework>/<task>.updates}. An UPDATE
 * record is written and forced to disk before the update is first sent, an ACK record when the
 * framework acknowledges it, and the file is deleted when the stream's terminal update is
 * acknowledged. {@link #recover()} reads back what was never acknowledged.
 *
 * <p>Why not Mesos's {@code meta/slaves/<agent>/frameworks/.../runs/<container>/tasks/<task>/task.updates}:
 * replay needs only (framework, task) and the updates themselves carry everything else; a restarted
 * agent does not know its agent id until the master has answered (it registers afresh), and the
 * container id belongs to a run the restart has ended. The flat layout also keeps recovery to a
 * two-level directory walk. Ids are percent-encoded into file names, so no id can climb out.
 *
 * <p>Every method blocks (file I/O, fsync); call them off the event loop, in order, from one
 * worker at a time (see {@link StatusUpdateSender}). Not thread-safe.
 */
public final class UpdateCheckpoints {

  private static final Logger LOG = LoggerFactory.getLogger(UpdateCheckpoints.class);
  static final String SUFFIX = ".updates";

  /** The unacknowledged updates of one stream, oldest first. */
  public record Recovered(String frameworkId, String taskId, List<StatusUpdate> pending) {
  }

  private final Path root;

  public UpdateCheckpoints(Path workDir) {
    this.root = workDir.resolve("meta").resolve("updates");
  }

  /** The directory of every checkpoint. */
  public Path root() {
    return root;
  }

  /** The checkpoint file of a stream. */
  public Path file(String frameworkId, String taskId) {
    return root.resolve(encode(frameworkId)).resolve(encode(taskId) + SUFFIX);
  }

  /** Appends the update's record and forces it to disk. */
  public void update(StatusUpdate update) throws IOException {
    append(file(update.getFrameworkId().getValue(), update.getStatus().getTaskId().getValue()),
        UpdateRecords.update(update), true);
  }

  /** Appends an ACK record of {@code uuid}; nothing if the stream has no checkpoint. */
  public void acknowledged(String frameworkId, String taskId, ByteString uuid) throws IOException {
    Path file = file(frameworkId, taskId);
    if (!Files.exists(file)) {
      LOG.debug("No checkpoint of task {} of framework {} to record an acknowledgement in", taskId, frameworkId);
      return;
    }
    append(file, UpdateRecords.ack(uuid), false);
  }

  /** The stream's terminal update was acknowledged: its checkpoint goes. */
  public void closed(String frameworkId, String taskId) throws IOException {
    Path file = file(frameworkId, taskId);
    if (Files.deleteIfExists(file)) {
      LOG.debug("Deleted the status update checkpoint of task {} of framework {}", taskId, frameworkId);
    }
    deleteIfEmpty(file.getParent());
  }

  /** Drops every checkpoint of a framework (it was shut down). */
  public void removeFramework(String frameworkId) throws IOException {
    Path dir = root.resolve(encode(frameworkId));
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
    LOG.info("Deleted the status update checkpoints of framework {}", frameworkId);
  }

  /**
   * Reads every checkpoint back and returns the streams with unacknowledged updates. A tail that
   * is not a whole record (a crash mid-write) is logged and cut off; a file with nothing left to
   * send is deleted; an unreadable file is logged and skipped. Never throws for a bad file.
   */
  public List<Recovered> recover() throws IOException {
    List<Recovered> recovered = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return recovered;
    }
    for (Path frameworkDir : sortedChildren(root)) {
      if (!Files.isDirectory(frameworkDir)) {
        continue;
      }
      for (Path file : sortedChildren(frameworkDir)) {
        if (file.getFileName().toString().endsWith(SUFFIX)) {
          recoverFile(file).ifPresent(recovered::add);
        }
      }
      deleteIfEmpty(frameworkDir);
    }
    return recovered;
  }

  private java.util.Optional<Recovered> recoverFile(Path file) {
    try {
      UpdateRecords.Decoded decoded = UpdateRecords.decode(Files.readAllBytes(file));
      if (decoded.problem().isPresent()) {
        LOG.warn("Status update checkpoint {}: {}; ignoring the {} byte(s) after the last whole record", file,
            decoded.problem().get(), Files.size(file) - decoded.validLength());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(decoded.validLength());
          channel.force(true);
        }
      }
      List<StatusUpdate> pending = UpdateRecords.unacknowledged(decoded.records());
      if (pending.isEmpty()) {
        Files.deleteIfExists(file);
        LOG.info("Status update checkpoint {} holds nothing unacknowledged: deleted", file);
        return java.util.Optional.empty();
      }
      StatusUpdate first = pending.get(0);
      Recovered stream = new Recovered(first.getFrameworkId().getValue(), first.getStatus().getTaskId().getValue(),
          pending);
      LOG.info("Recovered {} unacknowledged status update(s) of task {} of framework {} from {}", pending.size(),
          stream.taskId(), stream.frameworkId(), file);
      return java.util.Optional.of(stream);
    } catch (IOException e) {
      LOG.warn("Cannot recover status update checkpoint {}: {}; skipping it", file, e.toString());
      return java.util.Optional.empty();
    }
  }

  private static void append(Path file, byte[] record, boolean mayCreate) throws IOException {
    boolean created = false;
    if (mayCreate && !Files.exists(file)) {
      Files.createDirectories(file.getParent());
      created = true;
    }
    try (FileChannel channel = mayCreate
        ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
        : FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(record);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    if (created) {
      forceDirectory(file.getParent());   // the new file's name must survive a crash too
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    children.sort(null);
    return children;
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (NoSuchFileException ignored) {
      // Already gone.
    } catch (IOException notEmpty) {
      // DirectoryNotEmptyException or the like: other streams live there.
    }
  }

  /** Keeps {@code [A-Za-z0-9_-]}; percent-encodes every other UTF-8 byte (so {@code .}, {@code /} too). */
  static String encode(String id) {
    StringBuilder out = new StringBuilder();
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
