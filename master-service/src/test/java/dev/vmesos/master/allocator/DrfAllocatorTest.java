package dev.vmesos.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.DrfAllocator.Grant;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DrfAllocatorTest {

  private MutableClock clock;
  private DrfAllocator allocator;

  private static Resources res(String text) {
    return ResourcesParser.parse(text);
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock();
    allocator = new DrfAllocator(clock);
  }

  @Test
  void eachAgentGoesWholeToTheFrameworkWithTheLowestShare() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addAgent("s2", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addFramework("a");
    allocator.addFramework("b");

    // Both start at share 0: the tie goes to "a" (by name), then "b" has the lower share (0 < .5).
    List<Grant> grants = allocator.allocate();

    assertThat(grants).containsExactly(
        new Grant("a", "s1", res("cpus:4;mem:4096")),
        new Grant("b", "s2", res("cpus:4;mem:4096")));
    assertThat(allocator.dominantShare("a")).isEqualTo(0.5);
    assertThat(allocator.allocate()).as("nothing is left to offer").isEmpty();
  }

  @Test
  void dominantShareDecidesWhoIsNext() {
    allocator.addAgent("s1", res("cpus:8;mem:8192"), Resources.empty());
    allocator.addFramework("a");
    allocator.addFramework("b");
    // a holds 3 of 8 cpus (share .375), b holds 1024 of 8192 mem (share .125).
    allocator.allocated("a", "s1", res("cpus:3;mem:512"));
    allocator.allocated("b", "s1", res("cpus:0.5;mem:1024"));

    List<Grant> grants = allocator.allocate();

    assertThat(grants).extracting(Grant::frameworkId).containsExactly("b");
    assertThat(grants.get(0).resources()).isEqualTo(res("cpus:4.5;mem:6656"));
  }

  @Test
  void aDeclineFilterKeepsTheAgentAwayUntilItExpires() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addFramework("a");
    Grant first = allocator.allocate().get(0);

    allocator.recover("a", "s1", first.resources(), Duration.ofSeconds(5));
    assertThat(allocator.allocate()).isEmpty();

    clock.advance(Duration.ofSeconds(4));
    assertThat(allocator.allocate()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(allocator.allocate()).containsExactly(new Grant("a", "s1", res("cpus:4;mem:4096")));
  }

  @Test
  void declinedResourcesGoToAnotherFrameworkMeanwhile() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addFramework("a");
    allocator.addFramework("b");
    Grant first = allocator.allocate().get(0);
    assertThat(first.frameworkId()).isEqualTo("a");

    allocator.recover("a", "s1", first.resources(), Duration.ofSeconds(60));

    assertThat(allocator.allocate()).extracting(Grant::frameworkId).containsExactly("b");
  }

  @Test
  void suppressedAndInactiveFrameworksGetNothingUntilRevived() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addFramework("a");
    allocator.addFramework("b");
    allocator.suppress("a");
    allocator.deactivateFramework("b");

    assertThat(allocator.allocate()).isEmpty();

    allocator.revive("a");
    assertThat(allocator.allocate()).extracting(Grant::frameworkId).containsExactly("a");
  }

  @Test
  void reviveClearsDeclineFilters() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), Resources.empty());
    allocator.addFramework("a");
    Grant first = allocator.allocate().get(0);
    allocator.recover("a", "s1", first.resources(), Duration.ofDays(1));

    allocator.revive("a");

    assertThat(allocator.allocate()).hasSize(1);
  }

  @Test
  void resourcesBelowTheMinimumAllocatableAreNotOffered() {
    allocator.addAgent("s1", res("cpus:4;mem:4096"), res("cpus:3.995;mem:4070"));
    allocator.addFramework("a");

    // 0.005 cpus and 26 MB left: below both cpus:0.01 and mem:32.
    assertThat(allocator.allocate()).isEmpty();
  }

  @Test
  void recoveredTaskResourcesAreOfferedAgain() {
    allocator.addAgent("s1", res("cpus:2;mem:1024"), Resources.empty());
    allocator.addFramework("a");
    Grant offer = allocator.allocate().get(0);
    // The framework launches a task on part of the offer and gives the rest back.
    Resources task = res("cpus:0.5;mem:128");
    allocator.recover("a", "s1", offer.resources().minus(task), Duration.ZERO);
    assertThat(allocator.allocate()).containsExactly(new Grant("a", "s1", res("cpus:1.5;mem:896")));

    allocator.recover("a", "s1", task, Duration.ZERO);

    assertThat(allocator.allocate()).containsExactly(new Grant("a", "s1", res("cpus:0.5;mem:128")));
  }
}
