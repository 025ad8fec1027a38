package dev.vmesos.client;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status updates a framework has acknowledged, by task id and uuid, in bounded memory. An agent
 * resends an update until the acknowledgement reaches it; when one was lost with a master that
 * failed over, the framework would see the update twice. The session delivers an update only if it
 * is not here, and acknowledges a repeat again without delivering it.
 *
 * <p>Bounded two ways: per task only the last {@code uuidsPerTask} uuids (an agent resends only the
 * head of a task's stream, so a repeat is always one of the last few), and at most {@code maxTasks}
 * tasks, the least recently updated forgotten first (a task long finished is not updated again).
 * Forgetting only risks a duplicate delivery, as without this class. Pure state, one event loop.
 */
final class AcknowledgedUpdates {

  static final int DEFAULT_MAX_TASKS = 100_000;
  static final int DEFAULT_UUIDS_PER_TASK = 8;

  private final int uuidsPerTask;
  private final Map<String, Deque<ByteString>> byTask;

  AcknowledgedUpdates() {
    this(DEFAULT_MAX_TASKS, DEFAULT_UUIDS_PER_TASK);
  }

  AcknowledgedUpdates(int maxTasks, int uuidsPerTask) {
    if (maxTasks < 1 || uuidsPerTask < 1) {
      throw new IllegalArgumentException("maxTasks and uuidsPerTask must be positive");
    }
    this.uuidsPerTask = uuidsPerTask;
    this.byTask = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<ByteString>> eldest) {
        return size() > maxTasks;
      }
    };
  }

  /** Records that the framework acknowledged (or is acknowledging) this update of the task. */
  void acknowledged(String taskId, ByteString uuid) {
    Deque<ByteString> uuids = byTask.computeIfAbsent(taskId, id -> new ArrayDeque<>(uuidsPerTask));
    if (uuids.contains(uuid)) {
      return;
    }
    if (uuids.size() == uuidsPerTask) {
      uuids.removeFirst();
    }
    uuids.addLast(uuid);
  }

  /** Whether this update of the task was acknowledged already: a repeat, not to deliver again. */
  boolean isRepeat(String taskId, ByteString uuid) {
    Deque<ByteString> uuids = byTask.get(taskId);
    return uuids != null && uuids.contains(uuid);
  }

  /** How many tasks are remembered. */
  int tasks() {
    return byTask.size();
  }
}
