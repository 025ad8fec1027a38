package dev.vmesos.master.ha;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.CPSubsystem;
import com.hazelcast.cp.lock.FencedLock;
import com.hazelcast.cp.session.CPSession;
import dev.vmesos.api.v1.Protos.MasterInfo;
import java.util.Optional;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on Raft: the masters are Hazelcast's CP members, and the leader is the holder of
 * a CP {@link FencedLock}. Its fencing token is the epoch of the term.
 *
 * <p>The lease: the holder confirms it still holds the lock every {@link #CHECK_INTERVAL} (a Raft
 * round trip), and acts only until {@link #LEASE} after the start of the last confirmation that
 * succeeded. A lapsed lease suspends the master (it acts on nothing); a later confirmation under the
 * same fencing token resumes it (nobody else can have held the lock meanwhile); losing the lock ends
 * the term. A master that acquires the lock waits out one lease before acting, so a deposed
 * leader's lease (which began before its session ended, so before the lock changed hands) has run
 * out by then. A leader paused longer than its lease finds {@link #leaseValid()} false the moment it
 * wakes, whatever ran first. Lock operations are bound to their thread, so they all run on one.
 *
 * <p>A crashed leader's CP session ends after the session TTL (5 s); to fail over faster, the
 * others force-close the sessions of a member as soon as Hazelcast removes it from the cluster.
 */
public final class RaftElection implements LeaderElection {

  private static final Logger LOG = LoggerFactory.getLogger(RaftElection.class);
  public static final String LOCK_NAME = "vmesos-leader";
  /** The leader's MasterInfo (bytes), written by each new leader once it serves. */
  public static final String LEADER_INFO = "vmesos-leader-info";
  static final Duration LEADER_POLL = Duration.ofMillis(500);
  /** A leader read older than this is not trusted: no leader is reported until a read succeeds. */
  static final Duration POLL_STALE = Duration.ofSeconds(3);
  static final Duration LEASE = Duration.ofMillis(1500);
  static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
  /** After resigning, how long a master leaves the lock to the others. */
  static final Duration RESIGN_PAUSE = Duration.ofSeconds(2);

  private final HazelcastInstance hazelcast;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vmesos-election");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService sessionCloser = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vmesos-election-sessions");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean running;
  private volatile long leaseUntilNanos;
  private volatile long fence;
  private volatile boolean quorumReachable;
  private volatile boolean resigning;
  /** The leader as last read (standbys poll it); null when no master holds the lock. */
  private volatile MasterInfo leader;
  private volatile MasterInfo own;
  private volatile long lastPollNanos = System.nanoTime();
  private final java.util.concurrent.ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vmesos-election-leader");
        t.setDaemon(true);
        return t;
      });
  private UUID membershipListener;

  public RaftElection(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public void start(Listener listener) {
    running = true;
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        sessionCloser.execute(() -> closeSessionsOf(event));
      }
    });
    thread.execute(() -> campaign(listener));
    poller.scheduleWithFixedDelay(this::pollLeader, 0, LEADER_POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void announce(MasterInfo info) {
    own = info;
    // Not on the election thread: it is busy holding the lock for as long as this master leads.
    poller.execute(() -> {
      try {
        hazelcast.getCPSubsystem().<byte[]>getAtomicReference(LEADER_INFO).set(info.toByteArray());
      } catch (RuntimeException e) {
        LOG.warn("Could not announce the leader: {}", describe(e));
      }
    });
  }

  @Override
  public Optional<MasterInfo> leader() {
    if (leaseValid() && own != null) {
      return Optional.of(own);
    }
    if (System.nanoTime() - lastPollNanos >= POLL_STALE.toNanos()) {
      return Optional.empty();
    }
    return Optional.ofNullable(leader);
  }

  private void pollLeader() {
    if (!running) {
      return;
    }
    promoteIfMissing();
    try {
      CPSubsystem cp = hazelcast.getCPSubsystem();
      boolean locked = cp.getLock(LOCK_NAME).isLocked();
      byte[] bytes = locked ? cp.<byte[]>getAtomicReference(LEADER_INFO).get() : null;
      MasterInfo read = bytes == null ? null : MasterInfo.parseFrom(bytes);
      if (read != null && fence == 0 && own != null && read.getId().equals(own.getId())) {
        read = null;  // this master's own announcement from a term that has ended
      }
      leader = read;
      quorumReachable = true;
      lastPollNanos = System.nanoTime();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      leader = null;
    } catch (RuntimeException e) {
      leader = null;
      quorumReachable = false;
    }
  }

  @Override
  public boolean leaseValid() {
    return fence != 0 && System.nanoTime() - leaseUntilNanos < 0;
  }

  @Override
  public long fence() {
    return leaseValid() ? fence : 0;
  }

  /**
   * True while this master leads, or its last read of the leader through the Raft group succeeded
   * within {@link #POLL_STALE}: a group without a majority blocks reads rather than failing them.
   */
  @Override
  public boolean quorumReachable() {
    return leaseValid() || (quorumReachable && System.nanoTime() - lastPollNanos < POLL_STALE.toNanos());
  }

  @Override
  public void resign() {
    resigning = true;
  }

  private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    running = false;
    fence = 0;
    if (membershipListener != null) {
      try {
        hazelcast.getCluster().removeMembershipListener(membershipListener);
      } catch (RuntimeException ignored) {
        // the instance is shutting down
      }
    }
    thread.execute(() -> {
      try {
        FencedLock lock = hazelcast.getCPSubsystem().getLock(LOCK_NAME);
        if (lock.isLockedByCurrentThread()) {
          lock.unlock();
          LOG.info("Gave up leadership");
        }
      } catch (RuntimeException e) {
        LOG.debug("Could not release the leader lock: {}", e.toString());
      }
    });
    thread.shutdown();
    sessionCloser.shutdownNow();
    poller.shutdownNow();
  }

  private void campaign(Listener listener) {
    boolean waitingLogged = false;
    while (running) {
      FencedLock lock;
      try {
        lock = hazelcast.getCPSubsystem().getLock(LOCK_NAME);
        long token = lock.tryLockAndGetFence(1, TimeUnit.SECONDS);
        quorumReachable = true;
        if (token == FencedLock.INVALID_FENCE) {
          if (!waitingLogged) {
            LOG.info("Another master leads; standing by");
            waitingLogged = true;
          }
          continue;
        }
        long acquired = System.nanoTime();
        LOG.info("Acquired the leader lock with fencing token {}; waiting out the previous leader's lease ({} ms)",
            token, LEASE.toMillis());
        sleepUntil(acquired + LEASE.toNanos());
        if (!running) {
          return;
        }
        long checkStart = System.nanoTime();
        if (lock.getFence() != token) {
          throw new IllegalStateException("the lock's fence changed while waiting");
        }
        leaseUntilNanos = checkStart + LEASE.toNanos();
        fence = token;
        listener.elected(token);
        hold(lock, token, listener);
        waitingLogged = false;
      } catch (com.hazelcast.cp.internal.exception.MetadataRaftGroupInitInProgressException e) {
        quorumReachable = false;
        if (!waitingLogged) {
          LOG.info("Waiting for the masters' Raft group to form ({} of {} masters needed)",
              hazelcast.getConfig().getCPSubsystemConfig().getCPMemberCount() / 2 + 1,
              hazelcast.getConfig().getCPSubsystemConfig().getCPMemberCount());
          waitingLogged = true;
        }
        pause(500);
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        quorumReachable = false;
        LOG.warn("Leader election: {}; trying again", describe(e));
        pause(500);
      }
    }
  }

  /** Confirms the lock every CHECK_INTERVAL; returns when it is lost (after telling the listener). */
  private void hold(FencedLock lock, long token, Listener listener) {
    String reason = "stopped";
    while (running) {
      long checkStart = System.nanoTime();
      if (resigning) {
        reason = "it resigned";
        break;
      }
      try {
        long current = lock.getFence();
        if (current != token) {
          reason = "the leader lock's fence is now " + current;
          break;
        }
        long lapsedFor = System.nanoTime() - leaseUntilNanos;
        if (lapsedFor >= 0) {
          // The lease lapsed (a pause, or the Raft group was slow, as while it changes members); the
          // master acted on nothing meanwhile. The lock still held under the same fence means nobody
          // else acquired it since: the term goes on.
          LOG.info("Leadership (term {}) confirmed again after {} ms without a lease", token, lapsedFor / 1_000_000);
        }
        leaseUntilNanos = checkStart + LEASE.toNanos();
        quorumReachable = true;
      } catch (RuntimeException e) {
        reason = describe(e);
        break;
      }
      sleepUntil(checkStart + CHECK_INTERVAL.toNanos());
    }
    fence = 0;
    leaseUntilNanos = System.nanoTime();
    if (resigning || !running) {
      LOG.info("Gave up leadership (term {}): {}", token, reason);
    } else {
      LOG.warn("Lost leadership (term {}): {}", token, reason);
    }
    try {
      if (lock.isLockedByCurrentThread()) {
        lock.unlock();
      }
    } catch (RuntimeException ignored) {
      // the session is gone already
    }
    listener.deposed(reason);
    if (resigning) {
      resigning = false;
      pause(RESIGN_PAUSE.toMillis());
    }
  }

  private boolean promotionLogged;
  /** Promoted to CP member, not yet seen in every Raft group. */
  private boolean promoted;

  /** Whether the METADATA and default Raft groups both list this member (their membership change committed). */
  private static boolean inEveryRaftGroup(CPSubsystem cp) throws Exception {
    java.util.UUID local = cp.getLocalCPMember().getUuid();
    for (String group : new String[] {com.hazelcast.cp.CPGroup.METADATA_CP_GROUP_NAME,
        com.hazelcast.cp.CPGroup.DEFAULT_GROUP_NAME}) {
      com.hazelcast.cp.CPGroup found = cp.getCPSubsystemManagementService().getCPGroup(group).toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      if (found == null || found.status() != com.hazelcast.cp.CPGroup.CPGroupStatus.ACTIVE
          || found.members().stream().noneMatch(m -> m.getUuid().equals(local))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A master that restarted (a new Hazelcast member) joins the Raft group in place of its old self once
   * the group has removed the missing member (after 6 s): without that, the next failure would leave
   * the group without a majority.
   */
  private void promoteIfMissing() {
    try {
      CPSubsystem cp = hazelcast.getCPSubsystem();
      if (cp.getLocalCPMember() != null) {
        if (promoted && inEveryRaftGroup(cp)) {
          // Only now may another master fail: until the groups have taken this one in, they count two.
          LOG.info("This master joined the Raft group as {}", cp.getLocalCPMember());
          promoted = false;
        }
        return;
      }
      int members = cp.getCPSubsystemManagementService().getCPMembers().toCompletableFuture()
          .get(5, TimeUnit.SECONDS).size();
      if (members >= hazelcast.getConfig().getCPSubsystemConfig().getCPMemberCount()) {
        return;
      }
      if (!promotionLogged) {
        LOG.info("The Raft group has {} of {} masters: joining it", members,
            hazelcast.getConfig().getCPSubsystemConfig().getCPMemberCount());
        promotionLogged = true;
      }
      cp.getCPSubsystemManagementService().promoteToCPMember().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LOG.info("This master is a CP member again as {}; waiting until its Raft groups take it in",
          cp.getLocalCPMember());
      promoted = true;
      promotionLogged = false;
    } catch (Exception e) {
      LOG.debug("Not in the Raft group yet: {}", e.toString());
    }
  }

  /** A member left the cluster: the CP sessions it had (the leader lock's among them) end now. */
  private void closeSessionsOf(MembershipEvent event) {
    if (!running || event.getMember().isLiteMember()) {
      return;
    }
    long removedAt = System.currentTimeMillis();
    try {
      CPSubsystem cp = hazelcast.getCPSubsystem();
      // Only from the side that still sees a majority of the masters, and only for a master that is
      // really gone: a master that wakes from a pause sees the others "leave" and must not end their
      // sessions (it would depose the leader elected meanwhile).
      java.util.Set<com.hazelcast.cluster.Address> present = new java.util.HashSet<>();
      for (com.hazelcast.cluster.Member member : hazelcast.getCluster().getMembers()) {
        present.add(member.getAddress());
      }
      if (present.contains(event.getMember().getAddress())) {
        return;
      }
      java.util.Collection<com.hazelcast.cp.CPMember> masters = cp.getCPSubsystemManagementService().getCPMembers()
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      long live = masters.stream().filter(m -> present.contains(m.getAddress())).count();
      if (live < masters.size() / 2 + 1) {
        LOG.info("Master {} left, but only {} of {} masters are in view: leaving its CP sessions to expire",
            event.getMember().getAddress(), live, masters.size());
        return;
      }
      for (CPSession session : cp.getCPSessionManagementService()
          .getAllSessions(CPGroup.DEFAULT_GROUP_NAME).toCompletableFuture().get(10, TimeUnit.SECONDS)) {
        if (session.endpointType() == CPSession.CPSessionOwnerType.SERVER
            && session.endpoint().equals(event.getMember().getAddress())
            && session.creationTime() < removedAt) {
          boolean closed = cp.getCPSessionManagementService()
              .forceCloseSession(CPGroup.DEFAULT_GROUP_NAME, session.id()).toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
          if (closed) {
            LOG.info("Closed CP session {} of master {} that left the cluster", session.id(),
                event.getMember().getAddress());
          }
        }
      }
    } catch (Exception e) {
      LOG.debug("Could not close the CP sessions of {}: {}", event.getMember().getAddress(), e.toString());
    }
  }

  private void sleepUntil(long nanos) {
    long wait;
    while (running && (wait = nanos - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
