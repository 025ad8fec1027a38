package dev.vmesos.agent.master;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The leader epochs an agent has seen, as plain state: the highest one (from the
 * {@code vmesos-leader-epoch} header of masters' messages and replies, and from
 * {@code LeaderElected}), the one the agent registered under, and the stale ones already warned
 * about. An epoch is the fencing token of a master's election, an unsigned 64-bit number that only
 * grows; 0 stands for "none seen" (a fencing token is never 0).
 *
 * <p>A message whose epoch is below the highest seen comes from a deposed leader (one that paused
 * through its successor's election): the agent must not act on it.
 */
public final class LeaderEpochs {

  /** How an observed epoch compares with the highest seen before it. */
  public enum Verdict {
    /** Below the highest seen: a deposed leader's; refuse it. */
    STALE,
    /** The highest seen. */
    CURRENT,
    /** Above every epoch seen before: a new leader; it is now the highest. */
    NEWER
  }

  /** Stale epochs remembered for their one warning; a bound only against a pathological master. */
  private static final int WARNED_LIMIT = 64;

  private long highest;
  private long registeredUnder;
  private long staleMessages;
  private final Set<Long> warned = new LinkedHashSet<>();

  /**
   * Parses a header value: a decimal unsigned 64-bit number.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static long parse(String header) {
    try {
      return Long.parseUnsignedLong(header.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("leader epoch '" + header + "' is not a decimal uint64", e);
    }
  }

  /** Compares an epoch with the highest seen, and raises the highest to it when it is newer. */
  public Verdict observe(long epoch) {
    int order = Long.compareUnsigned(epoch, highest);
    if (order < 0) {
      return Verdict.STALE;
    }
    if (order == 0) {
      return Verdict.CURRENT;
    }
    highest = epoch;
    return Verdict.NEWER;
  }

  /**
   * Counts a refused message of a stale epoch; true the first time that epoch is refused (the one
   * time it is worth a warning).
   */
  public boolean refused(long staleEpoch) {
    staleMessages++;
    if (warned.contains(staleEpoch)) {
      return false;
    }
    if (warned.size() == WARNED_LIMIT) {
      warned.remove(warned.iterator().next());
    }
    warned.add(staleEpoch);
    return true;
  }

  /** The agent's registration was accepted by the leader of this epoch (0: it sent none). */
  public void registeredUnder(long epoch) {
    registeredUnder = epoch;
  }

  /** Whether an epoch is newer than the one the agent registered under: a leader it has not met. */
  public boolean newerThanRegistration(long epoch) {
    return Long.compareUnsigned(epoch, registeredUnder) > 0;
  }

  public long highest() {
    return highest;
  }

  public long registeredEpoch() {
    return registeredUnder;
  }

  /** How many messages of stale epochs were refused since start-up. */
  public long staleMessages() {
    return staleMessages;
  }

  /** An epoch as the header writes it. */
  public static String toString(long epoch) {
    return Long.toUnsignedString(epoch);
  }
}
