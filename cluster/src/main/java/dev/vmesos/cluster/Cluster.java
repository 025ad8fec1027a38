package dev.vmesos.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.vmesos.api.bus.ProtobufCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Creates a Vert.x instance clustered with Hazelcast as {@link ClusterConfig} says, with the protobuf codec installed. */
public final class Cluster {

  private Cluster() {
  }

  public static Future<Vertx> start(ClusterConfig cluster) {
    return start(cluster, Role.SINGLE_MASTER_CLUSTER);
  }

  /**
   * How a master takes part in the Hazelcast cluster (only masters are members; agents attach to
   * the agent bus).
   *
   * @param cpMembers  masters in the Raft (CP) group; 0 when there is one master and no CP subsystem
   */
  public record Role(int cpMembers) {

    /** One master: no CP subsystem. */
    public static final Role SINGLE_MASTER_CLUSTER = new Role(0);

    /** A master among {@code masters} (2 × quorum − 1); one master needs no CP subsystem. */
    public static Role master(int masters) {
      return new Role(masters > 1 ? masters : 0);
    }
  }

  public static Future<Vertx> start(ClusterConfig cluster, Role role) {
    Config hazelcast = hazelcastConfig(cluster, role);
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host())
        .setPort(0)
        .setClusterPublicHost(cluster.host()));
    // Metrics (Prometheus /metrics) must be chosen when the Vert.x is made.
    dev.vmesos.cluster.metrics.VertxMetrics.Metered metered = dev.vmesos.cluster.metrics.VertxMetrics.builder(options);
    return metered.builder()
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .map(vertx -> {
          ProtobufCodec.install(vertx.eventBus());
          return metered.remember(vertx);
        });
  }

  /**
   * For a process's {@code main}, before any Hazelcast class loads: Hazelcast logs through slf4j
   * like the rest and never phones home.
   */
  public static void configureProcess() {
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.setProperty("hazelcast.phone.home.enabled", "false");
  }

  /** Closes Vert.x (leaving the cluster, undeploying the verticles) when the JVM is asked to stop. */
  public static void closeOnShutdown(Vertx vertx) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "vmesos-shutdown"));
  }

  /**
   * Hazelcast bound to one interface, no multicast, no phone-home; joined by TCP/IP member list, or
   * by Kubernetes discovery when the config asks for it. Nothing else leaves that interface.
   */
  public static Config hazelcastConfig(ClusterConfig cluster) {
    return hazelcastConfig(cluster, Role.SINGLE_MASTER_CLUSTER);
  }

  /** The Hazelcast instance under a Vert.x made by {@link #start}. */
  public static com.hazelcast.core.HazelcastInstance hazelcast(Vertx vertx) {
    io.vertx.core.spi.cluster.ClusterManager manager = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    if (!(manager instanceof HazelcastClusterManager hazelcastManager)) {
      throw new IllegalStateException("Vert.x is not clustered with Hazelcast");
    }
    return hazelcastManager.getHazelcastInstance();
  }

  public static Config hazelcastConfig(ClusterConfig cluster, Role role) {
    Config config = ConfigUtil.loadConfig();
    // Split clusters (a master restarted while agents stayed up) merge within seconds, not Hazelcast's
    // default 5 minutes. A crashed member is removed as soon as its connections are refused; one that
    // is only silent (paused) stays a member for 30 s. Removing it sooner made the others claim the
    // cluster's mastership under load and, now and then, split into single members: a member that
    // merges back gets a new identity, and the Raft group loses it for good.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "30");
    if (role.cpMembers() > 0) {
      // The Raft group of the masters: a crashed leader's session ends after 5 s at most (sooner when
      // the others see it leave), a Raft leader is replaced within about 1.5 s.
      config.getCPSubsystemConfig()
          .setCPMemberCount(role.cpMembers())
          .setGroupSize(role.cpMembers())
          .setSessionTimeToLiveSeconds(5)
          .setSessionHeartbeatIntervalSeconds(1)
          .setMissingCPMemberAutoRemovalSeconds(6);
      config.getCPSubsystemConfig().getRaftAlgorithmConfig()
          .setLeaderElectionTimeoutInMillis(1000)
          .setLeaderHeartbeatPeriodInMillis(300)
          .setMaxMissedLeaderHeartbeatCount(5);
    }
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    if (cluster.kubernetes().isPresent()) {
      ClusterConfig.Kubernetes kubernetes = cluster.kubernetes().get();
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-name", kubernetes.serviceName());
      kubernetes.namespace().ifPresent(namespace -> join.getKubernetesConfig().setProperty("namespace", namespace));
    } else {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }
}
