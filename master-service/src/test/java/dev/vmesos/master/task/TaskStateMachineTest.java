package dev.vmesos.master.task;

import static dev.vmesos.api.v1.Protos.TaskState.TASK_FAILED;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_FINISHED;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_KILLED;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_KILLING;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_LOST;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_RUNNING;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_STAGING;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_STARTING;
import static dev.vmesos.api.v1.Protos.TaskState.TASK_UNREACHABLE;
import static dev.vmesos.master.task.TaskStateMachine.Effect.FORWARD;
import static dev.vmesos.master.task.TaskStateMachine.Effect.RECORD;
import static dev.vmesos.master.task.TaskStateMachine.Effect.RECOVER_RESOURCES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.master.task.TaskStateMachine.Effect;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The transition table: from, update → to, effects. */
class TaskStateMachineTest {

  static Stream<Arguments> table() {
    return Stream.of(
        // the normal life of a task
        Arguments.of(TASK_STAGING, TASK_STARTING, TASK_STARTING, Set.of(RECORD, FORWARD)),
        Arguments.of(TASK_STARTING, TASK_RUNNING, TASK_RUNNING, Set.of(RECORD, FORWARD)),
        Arguments.of(TASK_RUNNING, TASK_FINISHED, TASK_FINISHED, Set.of(RECORD, FORWARD, RECOVER_RESOURCES)),
        // kill
        Arguments.of(TASK_RUNNING, TASK_KILLING, TASK_KILLING, Set.of(RECORD, FORWARD)),
        Arguments.of(TASK_KILLING, TASK_KILLED, TASK_KILLED, Set.of(RECORD, FORWARD, RECOVER_RESOURCES)),
        // a task can fail before it ever runs
        Arguments.of(TASK_STAGING, TASK_FAILED, TASK_FAILED, Set.of(RECORD, FORWARD, RECOVER_RESOURCES)),
        // partition: unreachable is not terminal; the agent's return brings it back
        Arguments.of(TASK_RUNNING, TASK_UNREACHABLE, TASK_UNREACHABLE, Set.of(RECORD, FORWARD)),
        Arguments.of(TASK_UNREACHABLE, TASK_RUNNING, TASK_RUNNING, Set.of(RECORD, FORWARD)),
        // terminal stays terminal: late and retransmitted updates are forwarded only
        Arguments.of(TASK_FINISHED, TASK_FINISHED, TASK_FINISHED, Set.of(FORWARD)),
        Arguments.of(TASK_LOST, TASK_RUNNING, TASK_LOST, Set.of(FORWARD)),
        Arguments.of(TASK_KILLED, TASK_FAILED, TASK_KILLED, Set.of(FORWARD)));
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("table")
  void transitions(TaskState from, TaskState update, TaskState to, Set<Effect> effects) {
    TaskStateMachine.Transition transition = TaskStateMachine.onUpdate(from, update);

    assertThat(transition.to()).isEqualTo(to);
    assertThat(transition.effects()).containsExactlyInAnyOrderElementsOf(effects);
  }
}
