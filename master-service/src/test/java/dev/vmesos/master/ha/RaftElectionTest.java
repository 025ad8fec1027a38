package dev.vmesos.master.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.vmesos.api.v1.Protos.MasterInfo;
import dev.vmesos.cluster.Cluster;
import dev.vmesos.cluster.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three masters' elections in one JVM, each on a Hazelcast member of its own with the masters' CP
 * configuration, on loopback: one leader at a time, another within seconds of its crash, with a
 * higher fencing token; a resigning leader hands over; standbys learn the leader.
 */
class RaftElectionTest {

  private static final int FIRST_PORT = 5771;
  private final String clusterName = "vmesos-election-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private final List<RaftElection> elections = new ArrayList<>();
  private final List<Recording> listeners = new ArrayList<>();

  /** What an election told its master. */
  static final class Recording implements LeaderElection.Listener {
    final BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
    final BlockingQueue<String> deposed = new LinkedBlockingQueue<>();

    @Override
    public void elected(long epoch) {
      elected.add(epoch);
    }

    @Override
    public void deposed(String reason) {
      deposed.add(reason);
    }
  }

  @AfterEach
  void stop() {
    for (RaftElection election : elections) {
      election.stop();
    }
    // As kill -9: a graceful leave would wait on a CP subsystem that has lost its majority.
    for (HazelcastInstance member : members) {
      member.getLifecycleService().terminate();
    }
  }

  private void startThree() {
    List<String> addresses = List.of("127.0.0.1:" + FIRST_PORT, "127.0.0.1:" + (FIRST_PORT + 1),
        "127.0.0.1:" + (FIRST_PORT + 2));
    List<Thread> starting = new ArrayList<>();
    HazelcastInstance[] started = new HazelcastInstance[3];
    for (int i = 0; i < 3; i++) {
      Config config = Cluster.hazelcastConfig(new ClusterConfig("127.0.0.1", FIRST_PORT + i, addresses, clusterName),
          Cluster.Role.master(3));
      config.getNetworkConfig().setPortAutoIncrement(false);
      int index = i;
      Thread thread = new Thread(() -> started[index] = Hazelcast.newHazelcastInstance(config));
      thread.start();
      starting.add(thread);
    }
    for (Thread thread : starting) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(60));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    for (int i = 0; i < 3; i++) {
      assertThat(started[i]).as("member %d started", i).isNotNull();
      members.add(started[i]);
      RaftElection election = new RaftElection(started[i]);
      Recording listener = new Recording();
      elections.add(election);
      listeners.add(listener);
      election.start(listener);
    }
  }

  @Test
  void oneLeaderAtATimeAndAnotherSoonAfterItCrashesWithAHigherFence() throws Exception {
    startThree();
    int leader = awaitSingleLeader(-1);
    long firstFence = elections.get(leader).fence();
    assertThat(listeners.get(leader).elected.poll(1, TimeUnit.SECONDS)).isEqualTo(firstFence);
    MasterInfo info = MasterInfo.newBuilder().setId("m-" + leader).setIp(0).setPort(5050 + leader)
        .setHostname("127.0.0.1").build();
    elections.get(leader).announce(info);
    for (int i = 0; i < 3; i++) {
      int other = i;
      await("master " + i + " learns the leader", () -> elections.get(other).leader().isPresent()
          && elections.get(other).leader().get().getId().equals(info.getId()), 30);
    }

    long crashed = System.nanoTime();
    members.get(leader).getLifecycleService().terminate();
    elections.get(leader).stop();
    int next = awaitSingleLeader(leader);
    double seconds = (System.nanoTime() - crashed) / 1e9;
    System.out.printf("RaftElectionTest: a new leader %.1f s after the leader crashed%n", seconds);
    assertThat(next).isNotEqualTo(leader);
    assertThat(elections.get(next).fence()).as("the new term's fencing token").isGreaterThan(firstFence);
    for (int i = 0; i < 3; i++) {
      if (i != leader && i != next) {
        assertThat(elections.get(i).leaseValid()).as("the third master stands by").isFalse();
      }
    }
  }

  @Test
  void aLeaderThatResignsIsDeposedAndAnotherLeads() throws Exception {
    startThree();
    int leader = awaitSingleLeader(-1);
    elections.get(leader).resign();
    assertThat(listeners.get(leader).deposed.poll(10, TimeUnit.SECONDS)).contains("resigned");
    assertThat(elections.get(leader).leaseValid()).isFalse();
    int next = awaitSingleLeader(leader);
    assertThat(next).isNotEqualTo(leader);
  }

  /** Waits until exactly one master other than {@code excluded} holds a valid lease; returns it. */
  private int awaitSingleLeader(int excluded) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<Integer> leading = new ArrayList<>();
      for (int i = 0; i < elections.size(); i++) {
        if (elections.get(i).leaseValid()) {
          leading.add(i);
        }
      }
      assertThat(leading.size()).as("masters leading at once").isLessThanOrEqualTo(1);
      if (leading.size() == 1 && leading.get(0) != excluded) {
        return leading.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no master led within 60 s");
  }

  private static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }
}
