package dev.vmesos.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskState;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.executor.Protos.Call;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure parts: call validation, the executor environment, wait statuses. */
class ExecutorCallValidationTest {

  private static Call.Builder call(Call.Type type) {
    return Call.newBuilder().setType(type)
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
        .setExecutorId(ExecutorID.newBuilder().setValue("ex"));
  }

  private static Call update(TaskStatus.Builder status) {
    return call(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder()
        .setStatus(status.setTaskId(TaskID.newBuilder().setValue("t")))).build();
  }

  @Test
  void callsNeedTheirTypeAndBody() {
    assertThat(ExecutorCallValidation.validate(call(Call.Type.HEARTBEAT).build())).isEmpty();
    assertThat(ExecutorCallValidation.validate(call(Call.Type.HEARTBEAT).clearType().build()))
        .contains("Expecting 'type' to be present");
    assertThat(ExecutorCallValidation.validate(call(Call.Type.SUBSCRIBE).build()))
        .contains("Expecting 'subscribe' to be present");
    assertThat(ExecutorCallValidation.validate(call(Call.Type.UPDATE).build()))
        .contains("Expecting 'update' to be present");
    assertThat(ExecutorCallValidation.validate(call(Call.Type.MESSAGE).build()))
        .contains("Expecting 'message' to be present");
    assertThat(ExecutorCallValidation.validate(call(Call.Type.HEARTBEAT)
        .setExecutorId(ExecutorID.newBuilder().setValue("")).build()))
        .contains("Expecting 'executor_id' to be present");
  }

  @Test
  void updatesMustBeForwardableAsMesosRequires() {
    assertThat(ExecutorCallValidation.validate(update(TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING))))
        .isEmpty();
    assertThat(ExecutorCallValidation.validate(update(TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING)
        .setUuid(ByteString.copyFromUtf8("short"))))).hasValueSatisfying(m -> assertThat(m).contains("16-byte"));
    assertThat(ExecutorCallValidation.validate(update(TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING)
        .setExecutorId(ExecutorID.newBuilder().setValue("other")))))
        .contains("ExecutorID in Call: ex does not match ExecutorID in TaskStatus: other");
    assertThat(ExecutorCallValidation.validate(update(TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING)
        .setSource(TaskStatus.Source.SOURCE_MASTER)))).hasValueSatisfying(m -> assertThat(m).contains("SOURCE_EXECUTOR"));
    assertThat(ExecutorCallValidation.validate(update(TaskStatus.newBuilder().setState(TaskState.TASK_STAGING))))
        .hasValueSatisfying(m -> assertThat(m).contains("TASK_STAGING"));
  }

  @Test
  void theEnvironmentNamesTheAgentAndTheSandbox() {
    assertThat(ExecutorEnvironment.of("a1", "fw", "ex", "127.0.0.1:5051", Path.of("/w/s"), Duration.ofMillis(1500),
            java.util.Optional.empty(), Duration.ofSeconds(2)))
        .containsEntry("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051")
        .containsEntry("MESOS_SLAVE_ID", "a1").containsEntry("MESOS_AGENT_ID", "a1")
        .containsEntry("MESOS_SANDBOX", "/w/s").containsEntry("MESOS_DIRECTORY", "/w/s")
        .containsEntry("MESOS_CHECKPOINT", "0").containsEntry("MESOS_HTTP_COMMAND_EXECUTOR", "0")
        .containsEntry("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "1500ms")
        .doesNotContainKey("MESOS_RECOVERY_TIMEOUT").doesNotContainKey("MESOS_SUBSCRIPTION_BACKOFF_MAX");
    assertThat(ExecutorEnvironment.of("a1", "fw", "ex", "127.0.0.1:5051", Path.of("/w/s"), Duration.ofMillis(1500),
            java.util.Optional.of(Duration.ofMinutes(15)), Duration.ofSeconds(2)))
        .as("a checkpointing framework's executor").containsEntry("MESOS_CHECKPOINT", "1")
        .containsEntry("MESOS_RECOVERY_TIMEOUT", "15mins").containsEntry("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
    assertThat(ExecutorEnvironment.mesosDuration(Duration.ofSeconds(5))).isEqualTo("5secs");
    assertThat(ExecutorEnvironment.mesosDuration(Duration.ofSeconds(90))).isEqualTo("90secs");
    assertThat(ExecutorEnvironment.mesosDuration(Duration.ofHours(2))).isEqualTo("2hrs");
    assertThat(ExecutorEnvironment.mesosDuration(Duration.ZERO)).isEqualTo("0ms");
  }

  @Test
  void exitValuesBecomeWaitStatuses() {
    assertThat(CustomExecutors.waitStatus(0)).isZero();
    assertThat(CustomExecutors.waitStatus(3)).isEqualTo(3 << 8);
    assertThat(CustomExecutors.waitStatus(128 + 9)).isEqualTo(9);
    assertThat(CustomExecutors.waitStatus(128 + 15)).isEqualTo(15);
  }
}
