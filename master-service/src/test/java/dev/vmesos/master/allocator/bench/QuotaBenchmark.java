package dev.vmesos.master.allocator.bench;

import dev.vmesos.master.allocator.Allocation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Mesos's LargeAndSmallQuota benchmark (see {@link QuotaCluster}): every iteration builds a fresh
 * cluster, untimed, and times one round. Round 1 is the one Mesos reports ("Made 3500 allocations
 * in 15.39 secs"); round 2 follows it and finds nothing left to offer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class QuotaBenchmark {

  @Param("" + QuotaCluster.MESOS_SMALL_ROLES)
  public int smallRoles;

  @Param("" + QuotaCluster.MESOS_LARGE_ROLES)
  public int largeRoles;

  /** Which round to time: 1, or 2 after an untimed round 1. */
  @Param("1")
  public int round;

  /** A file for the {@link RoundLog}, or {@value RoundLog#NOWHERE}. */
  @Param(RoundLog.NOWHERE)
  public String roundLog;

  private QuotaCluster cluster;
  private List<Allocation> made;
  private double setupMillis;
  private final RoundLog log = new RoundLog();

  @Setup(Level.Iteration)
  public void buildCluster() {
    long start = System.nanoTime();
    cluster = QuotaCluster.build(smallRoles, largeRoles);
    for (int r = 1; r < round; r++) {
      cluster.allocate();
    }
    setupMillis = RoundLog.millisSince(start);
  }

  @Benchmark
  public List<Allocation> allocate() {
    made = cluster.allocate();
    return made;
  }

  @TearDown(Level.Iteration)
  public void recordRound(IterationParams iteration) {
    if (iteration.getType() == IterationType.MEASUREMENT) {
      log.add(new RoundLog.Round(round - 1, made.size(), 0, setupMillis));
    }
    cluster = null;
  }

  @TearDown(Level.Trial)
  public void writeLog() {
    log.writeTo(roundLog);
  }
}
