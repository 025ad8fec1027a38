package dev.vmesos.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import dev.vmesos.cluster.ClusterConfig;
import dev.vmesos.master.allocator.Quota;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MasterConfigTest {

  private static MasterConfig parse(String... args) {
    Flags flags = Flags.parse(args, Map.of());
    MasterConfig config = MasterConfig.fromFlags(flags);
    flags.rejectUnknown();
    return config;
  }

  @Test
  void defaultsAreMesoss() {
    MasterConfig config = parse();
    assertThat(config.port()).isEqualTo(5050);
    assertThat(config.allocationInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.offerTimeout()).isNull();
    assertThat(config.allocator().roleSorter()).isEqualTo("drf");
    assertThat(config.allocator().minAllocatable()).containsExactly(Map.of("cpus", 0.01), Map.of("mem", 32.0));
  }

  @Test
  void allocatorFlagsAreParsed() {
    MasterConfig config = parse("--role_sorter=random", "--framework_sorter=maxmin:mem", "--weights=a=2,b=0.5",
        "--min_allocatable_resources=cpus:1;mem:64|disk:100", "--offer_timeout=30secs",
        "--quota={\"web\":{\"guarantees\":\"cpus:4;mem:1024\",\"limits\":\"cpus:8\"}}");

    assertThat(config.allocator().roleSorter()).isEqualTo("random");
    assertThat(config.allocator().frameworkSorter()).isEqualTo("maxmin:mem");
    assertThat(config.allocator().weights()).containsEntry("a", 2.0).containsEntry("b", 0.5);
    assertThat(config.allocator().minAllocatable())
        .containsExactly(Map.of("cpus", 1.0, "mem", 64.0), Map.of("disk", 100.0));
    assertThat(config.offerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.allocator().quotas()).containsEntry("web",
        new Quota(Map.of("cpus", 4.0, "mem", 1024.0), Map.of("cpus", 8.0)));
  }

  @Test
  void badAllocatorFlagsNameTheFlag() {
    for (List<String> bad : List.of(
        List.of("--role_sorter=fifo", "--role_sorter"),
        List.of("--framework_sorter=maxmin:", "--framework_sorter"),
        List.of("--weights=a=0", "--weights"),
        List.of("--weights=a", "--weights"),
        List.of("--min_allocatable_resources=cpus:-1", "--min_allocatable_resources"),
        List.of("--quota={\"web\":{\"guarantees\":\"cpus:8\",\"limits\":\"cpus:4\"}}", "--quota"),
        List.of("--quota=not json", "--quota"),
        List.of("--offer_timeout=soon", "--offer_timeout"))) {
      assertThatThrownBy(() -> parse(bad.get(0))).as(bad.get(0))
          .isInstanceOf(FlagException.class).hasMessageContaining(bad.get(1));
    }
  }

  @Test
  void theEventStreamBoundIsReadInBytesAndABadOneNamesTheFlag() {
    assertThat(parse().maxEventStreamQueue()).isEqualTo(8L << 20);
    assertThat(parse("--max_event_stream_queue=64MB").maxEventStreamQueue()).isEqualTo(64L << 20);
    assertThat(parse("--max_event_stream_queue=512KB").maxEventStreamQueue()).isEqualTo(512L << 10);
    for (String bad : List.of("--max_event_stream_queue=lots", "--max_event_stream_queue=1KB",
        "--max_event_stream_queue=2GB", "--max_event_stream_queue=-8MB")) {
      assertThatThrownBy(() -> parse(bad)).as(bad)
          .isInstanceOf(FlagException.class).hasMessageContaining("--max_event_stream_queue");
    }
    assertThatThrownBy(() -> MasterConfig.defaults().withMaxEventStreamQueue(0))
        .isInstanceOf(FlagException.class).hasMessageContaining("--max_event_stream_queue");
  }

  @Test
  void helpDescribesEveryFlagTheMasterReadsAndNoOther() {
    java.util.Set<String> read = new java.util.HashSet<>();
    for (String[] args : List.of(new String[0],
        new String[] {"--cluster_discovery=kubernetes", "--cluster_kubernetes_service=vmesos-masters"})) {
      Flags flags = Flags.parse(args, Map.of());
      MasterConfig.fromFlags(flags);
      dev.vmesos.master.security.MasterSecurity.fromFlags(flags, java.util.Optional.empty());
      ClusterConfig.fromFlags(flags, ClusterConfig.DEFAULT_HOST);
      MasterConfig.ignoredFlagsGiven(flags);
      dev.vmesos.api.http.HttpLimits.fromFlags(flags);
      MasterConfig.History.fromFlags(flags);
      dev.vmesos.api.logging.LoggingFlags.fromFlags(flags);
      read.addAll(flags.namesRead());
    }
    assertThat(MasterMain.HELP.names()).containsExactlyInAnyOrderElementsOf(read);
    assertThat(MasterMain.HELP.render("vmesos master")).contains("--heartbeat_interval=DURATION")
        .contains("(default: 15secs)");
  }

  @Test
  void historyFlagsHaveMesossDefaultsAndBadValuesStopStartUpNamingTheFlag() {
    MasterConfig.History defaults = MasterConfig.History.fromFlags(Flags.parse(new String[0], Map.of()));
    assertThat(defaults).isEqualTo(new MasterConfig.History(50, 1000));
    assertThat(MasterConfig.History.fromFlags(Flags.parse(new String[] {"--max_completed_frameworks=0",
        "--max_completed_tasks_per_framework=7"}, Map.of()))).isEqualTo(new MasterConfig.History(0, 7));
    assertThatThrownBy(() -> MasterConfig.History.fromFlags(Flags.parse(
        new String[] {"--max_completed_frameworks=-1"}, Map.of())))
        .isInstanceOf(FlagException.class).hasMessageContaining("--max_completed_frameworks");
    assertThatThrownBy(() -> MasterConfig.History.fromFlags(Flags.parse(
        new String[] {"--max_completed_tasks_per_framework=lots"}, Map.of())))
        .isInstanceOf(FlagException.class).hasMessageContaining("--max_completed_tasks_per_framework");
  }

  @Test
  void haFlagsAreReadAndMesosZooKeeperFlagsAreAcceptedAndNamed() {
    Flags flags = Flags.parse(new String[] {"--work_dir=/var/lib/mesos", "--quorum=2",
        "--agent_reregister_timeout=15secs", "--zk=zk://10.0.0.1:2181/mesos", "--log_dir=/var/log/mesos"}, Map.of());
    MasterConfig config = MasterConfig.fromFlags(flags);
    assertThat(config.ha().workDir()).isEqualTo(java.nio.file.Path.of("/var/lib/mesos"));
    assertThat(config.ha().quorum()).isEqualTo(2);
    assertThat(config.ha().masters()).isEqualTo(3);
    assertThat(config.ha().agentReregisterTimeout()).isEqualTo(java.time.Duration.ofSeconds(15));
    assertThat(MasterConfig.ignoredFlagsGiven(flags)).containsExactly("zk");
    // --log_dir is the logging's (LoggingFlags), no longer ignored.
    assertThat(flags.namesRead()).doesNotContain("log_dir");
    Flags unknown = Flags.parse(new String[] {"--no_such_mesos_flag=1"}, Map.of());
    MasterConfig.fromFlags(unknown);
    MasterConfig.ignoredFlagsGiven(unknown);
    assertThatThrownBy(unknown::rejectUnknown).hasMessageContaining("no_such_mesos_flag");
  }

  @Test
  void aQuorumTheListedMastersCouldNeverFormStopsStartUp() {
    MasterConfig.Ha ha = MasterConfig.Ha.single().withQuorum(2);
    ClusterConfig two = new ClusterConfig("127.0.0.1", 5701, List.of("127.0.0.1:5701", "127.0.0.1:5702"), "c");
    assertThatThrownBy(() -> MasterMain.checkQuorum(ha, two)).hasMessageContaining("--quorum")
        .hasMessageContaining("needs 3 masters");
    ClusterConfig three = new ClusterConfig("127.0.0.1", 5701,
        List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), "c");
    MasterMain.checkQuorum(ha, three);
    assertThatThrownBy(() -> MasterMain.checkQuorum(MasterConfig.Ha.single().withQuorum(3), three))
        .hasMessageContaining("needs 5 masters");
    assertThatThrownBy(() -> MasterConfig.fromFlags(Flags.parse(new String[] {"--quorum=0"}, Map.of())))
        .hasMessageContaining("--quorum");
  }
}
