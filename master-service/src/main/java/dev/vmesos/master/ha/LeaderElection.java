package dev.vmesos.master.ha;

/**
 * Who leads the masters. Exactly one master at a time is elected; it acts only while its lease holds
 * ({@link #leaseValid()}), and everything it writes carries the epoch of its election, so that a
 * deposed leader that wakes up (after a pause longer than its lease) is refused by agents and by the
 * registry. Callbacks run on the election's own thread: hand them to an event loop.
 */
public interface LeaderElection {

  /** What the election tells its master. */
  interface Listener {

    /** This master leads from now on, under {@code epoch} (a fencing token, increasing per election). */
    void elected(long epoch);

    /** This master no longer leads (its lease ran out or its lock was taken away). */
    void deposed(String reason);
  }

  /** Starts campaigning. */
  void start(Listener listener);

  /** True while this master leads and its lease is fresh; cheap, any thread. */
  boolean leaseValid();

  /** The fencing token of the current term, or 0 when not leading. */
  long fence();

  /** Whether the masters could elect a leader now (a quorum is reachable), for /health and /state. */
  boolean quorumReachable();

  /**
   * Makes this master's info the leader's, for the other masters' redirects: called by the leader
   * once it serves. The write runs in the background.
   */
  void announce(dev.vmesos.api.v1.Protos.MasterInfo info);

  /** The leading master as last announced, when a master leads (this one included). */
  java.util.Optional<dev.vmesos.api.v1.Protos.MasterInfo> leader();

  /**
   * Gives up the current term (the registry could not be taken over) and campaigns again after a
   * pause, so that another master may lead meanwhile.
   */
  void resign();

  /** Stops campaigning and gives up leadership. */
  void stop();
}
