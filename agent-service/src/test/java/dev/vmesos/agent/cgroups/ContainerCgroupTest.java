package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper, run for real with plain files standing in for cgroup.procs (no root needed). */
class ContainerCgroupTest {

  @TempDir
  Path tmp;

  @Test
  void withoutCgroupsTheArgvIsUnchanged() {
    ContainerCgroup none = new ContainerCgroup("c1", List.of());

    assertThat(none.wrap(List.of("/bin/echo", "hi"))).containsExactly("/bin/echo", "hi");
  }

  @Test
  void theWrapperWritesTheTaskPidToEveryHierarchyThenExecsTheUnchangedArgv() throws Exception {
    Path cpu = Files.createDirectories(tmp.resolve("cpu/vmesos/c1"));
    Path memory = Files.createDirectories(tmp.resolve("mem ory/it's/c1"));   // quoting is exercised too
    ContainerCgroup cgroup = new ContainerCgroup("c1", List.of(cpu, memory));
    Path out = tmp.resolve("out");

    Process process = new ProcessBuilder(cgroup.wrap(List.of("/bin/sh", "-c", "echo $$; printf '%s|' \"$@\"",
        "argv0", "a b", "$HOME", "'q'")))
        .redirectOutput(out.toFile())
        .redirectErrorStream(true)
        .start();

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    String pid = String.valueOf(process.pid());
    // Same pid in both "cgroups" and in the task: the task is the process that joined.
    assertThat(Files.readString(cpu.resolve("cgroup.procs")).trim()).isEqualTo(pid);
    assertThat(Files.readString(memory.resolve("cgroup.procs")).trim()).isEqualTo(pid);
    assertThat(Files.readString(out)).isEqualTo(pid + "\na b|$HOME|'q'|");
  }

  @Test
  void whenJoiningFailsTheTaskDoesNotRun() throws Exception {
    ContainerCgroup cgroup = new ContainerCgroup("c1", List.of(tmp.resolve("missing/c1")));
    Path marker = tmp.resolve("ran");
    Path err = tmp.resolve("err");

    Process process = new ProcessBuilder(cgroup.wrap(List.of("/usr/bin/touch", marker.toString())))
        .redirectError(err.toFile())
        .start();

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(ContainerCgroup.JOIN_FAILED_EXIT);
    assertThat(marker).doesNotExist();
    assertThat(readQuietly(err)).contains("vmesos: cannot join the cgroups of container c1");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
