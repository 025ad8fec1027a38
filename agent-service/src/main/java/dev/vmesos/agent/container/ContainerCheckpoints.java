package dev.vmesos.agent.container;

import dev.vmesos.api.internal.Internal.ContainerCheckpoint;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's memory of its containers across restarts, under {@link ContainerPaths}: a
 * {@link ContainerCheckpoint} per container of a checkpointing framework, the supervisor's pid of
 * every process container, and the agent's id. Blocking file I/O: call off the event loop.
 *
 * <p>Files are replaced atomically (written aside, then renamed) but not fsync'ed: they must
 * survive the agent process, and a host that goes down takes its containers with it.
 */
public final class ContainerCheckpoints {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerCheckpoints.class);

  /** What a previous run left: checkpointed containers, and containers nobody checkpointed. */
  public record Found(Optional<AgentID> agentId, List<ContainerCheckpoint> checkpoints, List<String> orphans) {
  }

  /** A process container's supervisor, as its pid file gives it. */
  public record Pid(long pid, long startedAtMillis) {
  }

  private final ContainerPaths paths;

  public ContainerCheckpoints(ContainerPaths paths) {
    this.paths = paths;
  }

  public ContainerPaths paths() {
    return paths;
  }

  public void write(ContainerCheckpoint checkpoint) throws IOException {
    replace(paths.checkpoint(checkpoint.getContainerId()), checkpoint.toByteArray());
  }

  /**
   * {@link #write} on a worker of {@code context}, in order with the other ordered blocking work of
   * that context; never fails: a failure is logged (the container then does not survive an agent
   * restart), since nothing should stop for it.
   */
  public Future<Void> writeInOrder(Context context, ContainerCheckpoint checkpoint) {
    return context.<Void>executeBlocking(() -> {
      write(checkpoint);
      return null;
    }, true).recover(e -> {
      LOG.error("Cannot checkpoint container {}: {}; it will not survive an agent restart",
          checkpoint.getContainerId(), e.toString());
      return Future.succeededFuture();
    });
  }

  public void writePid(String containerId, Pid pid) throws IOException {
    replace(paths.pid(containerId), (pid.pid() + " " + pid.startedAtMillis()).getBytes(StandardCharsets.US_ASCII));
  }

  public Optional<Pid> readPid(String containerId) {
    try {
      String[] parts = Files.readString(paths.pid(containerId), StandardCharsets.US_ASCII).trim().split(" ");
      return Optional.of(new Pid(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * A task of a custom executor, as checkpointed: {@code launched} once it was handed to the
   * executor, not yet while it waits for the executor to subscribe.
   */
  public record ExecutorTaskCheckpoint(TaskInfo task, boolean launched) {
  }

  /**
   * A task for a custom executor, so that a restarted agent knows it is there: written when it is
   * queued for the executor ({@code launched} false) and again when it is handed over.
   */
  public void writeExecutorTask(String containerId, TaskInfo task, boolean launched) throws IOException {
    String taskId = task.getTaskId().getValue();
    replace(executorTask(containerId, taskId), task.toByteArray());
    if (launched) {
      replace(launchedMarker(containerId, taskId), new byte[0]);
    }
  }

  public void removeExecutorTask(String containerId, String taskId) throws IOException {
    Files.deleteIfExists(launchedMarker(containerId, taskId));
    Files.deleteIfExists(executorTask(containerId, taskId));
  }

  /** The tasks {@link #writeExecutorTask} recorded for a custom executor's container; unreadable ones are skipped. */
  public List<ExecutorTaskCheckpoint> readExecutorTasks(String containerId) throws IOException {
    Path directory = paths.directory(containerId).resolve("tasks");
    List<ExecutorTaskCheckpoint> tasks = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return tasks;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pb")) {
      for (Path file : files) {
        try {
          TaskInfo task = TaskInfo.parseFrom(Files.readAllBytes(file));
          tasks.add(new ExecutorTaskCheckpoint(task,
              Files.exists(launchedMarker(containerId, task.getTaskId().getValue()))));
        } catch (IOException e) {
          LOG.warn("Cannot read executor task checkpoint {}: {}; skipping it", file, e.toString());
        }
      }
    }
    return tasks;
  }

  private Path launchedMarker(String containerId, String taskId) {
    return paths.directory(containerId).resolve("tasks").resolve(taskId + ".launched");
  }

  private Path executorTask(String containerId, String taskId) {
    return paths.directory(containerId).resolve("tasks").resolve(taskId + ".pb");
  }

  public void writeAgentId(AgentID agentId) throws IOException {
    replace(paths.agentId(), agentId.getValue().getBytes(StandardCharsets.UTF_8));
  }

  /** Everything kept of the container; nothing is left to recover it by. */
  public void remove(String containerId) throws IOException {
    Path directory = paths.directory(containerId);
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Reads what a previous run left; an unreadable checkpoint is logged and its container taken for an orphan. */
  public Found recover() throws IOException {
    Optional<AgentID> agentId = Optional.empty();
    if (Files.exists(paths.agentId())) {
      String id = Files.readString(paths.agentId(), StandardCharsets.UTF_8).trim();
      if (!id.isEmpty()) {
        agentId = Optional.of(AgentID.newBuilder().setValue(id).build());
      }
    }
    List<ContainerCheckpoint> checkpoints = new ArrayList<>();
    List<String> orphans = new ArrayList<>();
    if (!Files.isDirectory(paths.root())) {
      return new Found(agentId, checkpoints, orphans);
    }
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(paths.root())) {
      for (Path directory : directories) {
        String containerId = directory.getFileName().toString();
        Optional<ContainerCheckpoint> checkpoint = read(containerId);
        if (checkpoint.isPresent() && agentId.isPresent() && checkpoint.get().getAgentId().equals(agentId.get())) {
          checkpoints.add(checkpoint.get());
        } else {
          orphans.add(containerId);
        }
      }
    }
    return new Found(agentId, checkpoints, orphans);
  }

  private Optional<ContainerCheckpoint> read(String containerId) {
    Path file = paths.checkpoint(containerId);
    try {
      return Optional.of(ContainerCheckpoint.parseFrom(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("Cannot read container checkpoint {}: {}; the container is taken for an orphan", file, e.toString());
      return Optional.empty();
    }
  }

  private static void replace(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temporary, content);
    try {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
