package dev.vmesos.master.allocator.bench;

import dev.vmesos.master.allocator.HierarchicalAllocator;
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
 * Adding the agents of the DeclineOffers shape, each with its used resources, to an allocator that
 * already has the frameworks (Mesos's benchmark prints this as "Added N agents in ..."). Each
 * iteration starts from a fresh allocator; agent ids and allocations are built beforehand.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AddAgentsBenchmark {

  @Param("10000")
  public int agents;

  @Param("1000")
  public int frameworks;

  /** A file for the {@link RoundLog}, or {@value RoundLog#NOWHERE}. */
  @Param(RoundLog.NOWHERE)
  public String roundLog;

  private DeclineOffersCluster.AgentFeed feed;
  private HierarchicalAllocator allocator;
  private double setupMillis;
  private int iterations;
  private final RoundLog log = new RoundLog();

  @Setup(Level.Trial)
  public void buildFeed() {
    feed = new DeclineOffersCluster.AgentFeed(agents, frameworks);
  }

  @Setup(Level.Iteration)
  public void freshAllocator() {
    long start = System.nanoTime();
    allocator = DeclineOffersCluster.allocatorWithFrameworks(frameworks);
    setupMillis = RoundLog.millisSince(start);
  }

  @Benchmark
  public HierarchicalAllocator addAgents() {
    feed.addTo(allocator);
    return allocator;
  }

  @TearDown(Level.Iteration)
  public void recordIteration(IterationParams iteration) {
    if (iteration.getType() == IterationType.MEASUREMENT) {
      log.add(new RoundLog.Round(iterations++, 0, 0, setupMillis));
    }
    allocator = null;
  }

  @TearDown(Level.Trial)
  public void writeLog() {
    log.writeTo(roundLog);
  }
}
