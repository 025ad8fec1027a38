package dev.vmesos.examples.throttle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The throttle framework's bookkeeping, pure: which queries still have to run, how many tasks run,
 * how many failed. Queries are numbered {@code 0..total-1} and handed out in batches of
 * {@code queriesPerTask}; a batch whose task fails goes back to the queue. No more than
 * {@code parallelism} batches are out at once, and more than {@code maxErrors} failures end the run.
 */
public final class ThrottlePlan {

  /** Queries {@code [first, first + count)}, run by task number {@code task}. */
  public record Batch(int task, long first, int count) {
  }

  private final long total;
  private final int queriesPerTask;
  private final int parallelism;
  private final int maxErrors;
  private final Deque<Batch> retry = new ArrayDeque<>();
  private final Map<String, Batch> running = new HashMap<>();
  private long nextQuery;
  private long completedQueries;
  private int tasksLaunched;
  private int tasksFinished;
  private int errors;

  public ThrottlePlan(long total, int queriesPerTask, int parallelism, int maxErrors) {
    if (total < 1 || queriesPerTask < 1 || parallelism < 1 || maxErrors < 0) {
      throw new IllegalArgumentException("total, queriesPerTask and parallelism must be positive");
    }
    this.total = total;
    this.queriesPerTask = queriesPerTask;
    this.parallelism = parallelism;
    this.maxErrors = maxErrors;
  }

  /** The next batch to launch, if a slot is free and queries are left; the caller names its task. */
  public Optional<Batch> next() {
    if (running.size() >= parallelism || failed()) {
      return Optional.empty();
    }
    if (!retry.isEmpty()) {
      Batch again = retry.poll();
      return Optional.of(new Batch(tasksLaunched, again.first(), again.count()));
    }
    if (nextQuery >= total) {
      return Optional.empty();
    }
    int count = (int) Math.min(queriesPerTask, total - nextQuery);
    Batch batch = new Batch(tasksLaunched, nextQuery, count);
    nextQuery += count;
    return Optional.of(batch);
  }

  /** Records that {@code batch} (from {@link #next}) was launched as task {@code taskId}. */
  public void launched(String taskId, Batch batch) {
    running.put(taskId, batch);
    tasksLaunched++;
  }

  /** A launch that never reached the master: the batch goes back to the queue, not counted as an error. */
  public void notLaunched(String taskId) {
    Batch batch = running.remove(taskId);
    if (batch != null) {
      retry.add(batch);
    }
  }

  /** The task ended; false if it was not running (a duplicate update). */
  public boolean ended(String taskId, boolean ok) {
    Batch batch = running.remove(taskId);
    if (batch == null) {
      return false;
    }
    if (ok) {
      completedQueries += batch.count();
      tasksFinished++;
    } else {
      errors++;
      retry.add(batch);
    }
    return true;
  }

  public boolean hasPendingWork() {
    return !retry.isEmpty() || nextQuery < total;
  }

  public boolean done() {
    return completedQueries == total;
  }

  public boolean failed() {
    return errors > maxErrors;
  }

  public int running() {
    return running.size();
  }

  public long completedQueries() {
    return completedQueries;
  }

  public int tasksFinished() {
    return tasksFinished;
  }

  public int tasksLaunched() {
    return tasksLaunched;
  }

  public int errors() {
    return errors;
  }

  public long total() {
    return total;
  }
}
