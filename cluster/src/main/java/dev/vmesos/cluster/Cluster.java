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
    Config hazelcast = hazelcastConfig(cluster);
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host())
        .setPort(0)
        .setClusterPublicHost(cluster.host()));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .map(vertx -> {
          ProtobufCodec.install(vertx.eventBus());
          return vertx;
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
    Config config = ConfigUtil.loadConfig();
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
