package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.agent.cgroups.CgroupMounts.Mount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupMountsTest {

  private static final String MOUNTINFO = """
      23 1 0:21 / /sys rw,nosuid - sysfs sysfs rw
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct
      35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
      40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
      41 31 0:38 / /sys/fs/cgroup/my\\040unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
      """;

  @Test
  void findsV1HierarchiesWithTheirControllersAndTheUnifiedOne() {
    List<Mount> mounts = CgroupMounts.parseMountinfo(MOUNTINFO);

    assertThat(mounts).containsExactly(
        new Mount("/", Path.of("/sys/fs/cgroup/cpu,cpuacct"), false, Set.of("cpu", "cpuacct")),
        new Mount("/docker/abc", Path.of("/sys/fs/cgroup/memory"), false, Set.of("memory")),
        new Mount("/", Path.of("/sys/fs/cgroup/systemd"), false, Set.of()),
        new Mount("/", Path.of("/sys/fs/cgroup/my unified"), true, Set.of()));
  }

  @Test
  void readsThisProcessesCgroupPerControllerAndTheV2One() {
    Map<String, String> membership = CgroupMounts.parseMembership("""
        9:name=systemd:/
        4:memory:/process_api/b23e
        1:cpu,cpuacct:/
        0::/init.scope
        """);

    assertThat(membership).containsEntry("memory", "/process_api/b23e")
        .containsEntry("cpu", "/").containsEntry("cpuacct", "/")
        .containsEntry(CgroupMounts.UNIFIED, "/init.scope");
  }

  @Test
  void aCgroupPathIsFoundUnderTheMountRootShownAtTheMountPoint() {
    Mount whole = new Mount("/", Path.of("/sys/fs/cgroup/memory"), false, Set.of("memory"));
    Mount sub = new Mount("/docker/abc", Path.of("/sys/fs/cgroup/memory"), false, Set.of("memory"));

    assertThat(CgroupMounts.directory(whole, "/")).contains(Path.of("/sys/fs/cgroup/memory"));
    assertThat(CgroupMounts.directory(whole, "/a/b")).contains(Path.of("/sys/fs/cgroup/memory/a/b"));
    assertThat(CgroupMounts.directory(sub, "/docker/abc/task")).contains(Path.of("/sys/fs/cgroup/memory/task"));
    assertThat(CgroupMounts.directory(sub, "/docker/abc")).contains(Path.of("/sys/fs/cgroup/memory"));
    assertThat(CgroupMounts.directory(sub, "/docker/abcd")).isEmpty();
  }
}
