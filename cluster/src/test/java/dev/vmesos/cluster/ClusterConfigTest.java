package dev.vmesos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static ClusterConfig parse(String... args) {
    Flags flags = Flags.parse(args, Map.of());
    ClusterConfig config = ClusterConfig.fromFlags(flags, "10.0.0.5");
    flags.rejectUnknown();
    return config;
  }

  @Test
  void byDefaultHazelcastStaysOnLoopbackJoinsByMemberListAndNeverPhonesHome() {
    ClusterConfig cluster = parse();
    Config config = Cluster.hazelcastConfig(cluster);
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertThat(cluster.host()).isEqualTo("127.0.0.1");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).as("the default member given by the caller").containsExactly("10.0.0.5");
  }

  @Test
  void kubernetesDiscoveryReplacesTheMemberList() {
    ClusterConfig cluster = parse("--cluster_host=10.1.2.3", "--cluster_discovery=kubernetes",
        "--cluster_kubernetes_service=vmesos-hazelcast", "--cluster_kubernetes_namespace=vmesos",
        "--cluster_name=prod");
    JoinConfig join = Cluster.hazelcastConfig(cluster).getNetworkConfig().getJoin();

    assertThat(cluster.members()).isEmpty();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("vmesos-hazelcast");
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("vmesos");
    assertThat(Cluster.hazelcastConfig(cluster).getClusterName()).isEqualTo("prod");
  }

  @Test
  void badClusterFlagsAreNamed() {
    assertThatThrownBy(() -> parse("--cluster_discovery=multicast")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--cluster_discovery': 'multicast' is neither 'tcp' nor 'kubernetes'");
    assertThatThrownBy(() -> parse("--cluster_discovery=kubernetes")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--cluster_kubernetes_service' is required with --cluster_discovery=kubernetes");
    assertThatThrownBy(() -> parse("--cluster_host=eth0")).isInstanceOf(FlagException.class)
        .hasMessage("Flag '--cluster_host': 'eth0' is not an IPv4 address");
    assertThatThrownBy(() -> parse("--cluster_members=,")).isInstanceOf(FlagException.class)
        .hasMessageContaining("--cluster_members");
    assertThat(parse("--cluster_members=10.0.0.1:5701, 10.0.0.2").members())
        .isEqualTo(List.of("10.0.0.1:5701", "10.0.0.2"));
  }
}
