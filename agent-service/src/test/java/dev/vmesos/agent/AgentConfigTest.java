package dev.vmesos.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.resources.Resources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  private static AgentConfig config(String... args) {
    Flags flags = Flags.parse(args, Map.of());
    AgentConfig config = AgentConfig.fromFlags(flags);
    flags.rejectUnknown();
    return config;
  }

  @Test
  void defaultsFollowMesos() {
    AgentConfig config = config();

    assertThat(config.master()).isEqualTo(new AgentConfig.HostPort("127.0.0.1", 5050));
    assertThat(config.port()).isEqualTo(5051);
    assertThat(config.ip()).isEqualTo("127.0.0.1");
    assertThat(config.hostname()).isEqualTo("127.0.0.1");
    assertThat(config.workDir()).isEqualTo(Path.of("/tmp/vmesos-agent"));
    assertThat(config.statusUpdateRetryMin()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.statusUpdateRetryMax()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.registrationBackoffInitial()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.masters()).containsExactly(new AgentConfig.HostPort("127.0.0.1", 5050));
    assertThat(config.registrationBackoffMax()).as("short, to find a new leader within seconds")
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(config.defaultKillGracePeriod()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void attributesAreReadInMesosSyntaxAndNoneByDefault() {
    assertThat(config().attributes()).isEmpty();

    List<dev.vmesos.api.v1.Protos.Attribute> attributes =
        config("--attributes=rack:r1;zone:z1;level:10;ports:[1-5];set:{a,b}").attributes();

    assertThat(attributes).extracting(a -> a.getName() + "=" + a.getType()).containsExactly("rack=TEXT", "zone=TEXT",
        "level=SCALAR", "ports=RANGES", "set=SET");
    assertThat(config("--attributes=level:10").attributes().get(0).getScalar().getValue()).isEqualTo(10.0);
  }

  @Test
  void aBadAttributeStopsStartUpNamingTheFlag() {
    assertThatThrownBy(() -> config("--attributes=rack:r1;zone")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--attributes': Invalid attribute 'zone': expected name:value, e.g. rack:r1");
    assertThatThrownBy(() -> config("--attributes=ports:[9-1]")).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--attributes': Invalid attribute 'ports:[9-1]'");
  }

  @Test
  void sandboxGcFlagsFollowMesosDefaultsAndBadValuesAreNamed() {
    assertThat(config().gc()).isEqualTo(new AgentConfig.Gc(Duration.ofDays(7), Duration.ofMinutes(1), 0.1));
    assertThat(config("--gc_delay=2hrs", "--disk_watch_interval=30secs", "--gc_disk_headroom=0.2").gc())
        .isEqualTo(new AgentConfig.Gc(Duration.ofHours(2), Duration.ofSeconds(30), 0.2));

    assertThatThrownBy(() -> config("--gc_disk_headroom=1.5")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--gc_disk_headroom': must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> config("--gc_disk_headroom=lots")).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--gc_disk_headroom'");
    assertThatThrownBy(() -> config("--gc_delay=soon")).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--gc_delay'");
  }

  @Test
  void theFetcherCacheLivesUnderTheWorkDirByDefaultAndABadFlagIsNamed() {
    AgentConfig.Fetch fetch = config("--work_dir=/var/lib/agent").fetch();
    assertThat(fetch.cacheDir()).isEqualTo(Path.of("/var/lib/agent/fetch"));
    assertThat(fetch.cacheSize()).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(config("--fetcher_cache_dir=/cache", "--fetcher_cache_size=10MB").fetch())
        .satisfies(f -> assertThat(f.cacheDir()).isEqualTo(Path.of("/cache")))
        .satisfies(f -> assertThat(f.cacheSize()).isEqualTo(10L * 1024 * 1024));

    assertThatThrownBy(() -> config("--fetcher_cache_dir=relative")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--fetcher_cache_dir': 'relative' is not an absolute path");
    assertThatThrownBy(() -> config("--fetcher_cache_size=lots")).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--fetcher_cache_size'");
  }

  @Test
  void dockerConfigIsJsonOrAnAbsolutePathAndABadOneIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String auth = java.util.Base64.getEncoder().encodeToString("u:p".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String json = "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + auth + "\"}}}";
    Path file = java.nio.file.Files.writeString(dir.resolve("config.json"), json);

    assertThat(config("--docker_config=" + json).registryAuths().header("127.0.0.1:5000/app")).isPresent();
    assertThat(config("--docker_config=" + file).registryAuths().header("127.0.0.1:5000/app")).isPresent();
    assertThat(config().registryAuths().header("127.0.0.1:5000/app")).isEmpty();

    assertThatThrownBy(() -> config("--docker_config=config.json")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--docker_config': 'config.json' is neither JSON nor an absolute path");
    assertThatThrownBy(() -> config("--docker_config=" + dir.resolve("missing.json"))).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--docker_config': cannot read");
    assertThatThrownBy(() -> config("--docker_config={broken")).isInstanceOf(FlagException.class)
        .hasMessageStartingWith("Flag '--docker_config': not JSON");
  }

  @Test
  void resourcesAreDetectedFromTheHostWhenNotGiven() {
    Resources resources = config().resources();

    assertThat(resources.scalar("cpus")).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(resources.scalar("mem")).isGreaterThanOrEqualTo(256);
    assertThat(resources.scalar("disk")).isGreaterThanOrEqualTo(1024);
    assertThat(resources.ranges("ports")).containsExactly(new Resources.Range(31000, 32000));
  }

  @Test
  void givenResourcesWinAndMissingOnesAreDetected() {
    Resources resources = config("--resources=cpus:2.5;mem:1024;gpus:1").resources();

    assertThat(resources.scalar("cpus")).isEqualTo(2.5);
    assertThat(resources.scalar("mem")).isEqualTo(1024);
    assertThat(resources.scalar("gpus")).isEqualTo(1);
    assertThat(resources.scalar("disk")).isGreaterThanOrEqualTo(1024);
    assertThat(resources.ranges("ports")).containsExactly(new Resources.Range(31000, 32000));
  }

  @Test
  void badResourcesNameTheFlag() {
    assertThatThrownBy(() -> config("--resources=cpus:lots"))
        .isInstanceOf(FlagException.class)
        .hasMessageContaining("--resources")
        .hasMessageContaining("cpus");
    assertThatThrownBy(() -> config("--resources=cpus:-1"))
        .isInstanceOf(FlagException.class)
        .hasMessageContaining("--resources");
  }

  @Test
  void badPortsNameTheFlag() {
    assertThatThrownBy(() -> config("--port=70000")).isInstanceOf(FlagException.class).hasMessageContaining("--port");
    assertThatThrownBy(() -> config("--port=http")).isInstanceOf(FlagException.class).hasMessageContaining("--port");
    assertThat(config("--port=0").port()).isZero();
  }

  @Test
  void masterMustBeHostAndPort() {
    assertThat(config("--master=10.0.0.7:5055").master()).isEqualTo(new AgentConfig.HostPort("10.0.0.7", 5055));
    assertThat(config("--master=master.example.org:5050").master().host()).isEqualTo("master.example.org");
    assertThatThrownBy(() -> config("--master=10.0.0.7")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--master");
    assertThatThrownBy(() -> config("--master=10.0.0.7:0")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--master");
    assertThatThrownBy(() -> config("--master=a b:5050")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--master");
  }

  @Test
  void masterTakesACommaSeparatedListOfStandbyMasters() {
    AgentConfig config = config("--master=10.0.0.1:5050, 10.0.0.2:5050,10.0.0.2:5060,[::1]:5070");

    assertThat(config.masters()).containsExactly(new AgentConfig.HostPort("10.0.0.1", 5050),
        new AgentConfig.HostPort("10.0.0.2", 5050), new AgentConfig.HostPort("10.0.0.2", 5060),
        new AgentConfig.HostPort("::1", 5070));
    assertThat(config.master()).as("the first listed").isEqualTo(new AgentConfig.HostPort("10.0.0.1", 5050));
    assertThatThrownBy(() -> config("--master=10.0.0.1:5050,,10.0.0.2:5050")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--master").hasMessageContaining("empty entry");
    assertThatThrownBy(() -> config("--master=10.0.0.1:5050,10.0.0.2")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--master").hasMessageContaining("'10.0.0.2' is not host:port");
    assertThatThrownBy(() -> config("--master=10.0.0.1:5050,10.0.0.1:5050")).isInstanceOf(FlagException.class)
        .hasMessageContaining("10.0.0.1:5050 is listed twice");
  }

  @Test
  void zooKeeperAndFileMasterUrlsAreRefusedWithWhatToWriteInstead() {
    for (String url : List.of("zk://10.0.0.1:2181,10.0.0.2:2181/mesos", "file:///etc/mesos/zk")) {
      assertThatThrownBy(() -> config("--master=" + url)).isInstanceOf(FlagException.class)
          .hasMessageContaining("Flag '--master'")
          .hasMessageContaining("vmesos has no ZooKeeper: list the masters, e.g. --master=10.0.0.1:5050,10.0.0.2:5050");
    }
  }

  @Test
  void clusterFlagsAreRefusedAgentsAreNotClusterMembers() {
    Flags flags = Flags.parse(new String[] {"--master=10.0.0.1:5050", "--cluster_members=10.0.0.1:5701"}, Map.of());
    AgentConfig.fromFlags(flags);

    assertThatThrownBy(flags::rejectUnknown).isInstanceOf(FlagException.class).hasMessageContaining("--cluster_members");
  }

  @Test
  void credentialIsReadInMesosFormatsAndABadOneStopsStartUpNamingTheFlag(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path json = java.nio.file.Files.writeString(dir.resolve("credential.json"),
        "{\"principal\": \"agent-a\", \"secret\": \"s3cret\"}");
    java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("credential.txt"), "agent-b  other\n");
    java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.txt"), "only-a-principal\n");

    assertThat(config("--credential=" + json).credential()).map(c -> c.principal() + "/" + c.secret())
        .contains("agent-a/s3cret");
    assertThat(config("--credential=file://" + text).credential()).map(c -> c.principal() + "/" + c.secret())
        .contains("agent-b/other");
    assertThat(config().credential()).isEmpty();
    assertThatThrownBy(() -> config("--credential=" + bad)).isInstanceOf(FlagException.class)
        .hasMessageContaining("Flag '--credential'");
    assertThatThrownBy(() -> config("--credential=" + dir.resolve("missing"))).isInstanceOf(FlagException.class)
        .hasMessageContaining("Flag '--credential'");
    assertThat(config("--credential=" + json).credential().orElseThrow().toString()).doesNotContain("s3cret");
  }

  @Test
  void hostnameDefaultsToTheIp() {
    AgentConfig config = config("--ip=127.0.0.2");

    assertThat(config.hostname()).isEqualTo("127.0.0.2");
    assertThat(config("--ip=127.0.0.2", "--hostname=agent-1.local").hostname()).isEqualTo("agent-1.local");
    assertThatThrownBy(() -> config("--ip=localhost")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--ip");
  }

  @Test
  void durationsUseMesosSyntaxAndMustBeOrdered() {
    AgentConfig config = config("--status_update_retry_interval_min=200ms",
        "--status_update_retry_interval_max=2secs", "--registration_backoff_factor=100ms");

    assertThat(config.statusUpdateRetryMin()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.statusUpdateRetryMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.registrationBackoffInitial()).isEqualTo(Duration.ofMillis(100));
    assertThatThrownBy(() -> config("--status_update_retry_interval_min=1mins",
        "--status_update_retry_interval_max=10secs"))
        .isInstanceOf(FlagException.class)
        .hasMessageContaining("--status_update_retry_interval_max");
    assertThatThrownBy(() -> config("--status_update_retry_interval_min=0secs"))
        .isInstanceOf(FlagException.class)
        .hasMessageContaining("--status_update_retry_interval_min");
    assertThatThrownBy(() -> config("--status_update_retry_interval_min=soon"))
        .isInstanceOf(FlagException.class)
        .hasMessageContaining("--status_update_retry_interval_min");
  }

  @Test
  void workDirMustBeAbsolute() {
    assertThat(config("--work_dir=/var/lib/vmesos/").workDir()).isEqualTo(Path.of("/var/lib/vmesos"));
    assertThatThrownBy(() -> config("--work_dir=relative/dir")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--work_dir");
  }

  @Test
  void unknownFlagsAreNotSilentlyIgnored() {
    assertThatThrownBy(() -> config("--resorces=cpus:1")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--resorces");
  }

  @Test
  void executorRegistrationTimeoutDefaultsToOneMinuteAndMustBePositive() {
    assertThat(config().executorRegistrationTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config("--executor_registration_timeout=500ms").executorRegistrationTimeout())
        .isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> config("--executor_registration_timeout=0secs"))
        .isInstanceOf(FlagException.class).hasMessageContaining("--executor_registration_timeout");
    assertThatThrownBy(() -> config("--executor_registration_timeout=soon"))
        .isInstanceOf(FlagException.class).hasMessageContaining("--executor_registration_timeout");
  }

  @org.junit.jupiter.api.Test
  void isolationTakesMesosIsolatorNames() {
    assertThat(config().isolation().cgroups()).isTrue();
    assertThat(config().isolation().cgroupsRoot()).isEqualTo("vmesos");
    assertThat(config("--isolation=posix/cpu,posix/mem").isolation().cgroups()).isFalse();
    assertThat(config("--cgroups_root=vmesos/agent-2").isolation().cgroupsRoot()).isEqualTo("vmesos/agent-2");
    assertThatThrownBy(() -> config("--isolation=cgroups/gpu")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--isolation").hasMessageContaining("cgroups/gpu");
    assertThatThrownBy(() -> config("--isolation=cgroups/cpu,posix/mem")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--isolation");
    assertThatThrownBy(() -> config("--cgroups_root=../escape")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--cgroups_root");
  }

  @Test
  void helpDescribesEveryFlagTheAgentReadsAndNoOther() {
    java.util.Set<String> read = new java.util.HashSet<>();
    Flags flags = Flags.parse(new String[0], Map.of());
    AgentConfig.fromFlags(flags);
    read.addAll(flags.namesRead());
    assertThat(AgentConfig.HELP.names()).containsExactlyInAnyOrderElementsOf(read);
  }
}
