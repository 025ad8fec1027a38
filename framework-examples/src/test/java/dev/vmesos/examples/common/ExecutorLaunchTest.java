package dev.vmesos.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.config.Flags;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ExecutorInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorLaunchTest {

  private static ExecutorInfo executor(String... args) {
    return ExecutorLaunch.fromFlags(Flags.parse(args, Map.of())).executor("e1", "test", "dev.example.Main");
  }

  @Test
  void theExamplesImageRunsItsOwnClasspathWithNothingMounted() {
    ExecutorInfo info = executor("--executor_image=vmesos/examples:0.1.0-SNAPSHOT");

    assertThat(info.getContainer().getType()).isEqualTo(ContainerInfo.Type.DOCKER);
    assertThat(info.getContainer().getDocker().getImage()).isEqualTo("vmesos/examples:0.1.0-SNAPSHOT");
    assertThat(info.getContainer().getVolumesList()).isEmpty();
    assertThat(info.getCommand().getArgumentsList()).containsSequence("-cp", "@/app/jib-classpath-file",
        "dev.example.Main");
  }

  @Test
  void aPlainJreImageGetsThisJvmsClasspathMountedReadOnly() {
    ExecutorInfo info = executor();

    assertThat(info.getContainer().getDocker().getImage()).isEqualTo(ExecutorLaunch.DEFAULT_IMAGE);
    assertThat(info.getContainer().getVolumesList()).isNotEmpty()
        .allSatisfy(v -> assertThat(v.getHostPath()).isEqualTo(v.getContainerPath()));
  }

  @Test
  void processExecutorsRunOnThisJvmsJava() {
    ExecutorInfo info = executor("--executor=process", "--executor_image=vmesos/examples");

    assertThat(info.hasContainer()).isFalse();
    assertThat(info.getCommand().getValue()).endsWith("java");
    assertThat(info.getCommand().getArgumentsList()).doesNotContain("@/app/jib-classpath-file");
  }
}
