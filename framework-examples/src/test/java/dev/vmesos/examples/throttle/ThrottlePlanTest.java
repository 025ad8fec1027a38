package dev.vmesos.examples.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThrottlePlanTest {

  @Test
  void handsOutBatchesOnlyWhileFewerThanParallelismRun() {
    ThrottlePlan plan = new ThrottlePlan(250, 100, 2, 5);
    ThrottlePlan.Batch first = plan.next().orElseThrow();
    plan.launched("t0", first);
    ThrottlePlan.Batch second = plan.next().orElseThrow();
    plan.launched("t1", second);
    assertThat(first).isEqualTo(new ThrottlePlan.Batch(0, 0, 100));
    assertThat(second).isEqualTo(new ThrottlePlan.Batch(1, 100, 100));
    assertThat(plan.next()).as("parallelism 2 reached").isEmpty();

    plan.ended("t0", true);
    ThrottlePlan.Batch last = plan.next().orElseThrow();
    assertThat(last).as("the remainder").isEqualTo(new ThrottlePlan.Batch(2, 200, 50));
    plan.launched("t2", last);
    plan.ended("t1", true);
    assertThat(plan.next()).as("nothing left to hand out").isEmpty();
    assertThat(plan.done()).isFalse();
    plan.ended("t2", true);
    assertThat(plan.done()).isTrue();
    assertThat(plan.completedQueries()).isEqualTo(250);
    assertThat(plan.tasksFinished()).isEqualTo(3);
  }

  @Test
  void aFailedBatchRunsAgainAndMoreThanMaxErrorsFailsTheRun() {
    ThrottlePlan plan = new ThrottlePlan(10, 10, 1, 2);
    for (int attempt = 0; attempt < 3; attempt++) {
      ThrottlePlan.Batch batch = plan.next().orElseThrow();
      assertThat(batch.first()).as("the same queries again").isZero();
      assertThat(batch.count()).isEqualTo(10);
      plan.launched("t" + attempt, batch);
      plan.ended("t" + attempt, false);
    }
    assertThat(plan.errors()).isEqualTo(3);
    assertThat(plan.failed()).isTrue();
    assertThat(plan.next()).isEmpty();
    assertThat(plan.completedQueries()).isZero();
  }

  @Test
  void aDuplicateTerminalUpdateCountsOnce() {
    ThrottlePlan plan = new ThrottlePlan(5, 5, 1, 0);
    plan.launched("t0", plan.next().orElseThrow());
    assertThat(plan.ended("t0", true)).isTrue();
    assertThat(plan.ended("t0", true)).isFalse();
    assertThat(plan.completedQueries()).isEqualTo(5);
  }

  @Test
  void aLaunchTheMasterNeverGotIsRetriedWithoutCountingAnError() {
    ThrottlePlan plan = new ThrottlePlan(5, 5, 1, 0);
    plan.launched("t0", plan.next().orElseThrow());
    plan.notLaunched("t0");
    assertThat(plan.errors()).isZero();
    assertThat(plan.next().orElseThrow().first()).isZero();
  }
}
