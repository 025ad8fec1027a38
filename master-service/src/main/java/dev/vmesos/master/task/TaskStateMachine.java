package dev.vmesos.master.task;

import dev.vmesos.api.TaskStates;
import dev.vmesos.api.v1.Protos.TaskState;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a status update does to a task the master tracks, as data: the state it moves to and the
 * effects the master performs. Agents enforce per-task update order; the master never moves a task
 * out of a terminal state, but still forwards every update (the framework must acknowledge
 * retransmissions), and gives a task's resources back exactly once, on its first terminal update.
 */
public final class TaskStateMachine {

  /** What the master does after a transition. */
  public enum Effect {
    /** Send the update to the framework. */
    FORWARD,
    /** Give the task's resources back to the allocator. */
    RECOVER_RESOURCES,
    /** Record the new state (and tell listeners). */
    RECORD
  }

  /**
   * @param from    the state before
   * @param to      the state after (unchanged when the update is not applied)
   * @param effects what to do
   * @param note    why an update was not applied, or null
   */
  public record Transition(TaskState from, TaskState to, Set<Effect> effects, String note) {
    public boolean applied() {
      return effects.contains(Effect.RECORD);
    }
  }

  private TaskStateMachine() {
  }

  /** A status update (from an agent or made by the master) for a task in state {@code current}. */
  public static Transition onUpdate(TaskState current, TaskState update) {
    if (TaskStates.isTerminal(current)) {
      // Retransmission, or a late update after the master decided (e.g. LOST): forward, change nothing.
      return new Transition(current, current, EnumSet.of(Effect.FORWARD),
          "the task is already " + current);
    }
    EnumSet<Effect> effects = EnumSet.of(Effect.RECORD, Effect.FORWARD);
    if (TaskStates.isTerminal(update)) {
      effects.add(Effect.RECOVER_RESOURCES);
    }
    return new Transition(current, update, effects, null);
  }

  /** Whether acknowledging the update with this state lets the master forget the task. */
  public static boolean forgetOnAcknowledge(TaskState acknowledged) {
    return TaskStates.isTerminal(acknowledged);
  }
}
