package dev.vmesos.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.v1.Protos.TaskStatus.Reason;
import org.junit.jupiter.api.Test;

class CgroupLimitsTest {

  private static final long MB = 1024L * 1024L;

  @Test
  void cpusBecomeSharesAndACfsQuotaPerHundredMillisecondPeriod() {
    CgroupLimits limits = new CgroupLimits(1.5, 128);

    assertThat(limits.shares()).isEqualTo(1536);        // 1.5 * 1024
    assertThat(limits.cfsQuotaUs()).isEqualTo(150_000); // 1.5 * 100 ms
    assertThat(CgroupLimits.CFS_PERIOD_US).isEqualTo(100_000);
    assertThat(limits.weight()).isEqualTo(150);         // v2: 100 per CPU, as 1024 shares is the default
    assertThat(limits.memoryBytes()).isEqualTo(128 * MB);
  }

  @Test
  void tinyRequestsGetMesosMinimums() {
    CgroupLimits limits = new CgroupLimits(0.001, 4);

    assertThat(limits.shares()).isEqualTo(10);          // 0.01 CPU
    assertThat(limits.cfsQuotaUs()).isEqualTo(1_000);
    assertThat(limits.weight()).isEqualTo(1);
    assertThat(limits.memoryBytes()).isEqualTo(32 * MB);
    assertThat(new CgroupLimits(500, 64).weight()).isEqualTo(10_000);
  }

  @Test
  void nonPositiveSizesAreRefused() {
    assertThatThrownBy(() -> new CgroupLimits(0, 64)).hasMessageContaining("cpus");
    assertThatThrownBy(() -> new CgroupLimits(1, Double.NaN)).hasMessageContaining("mem");
  }

  @Test
  void aMemoryLimitationReadsAsMesosWritesIt() {
    Limitation limitation = Limitation.memory(64 * MB, 64 * MB - 4096);

    assertThat(limitation.message()).isEqualTo("Memory limit exceeded: Requested: 64MB Maximum Used: 64MB");
    assertThat(limitation.reason()).isEqualTo(Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(limitation.resource()).isEqualTo("mem");
  }

  @Test
  void rootsAreSlashSeparatedSafeNames() {
    assertThat(CgroupsOptions.validateRoot("vmesos/agent-1_a.b")).isEmpty();
    assertThat(CgroupsOptions.validateRoot("vmesos/../etc")).isPresent();
    assertThat(CgroupsOptions.validateRoot("/vmesos")).isPresent();
    assertThat(CgroupsOptions.validateRoot("vmesos/")).isPresent();
    assertThat(CgroupsOptions.validateRoot("it's")).isPresent();
    assertThatThrownBy(() -> CgroupsOptions.of("")).hasMessageContaining("empty");
  }
}
