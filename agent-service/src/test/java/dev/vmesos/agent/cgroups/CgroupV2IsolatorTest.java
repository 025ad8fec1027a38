package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 isolator against a fake unified hierarchy: plain files where the kernel would have
 * control files, written by the test where the kernel would write them.
 */
class CgroupV2IsolatorTest {

  private static final long MB = 1024L * 1024L;

  @TempDir
  Path tmp;

  private Path root;
  private CgroupIsolator isolator;

  @BeforeEach
  void setUp() throws IOException {
    Path unified = Files.createDirectories(tmp.resolve("unified"));
    Files.writeString(unified.resolve("cgroup.controllers"), "cpu memory pids\n");
    isolator = Cgroups.detect(CgroupsOptions.of("vmesos/agent1"),
        "41 31 0:38 / " + unified + " rw - cgroup2 cgroup2 rw\n", "0::/\n");
    root = unified.resolve("vmesos/agent1");
  }

  @Test
  void prepareWritesWeightCfsQuotaAndMemoryMax() throws Exception {
    ContainerCgroup cgroup = isolator.prepare("c1", 0.5, 64);

    Path dir = root.resolve("c1");
    assertThat(cgroup.directories()).containsExactly(dir);
    assertThat(dir.resolve("cpu.weight")).hasContent("50");
    assertThat(dir.resolve("cpu.max")).hasContent("50000 100000");
    assertThat(dir.resolve("memory.max")).hasContent(String.valueOf(64 * MB));
    assertThat(dir.resolve("memory.swap.max")).doesNotExist();   // no swap accounting on this "kernel"
    assertThat(cgroup.wrap(List.of("sleep", "1")))
        .startsWith("/bin/sh", "-c")
        .endsWith("sh", "sleep", "1")
        .anySatisfy(arg -> assertThat(arg).contains("echo $$ > '" + dir.resolve("cgroup.procs") + "'"));
  }

  @Test
  void anExistingContainerCgroupIsNotPreparedTwice() throws Exception {
    isolator.prepare("c1", 1, 64);

    assertThatThrownBy(() -> isolator.prepare("c1", 1, 64))
        .isInstanceOf(IOException.class).hasMessageContaining("exists already");
  }

  @Test
  void anOomKillInMemoryEventsIsAMemoryLimitation() throws Exception {
    ContainerCgroup cgroup = isolator.prepare("c1", 1, 64);
    Path dir = root.resolve("c1");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 20\noom 1\noom_kill 0\n");
    Files.writeString(dir.resolve("memory.current"), "1000\n");

    assertThat(isolator.limitation(cgroup)).isEmpty();

    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 31\noom 2\noom_kill 1\n");
    Files.writeString(dir.resolve("memory.peak"), (64 * MB) + "\n");

    assertThat(isolator.limitation(cgroup)).hasValueSatisfying(limitation -> {
      assertThat(limitation.reason()).isEqualTo(Reason.REASON_CONTAINER_LIMITATION_MEMORY);
      assertThat(limitation.message()).isEqualTo("Memory limit exceeded: Requested: 64MB Maximum Used: 64MB");
    });
  }

  @Test
  void usageComesFromCpuStatAndTheMemoryFiles() throws Exception {
    ContainerCgroup cgroup = isolator.prepare("c1", 2, 128);
    Path dir = root.resolve("c1");
    Files.writeString(dir.resolve("cpu.stat"), """
        usage_usec 2500000
        user_usec 2000000
        system_usec 500000
        nr_periods 40
        nr_throttled 3
        throttled_usec 120000
        """);
    Files.writeString(dir.resolve("memory.current"), "10485760\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 4194304\nfile 6291456\n");

    CgroupUsage usage = isolator.usage(cgroup).orElseThrow();

    assertThat(usage.cpusTimeSecs()).isCloseTo(2.5, within(1e-9));
    assertThat(usage.cpusUserTimeSecs()).isCloseTo(2.0, within(1e-9));
    assertThat(usage.cpusSystemTimeSecs()).isCloseTo(0.5, within(1e-9));
    assertThat(usage.cpusLimit()).isCloseTo(2.0, within(1e-9));
    assertThat(usage.cpusNrPeriods()).isEqualTo(40);
    assertThat(usage.cpusNrThrottled()).isEqualTo(3);
    assertThat(usage.cpusThrottledTimeSecs()).isCloseTo(0.12, within(1e-9));
    assertThat(usage.memTotalBytes()).isEqualTo(10 * MB);
    assertThat(usage.memRssBytes()).isEqualTo(4 * MB);
    assertThat(usage.memMaxUsedBytes()).isEqualTo(10 * MB);   // no memory.peak: the usage now
    assertThat(usage.memLimitBytes()).isEqualTo(128 * MB);
  }

  @Test
  void killUsesCgroupKillAndDestroyRemovesTheCgroup() throws Exception {
    ContainerCgroup cgroup = isolator.prepare("c1", 1, 64);
    Path dir = root.resolve("c1");
    Files.writeString(dir.resolve("cgroup.kill"), "");
    Files.writeString(dir.resolve("cgroup.procs"), "");

    assertThat(isolator.kill(cgroup)).isZero();
    assertThat(dir.resolve("cgroup.kill")).hasContent("1");

    emptyLikeTheKernel(dir);
    isolator.destroy(cgroup);

    assertThat(dir).doesNotExist();
    assertThat(isolator.recover()).isEmpty();
  }

  @Test
  void recoveryListsTheContainersUnderTheRootAndNothingElse() throws Exception {
    String c1 = "0a1d3c1e-0000-4000-8000-000000000001";
    String c2 = "0a1d3c1e-0000-4000-8000-000000000002";
    isolator.prepare(c2, 1, 64);
    isolator.prepare(c1, 1, 64);
    Files.createDirectories(root.resolve("local-1a2b3c"));   // another agent's root nested in this one

    assertThat(isolator.recover()).containsExactly(
        new ContainerCgroup(c1, List.of(root.resolve(c1))),
        new ContainerCgroup(c2, List.of(root.resolve(c2))));
  }

  /** A real cgroup directory can be rmdir'd with its control files in it; a fake one cannot. */
  private static void emptyLikeTheKernel(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
  }
}
