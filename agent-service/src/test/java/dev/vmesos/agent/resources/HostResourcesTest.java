package dev.vmesos.agent.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.Resources;
import org.junit.jupiter.api.Test;

class HostResourcesTest {

  private static final long GB = 1024L * 1024 * 1024;

  @Test
  void leavesMemoryAndDiskHeadroomForTheHost() {
    Resources resources = HostResources.compute(8, 16 * GB, 100 * GB);

    assertThat(resources.scalar("cpus")).isEqualTo(8);
    assertThat(resources.scalar("mem")).isEqualTo(15 * 1024);   // 16 GB - 1 GB
    assertThat(resources.scalar("disk")).isEqualTo(95 * 1024);  // 100 GB - 5 GB
    assertThat(resources.ranges("ports")).containsExactly(new Resources.Range(31000, 32000));
  }

  @Test
  void smallHostsGetTheMinimums() {
    Resources resources = HostResources.compute(1, GB / 2, GB);

    assertThat(resources.scalar("mem")).isEqualTo(256);
    assertThat(resources.scalar("disk")).isEqualTo(1024);
  }

  @Test
  void fillInKeepsWhatWasGivenAndAddsOnlyMissingStandardResources() {
    Resources configured = Resources.parse("cpus:1;ports:[5000-5001]");
    Resources detected = HostResources.compute(8, 16 * GB, 100 * GB);

    Resources filled = HostResources.fillIn(configured, detected);

    assertThat(filled.scalar("cpus")).isEqualTo(1);
    assertThat(filled.ranges("ports")).containsExactly(new Resources.Range(5000, 5001));
    assertThat(filled.scalar("mem")).isEqualTo(15 * 1024);
    assertThat(filled.scalar("disk")).isEqualTo(95 * 1024);
  }
}
