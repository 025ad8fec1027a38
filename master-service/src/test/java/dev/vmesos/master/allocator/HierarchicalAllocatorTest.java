package dev.vmesos.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The allocator through its own verbs: agents, frameworks, rounds, recoveries. */
class HierarchicalAllocatorTest {

  private static final Duration FOREVER = Duration.ofDays(365);

  private MutableClock clock;
  private HierarchicalAllocator allocator;

  private static Resources res(String text) {
    return ResourcesParser.parse(text);
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock();
    allocator = allocator(AllocatorConfig.defaults());
  }

  private HierarchicalAllocator allocator(AllocatorConfig config) {
    return new HierarchicalAllocator(config, clock, new Random(7), System::nanoTime);
  }

  /**
   * The seed documents' experiment: one agent holding the whole cluster; whoever is offered it
   * launches one task if its per-task demand fits (giving the rest back) or declines it for good.
   * Returns the order in which frameworks launched tasks.
   */
  private List<String> runTasksOnePerOffer(HierarchicalAllocator a, Map<String, Resources> perTask) {
    List<String> launches = new ArrayList<>();
    for (int round = 0; round < 1000; round++) {
      List<Allocation> offers = a.allocate();
      if (offers.isEmpty()) {
        return launches;
      }
      for (Allocation offer : offers) {
        Resources task = perTask.get(offer.frameworkId());
        if (offer.resources().contains(task)) {
          launches.add(offer.frameworkId());
          a.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources().minus(task), Duration.ZERO);
        } else {
          a.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), FOREVER);
        }
      }
    }
    throw new AssertionError("did not settle");
  }

  @Test
  void seedExampleTenCpusTwentyGigabytes() {
    allocator.addAgent("s1", res("cpus:10;mem:20480"), List.of());
    allocator.addFramework("A", FrameworkProfile.of("*"));
    allocator.addFramework("B", FrameworkProfile.of("*"));

    List<String> launches = runTasksOnePerOffer(allocator, Map.of(
        "A", res("cpus:3;mem:2048"),
        "B", res("cpus:1;mem:5120")));

    // A .3 → B .25 → B .5 → A .6 → B .75; then 1 cpu and 1 GB fit nobody.
    assertThat(launches).containsExactly("A", "B", "B", "A", "B");
    assertThat(allocator.roleAllocation("*")).containsEntry("cpus", 9.0).containsEntry("mem", 19456.0);
    assertThat(allocator.dominantShare("A")).isCloseTo(0.6, within(1e-9));  // 6 CPU, 4 GB
    assertThat(allocator.dominantShare("B")).isCloseTo(0.75, within(1e-9)); // 3 CPU, 15 GB
    Map<String, Double> metrics = allocator.metrics();
    assertThat(metrics.get("allocator/mesos/resources/cpus/offered_or_allocated")
        / metrics.get("allocator/mesos/resources/cpus/total")).isCloseTo(0.90, within(1e-9));
    assertThat(metrics.get("allocator/mesos/resources/mem/offered_or_allocated")
        / metrics.get("allocator/mesos/resources/mem/total")).isCloseTo(0.95, within(1e-9));
  }

  @Test
  void seedExampleEighteenCpusThirtySixGigabytes() {
    allocator.addAgent("s1", res("cpus:18;mem:36864"), List.of());
    allocator.addFramework("A", FrameworkProfile.of("*"));
    allocator.addFramework("B", FrameworkProfile.of("*"));

    List<String> launches = runTasksOnePerOffer(allocator, Map.of(
        "A", res("cpus:2;mem:8192"),
        "B", res("cpus:6;mem:2048")));

    assertThat(launches.stream().filter("A"::equals)).hasSize(3);
    assertThat(launches.stream().filter("B"::equals)).hasSize(2);
    // Both end with a dominant share of 2/3: A of the memory, B of the cpus.
    assertThat(allocator.dominantShare("A")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(allocator.dominantShare("B")).isCloseTo(2.0 / 3, within(1e-9));
  }

  @Test
  void maxMinSorterWaterFillsOneResource() {
    HierarchicalAllocator maxMin = allocator(AllocatorConfig.defaults().withSorters("drf", "maxmin:cpus"));
    maxMin.addAgent("s1", res("cpus:100;mem:100000"), List.of());
    Map<String, Double> demands = new LinkedHashMap<>();
    demands.put("A", 35.0);
    demands.put("B", 10.0);
    demands.put("C", 25.0);
    demands.put("D", 45.0);
    demands.keySet().forEach(f -> maxMin.addFramework(f, FrameworkProfile.of("*")));
    Map<String, Double> got = new LinkedHashMap<>();
    demands.keySet().forEach(f -> got.put(f, 0.0));
    // Each framework takes 0.5 cpu per offer until its demand is met, then declines for good.
    for (int round = 0; round < 10000; round++) {
      List<Allocation> offers = maxMin.allocate();
      if (offers.isEmpty()) {
        break;
      }
      for (Allocation offer : offers) {
        double want = demands.get(offer.frameworkId()) - got.get(offer.frameworkId());
        double take = Math.min(0.5, Math.min(want, offer.resources().scalar("cpus")));
        if (take > 0) {
          got.merge(offer.frameworkId(), take, Double::sum);
          maxMin.recover(offer.frameworkId(), offer.agentId(), offer.role(),
              offer.resources().minus(res("cpus:" + take)), Duration.ZERO);
        } else {
          maxMin.recover(offer.frameworkId(), offer.agentId(), offer.role(), offer.resources(), FOREVER);
        }
      }
    }
    assertThat(got).containsExactly(Map.entry("A", 32.5), Map.entry("B", 10.0), Map.entry("C", 25.0),
        Map.entry("D", 32.5));
  }

  @Test
  void roleWeightsShiftTheShares() {
    HierarchicalAllocator weighted = allocator(AllocatorConfig.defaults().withWeights(Map.of("gold", 3.0)));
    for (int i = 0; i < 8; i++) {
      weighted.addAgent("s" + i, res("cpus:1;mem:1024"), List.of());
    }
    weighted.addFramework("g", FrameworkProfile.of("gold"));
    weighted.addFramework("b", FrameworkProfile.of("bronze"));

    List<Allocation> offers = weighted.allocate();

    // gold weighs 3: it gets 3 agents for each one bronze gets (shares .75/3 = .25 and .25/1).
    assertThat(offers.stream().filter(o -> o.role().equals("gold"))).hasSize(6);
    assertThat(offers.stream().filter(o -> o.role().equals("bronze"))).hasSize(2);
  }

  @Test
  void aQuotaGuaranteeIsMetBeforeFairSharing() {
    HierarchicalAllocator quota = allocator(AllocatorConfig.defaults().withQuotas(
        Map.of("prod", Quota.guarantee(Map.of("cpus", 6.0)))));
    for (int i = 0; i < 10; i++) {
      quota.addAgent("s" + i, res("cpus:1;mem:1024"), List.of());
    }
    // "dev" is already far below "prod" in share: fair sharing alone would serve it first.
    quota.addFramework("dev-fw", FrameworkProfile.of("dev"));
    quota.addFramework("prod-fw", FrameworkProfile.of("prod"));

    List<Allocation> offers = quota.allocate();

    double prodCpus = offers.stream().filter(o -> o.role().equals("prod")).mapToDouble(o -> o.resources().scalar("cpus")).sum();
    assertThat(prodCpus).isGreaterThanOrEqualTo(6.0);
    assertThat(offers.get(0).role()).as("the guarantee is served first").isEqualTo("prod");
  }

  @Test
  void aGuaranteeKeepsItsHeadroomWhileItsRoleHasNoFramework() {
    HierarchicalAllocator quota = allocator(AllocatorConfig.defaults().withQuotas(
        Map.of("prod", Quota.guarantee(Map.of("cpus", 4.0)))));
    quota.addAgent("s1", res("cpus:10;mem:10240"), List.of());
    quota.addFramework("dev-fw", FrameworkProfile.of("dev"));

    List<Allocation> offers = quota.allocate();

    assertThat(offers).singleElement().satisfies(o ->
        assertThat(o.resources().scalar("cpus")).as("4 cpus held back for prod").isEqualTo(6.0));
  }

  @Test
  void aQuotaLimitIsNeverCrossed() {
    HierarchicalAllocator quota = allocator(AllocatorConfig.defaults().withQuotas(
        Map.of("capped", Quota.limit(Map.of("cpus", 2.5)))));
    for (int i = 0; i < 4; i++) {
      quota.addAgent("s" + i, res("cpus:2;mem:1024"), List.of());
    }
    quota.addFramework("f", FrameworkProfile.of("capped"));

    for (int round = 0; round < 3; round++) {
      quota.allocate();
      assertThat(quota.roleAllocation("capped").get("cpus")).isLessThanOrEqualTo(2.5);
    }
    assertThat(quota.roleAllocation("capped")).containsEntry("cpus", 2.5);
  }

  @Test
  void reservedResourcesAreOfferedOnlyToTheirRole() {
    allocator.addAgent("s1", res("cpus(web):2;mem(web):512;cpus:1;mem:256"), List.of());
    allocator.addFramework("batch", FrameworkProfile.of("batch"));

    List<Allocation> first = allocator.allocate();

    assertThat(first).singleElement().satisfies(o -> {
      assertThat(o.frameworkId()).isEqualTo("batch");
      assertThat(o.resources()).isEqualTo(res("cpus:1;mem:256"));
    });

    allocator.addFramework("web", FrameworkProfile.of("web"));
    List<Allocation> second = allocator.allocate();

    assertThat(second).singleElement().satisfies(o -> {
      assertThat(o.frameworkId()).isEqualTo("web");
      assertThat(o.resources()).isEqualTo(res("cpus(web):2;mem(web):512"));
    });
  }

  @Test
  void aDeclinedAgentIsNotReofferedToThatFrameworkUntilItsFilterExpires() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));
    Allocation offer = allocator.allocate().get(0);

    allocator.recover("f", "s1", offer.role(), offer.resources(), Duration.ofSeconds(5));
    assertThat(allocator.allocate()).isEmpty();
    clock.advance(Duration.ofMillis(4999));
    assertThat(allocator.allocate()).isEmpty();
    clock.advance(Duration.ofMillis(1));

    assertThat(allocator.allocate()).singleElement().satisfies(o -> assertThat(o.agentId()).isEqualTo("s1"));
  }

  @Test
  void declinedResourcesGoToTheNextFrameworkMeanwhile() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of());
    allocator.addFramework("a", FrameworkProfile.of("*"));
    allocator.addFramework("b", FrameworkProfile.of("*"));
    Allocation offer = allocator.allocate().get(0);
    assertThat(offer.frameworkId()).isEqualTo("a");

    allocator.recover("a", "s1", "*", offer.resources(), Duration.ofSeconds(60));

    assertThat(allocator.allocate()).extracting(Allocation::frameworkId).containsExactly("b");
  }

  @Test
  void suppressStopsOffersAndReviveResumesThemAndClearsFilters() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));
    Allocation offer = allocator.allocate().get(0);
    allocator.recover("f", "s1", "*", offer.resources(), FOREVER);
    allocator.suppress("f", Set.of());
    assertThat(allocator.allocate()).isEmpty();

    allocator.revive("f", Set.of());

    assertThat(allocator.allocate()).hasSize(1);
  }

  @Test
  void suppressingOneRoleOfAMultiRoleFrameworkKeepsTheOther() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of());
    allocator.addAgent("s2", res("cpus:4;mem:4096"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("a", "b"));
    allocator.suppress("f", Set.of("a"));

    List<Allocation> offers = allocator.allocate();

    assertThat(offers).extracting(Allocation::role).containsOnly("b").hasSize(2);
  }

  @Test
  void inactiveFrameworksGetNothingButKeepTheirShare() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of(
        new Allocation("old", "s1", "*", res("cpus:2;mem:1024"))));
    allocator.addFramework("old", FrameworkProfile.of("*"));
    allocator.deactivateFramework("old");
    assertThat(allocator.allocate()).isEmpty();

    allocator.activateFramework("old");

    assertThat(allocator.allocate()).singleElement()
        .satisfies(o -> assertThat(o.resources()).isEqualTo(res("cpus:2;mem:3072")));
  }

  @Test
  void resourcesBelowTheMinimumAreNotOffered() {
    allocator.addAgent("s1", res("cpus:0.005;mem:16"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));

    assertThat(allocator.allocate()).isEmpty();
  }

  @Test
  void aFrameworksOwnMinimumSkipsSmallerOffers() {
    allocator.addAgent("small", res("cpus:1;mem:512"), List.of());
    allocator.addAgent("big", res("cpus:8;mem:8192"), List.of());
    allocator.addFramework("picky", new FrameworkProfile(Set.of("*"), Set.of(),
        Map.of("*", List.of(Map.of("cpus", 4.0)))));

    assertThat(allocator.allocate()).extracting(Allocation::agentId).containsExactly("big");
  }

  /** An agent found below a framework's minimum is offered to it again as soon as it has more free. */
  @Test
  void anAgentBelowAFrameworksMinimumIsOfferedOnceItHasEnough() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), List.of());
    allocator.addFramework("whole", FrameworkProfile.of("*"));
    Allocation all = allocator.allocate().get(0);
    allocator.addFramework("picky", new FrameworkProfile(Set.of("*"), Set.of(),
        Map.of("*", List.of(Map.of("cpus", 2.0)))));
    // "whole" keeps 3 CPUs: the 1 left is below picky's minimum, and "whole" has declined it.
    allocator.recover("whole", "s1", "*", res("cpus:1;mem:1024"), Duration.ofMinutes(5));
    assertThat(allocator.allocate()).isEmpty();
    assertThat(allocator.allocate()).isEmpty();

    allocator.recover("whole", "s1", "*", res("cpus:1;mem:1024"), Duration.ofMinutes(5));

    assertThat(allocator.allocate()).singleElement().satisfies(o -> {
      assertThat(o.frameworkId()).isEqualTo("picky");
      assertThat(o.resources()).isEqualTo(res("cpus:2;mem:2048"));
    });
    assertThat(all.resources()).isEqualTo(res("cpus:4;mem:4096"));
  }

  @Test
  void finishedTasksGiveTheirResourcesBack() {
    allocator.addAgent("s1", res("cpus:2;mem:1024"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));
    Allocation offer = allocator.allocate().get(0);
    Resources task = res("cpus:0.5;mem:128");
    allocator.recover("f", "s1", "*", offer.resources().minus(task), Duration.ZERO);
    assertThat(allocator.allocate()).singleElement()
        .satisfies(o -> assertThat(o.resources()).isEqualTo(res("cpus:1.5;mem:896")));

    allocator.recover("f", "s1", "*", task, Duration.ZERO);

    assertThat(allocator.allocate()).singleElement()
        .satisfies(o -> assertThat(o.resources()).isEqualTo(res("cpus:0.5;mem:128")));
  }

  @Test
  void recoveringMoreThanTheAgentHasIsRefused() {
    allocator.addAgent("s1", res("cpus:2;mem:1024"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> allocator.recover("f", "s1", "*", res("cpus:1"), Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void metricsCountRunsAndOffers() {
    allocator.addAgent("s1", res("cpus:2;mem:1024"), List.of());
    allocator.addFramework("f", FrameworkProfile.of("*"));
    allocator.allocate();
    allocator.allocate();

    Map<String, Double> metrics = allocator.metrics();

    assertThat(metrics).containsEntry("allocator/mesos/allocation_runs", 2.0)
        .containsEntry("allocator/mesos/offers_made", 1.0)
        .containsEntry("allocator/mesos/roles/*/shares/dominant", 1.0)
        .containsKey("allocator/mesos/allocation_run_ms/p99");
  }
}
