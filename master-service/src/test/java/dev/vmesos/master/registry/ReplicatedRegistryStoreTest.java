package dev.vmesos.master.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.vmesos.api.bus.ProtobufCodec;
import dev.vmesos.api.registry.RegistryProtos.Registry;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three masters in one JVM on loopback, each a Hazelcast member of a 3-member CP subsystem with its
 * own work directory. The tests run in order on one cluster; the last restarts every master.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedRegistryStoreTest {

  private static final int FIRST_PORTS = 5781;
  private static final int SECOND_PORTS = 5784;
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private Path workDirs;
  private final String clusterName = "vmesos-registry-test-" + UUID.randomUUID();
  private List<Node> nodes = List.of();

  /** One master: its clustered Vert.x, Hazelcast member, disk copy, peer and store. */
  record Node(Vertx vertx, HazelcastInstance hazelcast, Path workDir, DiskRegistryStore disk,
              ReplicatedRegistryStore store) {
  }

  @BeforeAll
  void startCluster(@TempDir Path workDirs) throws Exception {
    this.workDirs = workDirs;
    nodes = start(FIRST_PORTS);
  }

  @AfterAll
  void stopCluster() throws Exception {
    stop(nodes);
  }

  private List<Node> start(int firstPort) throws Exception {
    List<String> members = List.of("127.0.0.1:" + firstPort, "127.0.0.1:" + (firstPort + 1),
        "127.0.0.1:" + (firstPort + 2));
    List<Future<Vertx>> starting = new ArrayList<>();
    List<HazelcastClusterManager> managers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Config config = Cluster.hazelcastConfig(new ClusterConfig("127.0.0.1", firstPort + i, members, clusterName,
          Optional.empty()));
      config.getNetworkConfig().setPortAutoIncrement(false);
      config.getCPSubsystemConfig().setCPMemberCount(3).setSessionTimeToLiveSeconds(5)
          .setSessionHeartbeatIntervalSeconds(1);
      HazelcastClusterManager manager = new HazelcastClusterManager(config);
      managers.add(manager);
      starting.add(Vertx.builder()
          .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)
              .setClusterPublicHost("127.0.0.1")))
          .withClusterManager(manager)
          .buildClustered());
    }
    List<Node> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Vertx vertx = await(starting.get(i));
      ProtobufCodec.install(vertx.eventBus());
      HazelcastInstance hazelcast = managers.get(i).getHazelcastInstance();
      String nodeId = ReplicatedRegistryStore.nodeId(hazelcast);
      Path workDir = workDirs.resolve("master-" + i);
      DiskRegistryStore disk = new DiskRegistryStore(vertx, workDir);
      await(new RegistryPeer(vertx, disk, nodeId).start());
      started.add(new Node(vertx, hazelcast, workDir, disk, new ReplicatedRegistryStore(vertx, hazelcast, disk,
          nodeId)));
    }
    return started;
  }

  /**
   * Every master dies at once, as with kill -9: a graceful shutdown would wait for the CP subsystem,
   * which has no majority once two of three are gone.
   */
  private static void stop(List<Node> nodes) {
    for (Node node : nodes) {
      node.hazelcast().getLifecycleService().terminate();
    }
    for (Node node : nodes) {
      try {
        node.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Its cluster member is gone already; nothing more to release.
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static Registry onDisk(Node node) {
    Path file = node.workDir().resolve("registry").resolve("registry.pb");
    try {
      return Files.exists(file) ? Registry.parseFrom(Files.readAllBytes(file)) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static Registry registry(long epoch, long version, String role) {
    return Registry.newBuilder().setEpoch(epoch).setVersion(version).putWeights(role, 2.0).build();
  }

  @Test
  @Order(1)
  void aRegistryWrittenByOneMasterIsRecoveredByAnotherAndKeptOnEveryDisk() throws Exception {
    assertThat(await(nodes.get(0).store().recover())).isEqualTo(Registries.empty());

    await(nodes.get(0).store().store(registry(1, 1, "first")));

    assertThat(await(nodes.get(1).store().recover())).isEqualTo(registry(1, 1, "first"));
    for (Node node : nodes) {
      eventually("the copy on " + node.workDir(), () -> registry(1, 1, "first").equals(onDisk(node)));
    }
  }

  @Test
  @Order(2)
  void aDeposedLeadersWriteIsFenced() throws Exception {
    // Master 1 took over after reading the registry (test 1); master 0 still thinks it leads.
    await(nodes.get(1).store().store(registry(2, 2, "second")));

    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(nodes.get(0).store().store(registry(1, 2, "stale"))));

    assertThat(refused.getCause()).isInstanceOf(RegistryFencedException.class);
    assertThat(await(nodes.get(2).store().recover())).isEqualTo(registry(2, 2, "second"));
  }

  @Test
  @Order(3)
  void afterEveryMasterRestartsTheRegistryIsRecoveredFromTheirDisks() throws Exception {
    stop(nodes);
    nodes = List.of();

    nodes = start(SECOND_PORTS);

    assertThat(await(nodes.get(0).store().recover())).isEqualTo(registry(2, 2, "second"));
    assertThat(await(nodes.get(2).store().recover())).as("written back into the CP subsystem")
        .isEqualTo(registry(2, 2, "second"));
    await(nodes.get(2).store().store(registry(3, 3, "third")));
  }
}
