package dev.vmesos.agent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The agent learns its uid from {@code /proc/self/status}: the agent image's Java runtime has no
 * {@code jdk.security.auth} module, and without a uid every task there was lost as if the agent
 * were not root ("the agent runs as uid -1").
 */
class TaskUsersUidTest {

  @Test
  void theRealUidIsTheFirstOfTheUidLine() {
    assertThat(TaskUsers.uidOf("Name:\tjava\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"))
        .isEqualTo(1000);
    assertThat(TaskUsers.uidOf("Name:\tjava\nUid:\t0\t0\t0\t0\n")).isZero();
  }

  @Test
  void noUidLineOrAnUnreadableOneIsMinusOne() {
    assertThat(TaskUsers.uidOf("Name:\tjava\n")).isEqualTo(-1);
    assertThat(TaskUsers.uidOf("Uid:\tx\n")).isEqualTo(-1);
  }

  @Test
  void thisProcessStatusNamesTheSameUidAsTheJdk() throws Exception {
    long jdk = new com.sun.security.auth.module.UnixSystem().getUid();
    assertThat(TaskUsers.uidOf(Files.readString(Path.of("/proc/self/status")))).isEqualTo((int) jdk);
  }
}
