package dev.vmesos.agent.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How exit statuses read and where sandboxes go, as Mesos writes and lays them out. */
class ExitStatusAndSandboxesTest {

  @Test
  void exitStatusesReadAsMesosWritesThem() {
    assertThat(ExitStatus.describe(3)).isEqualTo("Command exited with status 3");
    assertThat(ExitStatus.describe(143)).isEqualTo("Command terminated with signal Terminated");
    assertThat(ExitStatus.describe(137)).isEqualTo("Command terminated with signal Killed");
  }

  @Test
  void idsThatWouldEscapeTheSandboxTreeAreRefused() {
    assertThat(Sandboxes.validateId("Task", "web-1.2_x")).isEmpty();
    assertThat(Sandboxes.validateId("Task", "..")).isPresent();
    assertThat(Sandboxes.validateId("Task", "a/../../etc")).isPresent();
    assertThat(Sandboxes.validateId("Task", "")).isPresent();
    assertThat(Sandboxes.path(Path.of("/w"), "A", "F", "E", "C"))
        .isEqualTo(Path.of("/w/slaves/A/frameworks/F/executors/E/runs/C"));
  }
}
