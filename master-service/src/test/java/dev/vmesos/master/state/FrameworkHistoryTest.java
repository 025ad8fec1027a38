package dev.vmesos.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.FrameworkInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

/** A framework's completed tasks: bounded, oldest out first, kept without their data. */
class FrameworkHistoryTest {

  private static Task task(String id, ByteString data) {
    TaskInfo.Builder info = TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue("S0"));
    if (!data.isEmpty()) {
      info.setData(data).setExecutor(ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e"))
          .setData(data));
    }
    return new Task("F0", "S0", "*", info.build(), Resources.empty());
  }

  private static TaskStatus status(String id, TaskState state, ByteString data) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setState(state).setData(data)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).build();
  }

  @Test
  void theOldestCompletedTaskGoesFirstAndNoDataIsKept() {
    Framework framework = new Framework("F0", FrameworkInfo.newBuilder().setUser("u").setName("n").build());
    framework.completedCapacity(2);
    ByteString big = ByteString.copyFrom(new byte[64 * 1024]);
    for (String id : new String[] {"a", "b", "c"}) {
      Task task = task(id, big);
      framework.addTask(task);
      task.update(status(id, TaskState.TASK_RUNNING, big));
      task.update(status(id, TaskState.TASK_RUNNING, big));
      task.update(status(id, TaskState.TASK_FINISHED, big));
      framework.completeTask(id);
    }
    assertThat(framework.tasks()).isEmpty();
    assertThat(framework.completedTasks()).extracting(Task::id).containsExactly("b", "c");
    Task kept = framework.completedTasks().iterator().next();
    assertThat(kept.state()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(kept.statuses()).as("one status per state in a row, as Mesos").extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(kept.statuses()).allMatch(s -> !s.hasData());
    assertThat(kept.info().hasData()).isFalse();
    assertThat(kept.info().getExecutor().hasData()).isFalse();
    assertThat(kept.info().getExecutor().getExecutorId().getValue()).isEqualTo("e");
  }

  @Test
  void aLongRunningFrameworksHistoryStaysAtItsBound() {
    Framework framework = new Framework("F0", FrameworkInfo.newBuilder().setUser("u").setName("n").build());
    for (int i = 0; i < 50_000; i++) {
      String id = "t" + i;
      framework.addTask(task(id, ByteString.EMPTY));
      framework.tasks().get(id).update(status(id, TaskState.TASK_FINISHED, ByteString.EMPTY));
      framework.completeTask(id);
    }
    assertThat(framework.completedTasks()).hasSize(Framework.DEFAULT_MAX_COMPLETED_TASKS);
    assertThat(framework.completedTasks().iterator().next().id()).isEqualTo("t49000");
  }

  @Test
  void aCapacityOfZeroKeepsNothing() {
    Framework framework = new Framework("F0", FrameworkInfo.newBuilder().setUser("u").setName("n").build());
    framework.completedCapacity(0);
    framework.addTask(task("a", ByteString.EMPTY));
    framework.completeTask("a");
    assertThat(framework.tasks()).isEmpty();
    assertThat(framework.completedTasks()).isEmpty();
  }
}
