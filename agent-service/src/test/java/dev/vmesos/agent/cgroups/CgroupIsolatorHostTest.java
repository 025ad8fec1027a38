package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vmesos.agent.cgroups.CgroupsOptions.Placement;
import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolator on this host's real cgroups (v1 here; v2 where the host has it). Skipped when not
 * root; as root, cgroups that cannot be used fail the test, since the agent would then run tasks
 * without limits. The cgroups are nested under the test JVM's own ones, so the test's processes
 * stay within whatever limits the build was given, and are removed afterwards.
 */
class CgroupIsolatorHostTest {

  private static final long MB = 1024L * 1024L;

  @TempDir
  Path tmp;

  private final List<CgroupIsolator> isolators = new ArrayList<>();
  private final List<ContainerCgroup> prepared = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private CgroupsOptions options;
  private CgroupIsolator isolator;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(isRoot(), "Not running as root: the real cgroups tests are skipped");
    options = new CgroupsOptions("vmesos-test-" + UUID.randomUUID().toString().substring(0, 8), Placement.AGENT_CGROUP);
    isolator = detect(options);
  }

  @AfterEach
  void cleanUp() throws IOException {
    processes.forEach(Process::destroyForcibly);
    for (ContainerCgroup cgroup : prepared) {
      for (CgroupIsolator owner : isolators) {
        try {
          owner.destroy(cgroup);
          break;
        } catch (IOException e) {
          // destroyed by the test already, or by another isolator: try the next
        }
      }
    }
    for (CgroupIsolator owner : isolators) {
      for (Path root : ((CgroupHierarchyIsolator) owner).roots()) {
        Files.deleteIfExists(root);
      }
    }
  }

  @Test
  void theTaskRunsInsideTheContainerCgroupFromItsFirstInstruction() throws Exception {
    ContainerCgroup cgroup = prepare("c1", 1, 64);

    // What the task sees of itself as it starts is where it was exec'd.
    Process task = start(cgroup, "cat", "/proc/self/cgroup");

    assertThat(task.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(task.exitValue()).isZero();
    Map<String, String> membership = CgroupMounts.parseMembership(Files.readString(tmp.resolve("c1.out")));
    String containerPath = "/" + options.root() + "/c1";
    for (String controller : controllers()) {
      assertThat(membership.get(controller)).as("the task's %s cgroup", controller).endsWith(containerPath);
    }
    Map<String, String> own = CgroupMounts.parseMembership(Files.readString(Path.of("/proc/self/cgroup")));
    assertThat(own.get(controllers().get(0))).doesNotEndWith(containerPath);
  }

  @Test
  void cpuSharesCfsQuotaAndTheMemoryLimitAreWritten() throws Exception {
    ContainerCgroup cgroup = prepare("c1", 0.5, 64);

    if (isolator instanceof CgroupV1Isolator) {
      Path cpu = directoryWith(cgroup, "cpu.shares");
      Path memory = directoryWith(cgroup, "memory.limit_in_bytes");
      assertThat(read(cpu, "cpu.shares")).isEqualTo("512");
      assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("100000");
      assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("50000");
      assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(String.valueOf(64 * MB));
      if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
        assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(String.valueOf(64 * MB));
      }
    } else {
      Path dir = cgroup.directories().get(0);
      assertThat(read(dir, "cpu.weight")).isEqualTo("50");
      assertThat(read(dir, "cpu.max")).isEqualTo("50000 100000");
      assertThat(read(dir, "memory.max")).isEqualTo(String.valueOf(64 * MB));
    }
  }

  @Test
  void aTaskOverItsMemoryLimitIsOomKilledAndReportedAsAMemoryLimitation() throws Exception {
    ContainerCgroup hog = prepare("hog", 1, 32);
    ContainerCgroup modest = prepare("modest", 1, 64);

    // tail keeps a 200 MB line of NULs in memory (if nothing stops it, it exits 0 holding 200 MB).
    Process hogTask = start(hog, "/bin/sh", "-c", "head -c 200000000 /dev/zero | tail");
    Process modestTask = start(modest, "/bin/sh", "-c", "head -c 10000000 /dev/zero | wc -c");

    assertThat(hogTask.waitFor(60, TimeUnit.SECONDS)).as("the task over its limit was killed").isTrue();
    assertThat(hogTask.exitValue()).isEqualTo(128 + 9);
    assertThat(isolator.limitation(hog)).hasValueSatisfying(limitation -> {
      assertThat(limitation.reason()).isEqualTo(Reason.REASON_CONTAINER_LIMITATION_MEMORY);
      assertThat(limitation.message()).isEqualTo("Memory limit exceeded: Requested: 32MB Maximum Used: 32MB");
    });
    assertThat(modestTask.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(modestTask.exitValue()).isZero();
    assertThat(isolator.limitation(modest)).isEmpty();
  }

  @Test
  void theCfsQuotaHoldsABusyTaskToItsCpusAndUsageShowsIt() throws Exception {
    ContainerCgroup cgroup = prepare("c1", 0.5, 64);
    long started = System.nanoTime();
    start(cgroup, "/bin/sh", "-c", "while :; do :; done");
    Thread.sleep(1_500);

    CgroupUsage usage = isolator.usage(cgroup).orElseThrow();
    double elapsedSecs = (System.nanoTime() - started) / 1e9;

    // Unconfined, the loop would use about elapsedSecs of CPU; the quota allows half.
    assertThat(usage.cpusTimeSecs()).isGreaterThan(0.1).isLessThan(0.5 * elapsedSecs + 0.15);
    assertThat(usage.cpusUserTimeSecs() + usage.cpusSystemTimeSecs()).isGreaterThan(0.05);
    assertThat(usage.cpusLimit()).isEqualTo(0.5);
    assertThat(usage.cpusNrThrottled()).isPositive();
    assertThat(usage.memTotalBytes()).isPositive();
    assertThat(usage.memLimitBytes()).isEqualTo(64 * MB);
  }

  @Test
  void killSignalsEveryProcessInTheCgroupAndDestroyRemovesIt() throws Exception {
    ContainerCgroup cgroup = prepare("c1", 1, 64);
    Process task = start(cgroup, "/bin/sh", "-c", "sleep 300 & sleep 300 & wait");
    List<Long> pids = awaitProcesses(cgroup, 3);

    assertThat(isolator.kill(cgroup)).isEqualTo(3);   // the shell and its two sleeps

    for (Path procs : cgroup.procsFiles()) {
      assertThat(CgroupFiles.pids(procs)).as("processes left in %s", procs).isEmpty();
    }
    assertThat(task.waitFor(5, TimeUnit.SECONDS)).isTrue();
    for (long pid : pids) {
      assertThat(isRunning(pid)).as("process %d still running", pid).isFalse();
    }
    isolator.destroy(cgroup);
    for (Path directory : cgroup.directories()) {
      assertThat(directory).doesNotExist();
    }
    isolator.destroy(cgroup);   // again: nothing to do
  }

  @Test
  void aRestartedAgentRecoversTheContainersItLeftAndCanDestroyThem() throws Exception {
    ContainerCgroup c1 = prepare(java.util.UUID.randomUUID().toString(), 1, 64);
    ContainerCgroup c2 = prepare(java.util.UUID.randomUUID().toString(), 1, 64);
    start(c2, "sleep", "300");
    awaitProcesses(c2, 1);
    // Another agent's root nested under this one (a local cluster's agent): not a container of ours.
    ContainerCgroup nested = prepare("local-0", 1, 64);

    CgroupIsolator restarted = detect(options);
    List<ContainerCgroup> recovered = restarted.recover();

    assertThat(recovered).containsExactlyInAnyOrder(c1, c2);
    for (ContainerCgroup cgroup : recovered) {
      restarted.destroy(cgroup);
    }
    assertThat(restarted.recover()).isEmpty();
    restarted.releaseRoot();
    assertThat(nested.directories()).as("a non-empty root stays").allSatisfy(d -> assertThat(d).isDirectory());
    restarted.destroy(nested);
    restarted.releaseRoot();
    assertThat(nested.directories()).allSatisfy(d -> assertThat(d.getParent()).doesNotExist());
  }

  @Test
  void placedAtTheTopOfEachHierarchyLikeMesos() throws Exception {
    CgroupIsolator top = detect(CgroupsOptions.of(options.root()));
    ContainerCgroup cgroup = top.prepare("c1", 1, 64);
    prepared.add(cgroup);

    String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
    List<Path> mountPoints = CgroupMounts.parseMountinfo(mountinfo).stream().map(CgroupMounts.Mount::mountPoint).toList();
    for (Path directory : cgroup.directories()) {
      assertThat(mountPoints).contains(directory.getParent().getParent());
      assertThat(directory.getParent().getFileName()).hasToString(options.root());
    }
    top.destroy(cgroup);
    assertThat(top.recover()).isEmpty();
  }

  private CgroupIsolator detect(CgroupsOptions options) {
    CgroupIsolator detected = Cgroups.detect(options);
    assertThat(detected.enabled())
        .as("running as root, so cgroups must be usable here, but: %s", detected.description())
        .isTrue();
    isolators.add(detected);
    return detected;
  }

  private ContainerCgroup prepare(String containerId, double cpus, double memMb) throws IOException {
    ContainerCgroup cgroup = isolator.prepare(containerId, cpus, memMb);
    prepared.add(cgroup);
    return cgroup;
  }

  private Process start(ContainerCgroup cgroup, String... argv) throws IOException {
    Process process = new ProcessBuilder(cgroup.wrap(List.of(argv)))
        .redirectOutput(tmp.resolve(cgroup.containerId() + ".out").toFile())
        .redirectError(tmp.resolve(cgroup.containerId() + ".err").toFile())
        .start();
    processes.add(process);
    return process;
  }

  private List<Long> awaitProcesses(ContainerCgroup cgroup, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Long> pids = List.of();
    while (System.nanoTime() < deadline) {
      pids = CgroupFiles.pids(cgroup.procsFiles().get(0));
      if (pids.size() >= count) {
        return pids;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("expected " + count + " processes in " + cgroup + ", found " + pids);
  }

  private List<String> controllers() {
    return isolator instanceof CgroupV1Isolator ? CgroupV1Isolator.CONTROLLERS : List.of(CgroupMounts.UNIFIED);
  }

  private static Path directoryWith(ContainerCgroup cgroup, String file) {
    Optional<Path> found = cgroup.directories().stream().filter(d -> Files.exists(d.resolve(file))).findFirst();
    return found.orElseThrow(() -> new AssertionError("no directory of " + cgroup + " has " + file));
  }

  private static String read(Path directory, String file) throws IOException {
    return Files.readString(directory.resolve(file)).trim();
  }

  /** Not gone and not a zombie (an orphan waits a moment for init to reap it). */
  private static boolean isRunning(long pid) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }
}
