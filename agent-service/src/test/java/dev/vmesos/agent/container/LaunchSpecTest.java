package dev.vmesos.agent.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Environment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {

  private static final Path SANDBOX = Path.of("/sandbox");

  @Test
  void aShellCommandRunsUnderBinSh() {
    CommandInfo command = CommandInfo.newBuilder().setValue("echo hello && exit 3").build();

    assertThat(LaunchSpec.of(command, Map.of(), "/bin", SANDBOX).argv())
        .containsExactly("/bin/sh", "-c", "echo hello && exit 3");
  }

  @Test
  void withoutShellArgumentsAreTheWholeArgvIncludingArgvZero() {
    CommandInfo command = CommandInfo.newBuilder()
        .setShell(false).setValue("/bin/echo").addArguments("echo").addArguments("a b").addArguments("c")
        .build();

    assertThat(LaunchSpec.of(command, Map.of(), "/bin", SANDBOX).argv()).containsExactly("/bin/echo", "a b", "c");
    assertThat(LaunchSpec.of(command.toBuilder().clearArguments().build(), Map.of(), "/bin", SANDBOX).argv())
        .containsExactly("/bin/echo");
  }

  @Test
  void theEnvironmentIsPathAgentVariablesAndTheCommandsValues() {
    CommandInfo command = CommandInfo.newBuilder().setValue("env")
        .setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("GREETING").setValue("hi"))
            .addVariables(Environment.Variable.newBuilder().setName("SECRET")
                .setType(Environment.Variable.Type.SECRET)))
        .build();

    Map<String, String> env = LaunchSpec.of(command, Map.of("MESOS_TASK_ID", "t1"), "/opt/bin", SANDBOX).environment();

    assertThat(env).containsOnly(
        Map.entry("PATH", "/opt/bin"), Map.entry("MESOS_TASK_ID", "t1"), Map.entry("GREETING", "hi"));
    assertThat(LaunchSpec.of(command, Map.of(), null, SANDBOX).environment())
        .containsEntry("PATH", LaunchSpec.DEFAULT_PATH);
  }

  @Test
  void aCommandNeedsAValue() {
    assertThat(LaunchSpec.validate(CommandInfo.newBuilder().build())).isPresent();
    assertThat(LaunchSpec.validate(CommandInfo.newBuilder().setShell(false).addArguments("x").build())).isPresent();
    assertThat(LaunchSpec.validate(CommandInfo.newBuilder().setValue("true").build())).isEmpty();
  }
}
