package dev.vmesos.master.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.api.v1.Protos.AgentID;
import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ExecutorID;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import dev.vmesos.api.v1.Protos.TaskID;
import dev.vmesos.api.v1.Protos.TaskInfo;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskValidationTest {

  private static final Resources OFFERED = ResourcesParser.parse("cpus:2;mem:1024");

  private static TaskInfo.Builder task(String id) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(AgentID.newBuilder().setValue("s1"))
        .setCommand(CommandInfo.newBuilder().setValue("true"));
  }

  private static Optional<String> validate(TaskInfo task, String needed, Map<String, ExecutorInfo> executors) {
    return TaskValidation.validate(task, new TaskValidation.Context("s1", Set.of("old"), Set.of("earlier"),
        executors, OFFERED, ResourcesParser.parse(needed), 1));
  }

  private static ExecutorInfo executor(String id, String command) {
    return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id))
        .setCommand(CommandInfo.newBuilder().setValue(command)).build();
  }

  @Test
  void aGoodTaskPasses() {
    assertThat(validate(task("t").build(), "cpus:1;mem:128", Map.of())).isEmpty();
  }

  @Test
  void eachRuleHasItsReason() {
    assertThat(validate(task("").build(), "cpus:1", Map.of())).get().asString().contains("empty");
    assertThat(validate(task("old").build(), "cpus:1", Map.of())).get().asString().contains("duplicate");
    assertThat(validate(task("earlier").build(), "cpus:1", Map.of())).get().asString().contains("duplicate");
    assertThat(validate(task("t").setAgentId(AgentID.newBuilder().setValue("s2")).build(), "cpus:1", Map.of()))
        .get().asString().contains("invalid agent");
    assertThat(validate(task("t").clearCommand().build(), "cpus:1", Map.of())).get().asString()
        .contains("CommandInfo or ExecutorInfo");
    assertThat(validate(task("t").build(), "cpus:3", Map.of())).get().asString().contains("more resources");
    assertThat(validate(task("t").setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)).build(),
        "cpus:1", Map.of())).get().asString().contains("docker.image");
  }

  @Test
  void taskAndExecutorIdsFollowMesossRulesForNamesOfDirectories() {
    for (String bad : new String[] {"a/b", "a\\b", ".", "..", "tab\there", "x".repeat(256)}) {
      assertThat(validate(task(bad).build(), "cpus:1", Map.of())).as(bad).get().asString()
          .startsWith("Task ID is invalid: ");
    }
    assertThat(validate(task("x".repeat(255)).build(), "cpus:1", Map.of())).isEmpty();
    assertThat(validate(task("with space.and-dots_1").build(), "cpus:1", Map.of())).isEmpty();
    TaskInfo badExecutor = task("t").clearCommand().setExecutor(executor("../up", "run")).build();
    assertThat(validate(badExecutor, "cpus:1", Map.of())).get().asString().startsWith("Executor ID is invalid: ");
  }

  @Test
  void anExecutorMustMatchTheOneAlreadyRunning() {
    TaskInfo withExecutor = task("t").clearCommand().setExecutor(executor("e", "run-v2")).build();

    assertThat(validate(withExecutor, "cpus:1", Map.of("e", executor("e", "run-v1")))).get().asString()
        .contains("differs");
    assertThat(validate(withExecutor, "cpus:1", Map.of("e", executor("e", "run-v2")))).isEmpty();
    assertThat(validate(task("t").clearCommand().setExecutor(executor("", "x")).build(), "cpus:1", Map.of()))
        .get().asString().contains("Executor ID");
  }
}
