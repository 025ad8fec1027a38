package dev.vmesos.master.allocator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.Allocation;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the allocator benchmark working: its shapes do what Mesos's do, and JMH runs its cells
 * round by round. Tiny shapes, in this JVM; nothing here looks at times.
 */
class AllocatorBenchTest {

  @BeforeAll
  static void letJmhRunBesideABenchmark() {
    // JMH refuses to start while another JMH run holds its lock, e.g. ./vmesos bench allocator.
    System.setProperty("jmh.ignoreLock", "true");
  }

  @Test
  void declineOffersOffersEachAgentOncePerFrameworkUntilEveryFrameworkHasDeclinedIt() {
    DeclineOffersCluster cluster = DeclineOffersCluster.build(20, 3);
    // Left on each agent after its 16 tasks: 24 - 16 cpus, 4096 - 2014 mem, 4096 - 1024 disk, and
    // the 15 ports between the fragments the tasks hold.
    var free = ResourcesParser.parse("cpus:8;mem:2082;disk:3072;ports:[31001-31001,31003-31003,31005-31005,"
        + "31007-31007,31009-31009,31011-31011,31013-31013,31015-31015,31017-31017,31019-31019,31021-31021,"
        + "31023-31023,31025-31025,31027-31027,31029-31029]");
    Set<String> offeredPairs = new HashSet<>();

    for (int round = 0; round < 3; round++) {
      assertThat(cluster.declineOffers()).as("offers declined before round %d", round).isEqualTo(round == 0 ? 0 : 20);
      List<Allocation> offers = cluster.allocate();

      assertThat(offers).as("round %d offers every agent once", round).hasSize(20)
          .extracting(Allocation::agentId).doesNotHaveDuplicates();
      for (Allocation offer : offers) {
        assertThat(offeredPairs.add(offer.frameworkId() + "/" + offer.agentId()))
            .as("%s is offered %s again after declining it", offer.frameworkId(), offer.agentId()).isTrue();
        assertThat(offer.resources().unallocated()).isEqualTo(free);
        assertThat(offer.role()).isEqualTo("*");
      }
    }

    cluster.declineOffers();
    assertThat(cluster.allocate()).as("all 3 frameworks have declined all 20 agents").isEmpty();
    assertThat(cluster.declined()).isEqualTo(60);
    assertThat(cluster.roundsRun()).isEqualTo(4);
  }

  @Test
  void quotaShapeMeetsEveryQuotaInTheFirstRoundAndOffersNothingInTheSecond() {
    // Mesos's smallest QuotaParam: 25 small + 5 large roles, 25 / 5 + 5 * 5 = 30 agents.
    QuotaCluster cluster = QuotaCluster.build(25, 5);
    assertThat(cluster.agents()).isEqualTo(30);

    List<Allocation> first = cluster.allocate();

    assertThat(first).isNotEmpty();
    for (String role : cluster.roles()) {
      Map<String, Double> quota = role.startsWith("small") ? QuotaCluster.SMALL_QUOTA : QuotaCluster.LARGE_QUOTA;
      assertThat(cluster.allocator().roleAllocation(role)).as("allocation of %s", role).isEqualTo(quota);
    }
    assertThat(cluster.allocate()).as("quotas are limits too: nothing more to offer").isEmpty();
  }

  @Test
  void jmhRunsDeclineOffersRoundByRoundFromRoundZero(@TempDir Path out) {
    CellResult result = new CellRunner(out, "1g", 0).run(Cell.declineOffers(20, 3, 1, 3));

    assertThat(result.error()).isNull();
    assertThat(result.millis()).hasSize(3);
    assertThat(result.log().rounds()).extracting(RoundLog.Round::number).containsExactly(0, 1, 2);
    assertThat(result.log().rounds()).extracting(RoundLog.Round::offers).containsExactly(20, 20, 20);
    assertThat(result.log().rounds()).extracting(RoundLog.Round::filters).containsExactly(0L, 20L, 40L);
    assertThat(result.measured()).isEqualTo("rounds 0–2");
    assertThat(result.offers()).isEqualTo("20");
  }

  @Test
  void jmhRunsTheQuotaAndAddAgentCells(@TempDir Path out) {
    CellRunner runner = new CellRunner(out, "1g", 0);

    CellResult quota = runner.run(new Cell(Cell.Kind.QUOTA, 25, 5, 1, 0, 2));
    CellResult secondRound = runner.run(new Cell(Cell.Kind.QUOTA, 25, 5, 2, 0, 1));
    CellResult addAgents = runner.run(Cell.addAgents(50, 3, 0, 2));

    assertThat(quota.error()).isNull();
    assertThat(quota.millis()).hasSize(2);
    assertThat(quota.log().rounds()).allSatisfy(round -> assertThat(round.offers()).isPositive());
    assertThat(secondRound.error()).isNull();
    assertThat(secondRound.log().rounds()).extracting(RoundLog.Round::offers).containsExactly(0);
    assertThat(addAgents.error()).isNull();
    assertThat(addAgents.millis()).hasSize(2);
  }

  @Test
  void theDefaultGridIsMesossShapesWithBoundedRounds() {
    List<Cell> plan = BenchOptions.parse().plan();

    assertThat(plan).filteredOn(c -> c.kind() == Cell.Kind.DECLINE_OFFERS).hasSize(15);
    assertThat(plan).contains(Cell.declineOffers(10_000, 1_000, 5, 443), Cell.declineOffers(1_000, 1, 5, 2),
        Cell.declineOffers(50_000, 6_000, 5, 50));
    assertThat(BenchOptions.parse("--cells=10000x3000,quota", "--rounds=7").plan())
        .containsExactly(Cell.declineOffers(10_000, 3_000, 5, 7), Cell.quota(1, 3, 5));
  }
}
