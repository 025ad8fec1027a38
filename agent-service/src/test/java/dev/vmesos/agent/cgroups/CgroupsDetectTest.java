package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.cgroups.CgroupsOptions.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection on fake /proc texts and fake hierarchies in a temporary directory. */
class CgroupsDetectTest {

  @TempDir
  Path tmp;

  @Test
  void withoutAnyCgroupMountTasksRunUnconfinedAndTheReasonIsGiven() throws Exception {
    CgroupIsolator isolator = Cgroups.detect(CgroupsOptions.of("vmesos"),
        "23 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n", "0::/\n");

    assertThat(isolator.enabled()).isFalse();
    assertThat(isolator.description()).contains("cpu, cpuacct, memory").contains("no cgroup v2 is mounted");
    ContainerCgroup cgroup = isolator.prepare("c1", 1, 64);
    assertThat(cgroup.wrap(List.of("true"))).containsExactly("true");
    assertThat(isolator.limitation(cgroup)).isEmpty();
    assertThat(isolator.usage(cgroup)).isEmpty();
    assertThat(isolator.kill(cgroup)).isZero();
    assertThat(isolator.recover()).isEmpty();
  }

  @Test
  void v1IsUsedWhenCpuCpuacctAndMemoryAreMountedAndItsRootIsCreatedInEach() throws Exception {
    String mountinfo = v1Mount(32, "cpu,cpuacct", tmp.resolve("cpu,cpuacct"))
        + v1Mount(35, "memory", tmp.resolve("memory"));
    Files.createDirectories(tmp.resolve("cpu,cpuacct"));
    Files.createDirectories(tmp.resolve("memory/agents/a1"));

    CgroupIsolator isolator = Cgroups.detect(new CgroupsOptions("vmesos/x", Placement.AGENT_CGROUP), mountinfo,
        "4:memory:/agents/a1\n1:cpu,cpuacct:/\n0::/\n");

    assertThat(isolator).isInstanceOf(CgroupV1Isolator.class);
    assertThat(((CgroupHierarchyIsolator) isolator).roots())
        .containsExactly(tmp.resolve("cpu,cpuacct/vmesos/x"), tmp.resolve("memory/agents/a1/vmesos/x"));
    assertThat(tmp.resolve("memory/agents/a1/vmesos/x")).isDirectory();
  }

  @Test
  void aHierarchyThatCannotTakeTheRootGivesTheNoopIsolator() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("memory"), "");
    Files.createDirectories(tmp.resolve("cpu"));
    String mountinfo = v1Mount(32, "cpu,cpuacct", tmp.resolve("cpu")) + v1Mount(35, "memory", notADirectory);

    CgroupIsolator isolator = Cgroups.detect(CgroupsOptions.of("vmesos"), mountinfo, "0::/\n");

    assertThat(isolator.enabled()).isFalse();
    assertThat(isolator.description()).contains("cannot create cgroup " + notADirectory.resolve("vmesos"));
  }

  @Test
  void v2WithoutCpuAndMemoryControllersIsNotEnough() throws Exception {
    Path unified = Files.createDirectories(tmp.resolve("unified"));
    Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");

    CgroupIsolator isolator = Cgroups.detect(CgroupsOptions.of("vmesos"), v2Mount(unified), "0::/\n");

    assertThat(isolator.enabled()).isFalse();
    assertThat(isolator.description()).contains("cgroup v1 has no hierarchy with cpu, cpuacct, memory")
        .contains("offers no cpu and memory controllers (it offers 'hugetlb')");
  }

  @Test
  void v2DelegatesCpuAndMemoryAllTheWayDownToTheRoot() throws Exception {
    Path unified = Files.createDirectories(tmp.resolve("unified"));
    Files.writeString(unified.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    Files.writeString(unified.resolve("cgroup.subtree_control"), "cpu io memory\n");

    CgroupIsolator isolator = Cgroups.detect(CgroupsOptions.of("vmesos/agent1"), v2Mount(unified), "0::/init.scope\n");

    assertThat(isolator).isInstanceOf(CgroupV2Isolator.class);
    assertThat(isolator.description()).isEqualTo("cgroups v2 (" + unified.resolve("vmesos/agent1") + ")");
    assertThat(unified.resolve("cgroup.subtree_control")).hasContent("cpu io memory\n");   // already enabled
    assertThat(unified.resolve("vmesos/cgroup.subtree_control")).hasContent("+cpu +memory");
    assertThat(unified.resolve("vmesos/agent1/cgroup.subtree_control")).hasContent("+cpu +memory");
  }

  @Test
  void v2PlacedInTheAgentsOwnCgroupStartsFromIt() throws Exception {
    Path unified = Files.createDirectories(tmp.resolve("unified"));
    Path own = Files.createDirectories(unified.resolve("system.slice/agent.service"));
    Files.writeString(own.resolve("cgroup.controllers"), "cpu memory\n");

    CgroupIsolator isolator = Cgroups.detect(new CgroupsOptions("vmesos", Placement.AGENT_CGROUP), v2Mount(unified),
        "0::/system.slice/agent.service\n");

    assertThat(((CgroupHierarchyIsolator) isolator).roots()).containsExactly(own.resolve("vmesos"));
    assertThat(own.resolve("cgroup.subtree_control")).hasContent("+cpu +memory");
  }

  private static String v1Mount(int id, String controllers, Path mountPoint) {
    return id + " 31 0:" + id + " / " + mountPoint + " rw,relatime - cgroup cgroup rw," + controllers + "\n";
  }

  private static String v2Mount(Path mountPoint) {
    return "41 31 0:38 / " + mountPoint + " rw,relatime - cgroup2 cgroup2 rw\n";
  }
}
