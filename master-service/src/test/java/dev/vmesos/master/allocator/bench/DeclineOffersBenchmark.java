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
 * Mesos's DeclineOffers benchmark (see {@link DeclineOffersCluster}), one JMH iteration per
 * allocation round: the trial builds the cluster once and each iteration's setup declines the
 * previous round's offers, so a measured iteration is {@code allocate()} alone and measured
 * iteration {@code k} is round {@code k} of the cluster, as Mesos numbers its rounds.
 *
 * <p>Warm-up iterations run rounds on a separate, smaller cluster of the same kind: they warm the
 * JIT without using up the measured cluster's early rounds, which are the ones Mesos reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DeclineOffersBenchmark {

  static final int WARMUP_AGENTS = 2_000;
  static final int WARMUP_FRAMEWORKS = 200;

  @Param("1000")
  public int agents;

  @Param("100")
  public int frameworks;

  /** A file for the {@link RoundLog}, or {@value RoundLog#NOWHERE}. */
  @Param(RoundLog.NOWHERE)
  public String roundLog;

  private DeclineOffersCluster cluster;
  private DeclineOffersCluster warmupCluster;
  private DeclineOffersCluster current;
  private double declineMillis;
  private final RoundLog log = new RoundLog();

  @Setup(Level.Trial)
  public void buildClusters() {
    warmupCluster = DeclineOffersCluster.build(Math.min(agents, WARMUP_AGENTS), Math.min(frameworks, WARMUP_FRAMEWORKS));
    long start = System.nanoTime();
    cluster = DeclineOffersCluster.build(agents, frameworks);
    log.built(RoundLog.millisSince(start));
  }

  @Setup(Level.Iteration)
  public void declinePreviousRound(IterationParams iteration) {
    current = iteration.getType() == IterationType.WARMUP ? warmupCluster : cluster;
    long start = System.nanoTime();
    current.declineOffers();
    declineMillis = RoundLog.millisSince(start);
  }

  @Benchmark
  public List<Allocation> round() {
    return current.allocate();
  }

  @TearDown(Level.Iteration)
  public void recordRound() {
    if (current == cluster) {
      log.add(new RoundLog.Round(cluster.roundsRun() - 1, cluster.offers().size(), cluster.declined(), declineMillis));
    }
  }

  @TearDown(Level.Trial)
  public void writeLog() {
    log.writeTo(roundLog);
  }
}
