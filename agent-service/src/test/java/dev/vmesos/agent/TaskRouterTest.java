package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskRouterTest {

  @Test
  void aTaskGoesToTheFamilyThatHasItAndNoOneElse() {
    Set<String> custom = Set.of("fw/c1");
    Set<String> command = Set.of("fw/t1", "other/c1");
    TaskRouter router = new TaskRouter((f, t) -> custom.contains(f + "/" + t), (f, t) -> command.contains(f + "/" + t));

    assertThat(router.owner("fw", "c1")).isEqualTo(TaskRouter.Owner.CUSTOM_EXECUTOR);
    assertThat(router.owner("fw", "t1")).isEqualTo(TaskRouter.Owner.COMMAND_EXECUTOR);
    assertThat(router.owner("other", "c1")).as("the same task id of another framework")
        .isEqualTo(TaskRouter.Owner.COMMAND_EXECUTOR);
    assertThat(router.owner("fw", "gone")).isEqualTo(TaskRouter.Owner.NONE);
  }
}
