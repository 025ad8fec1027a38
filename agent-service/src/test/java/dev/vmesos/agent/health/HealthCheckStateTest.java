package dev.vmesos.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.HealthCheck;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Mesos's health-check rules: a 10 s grace period and 3 consecutive failures, times from T0. */
class HealthCheckStateTest {

  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void failuresInTheGracePeriodAreIgnoredUntilTheFirstSuccess() {
    HealthCheckState state = new HealthCheckState(T0, Duration.ofSeconds(10), 3);

    assertThat(state.failure(T0.plusSeconds(5), "refused")).isEmpty();
    assertThat(state.failure(T0.plusSeconds(10), "refused")).as("the grace period's last instant").isEmpty();
    assertThat(state.failure(T0.plusSeconds(11), "refused")).hasValueSatisfying(r -> {
      assertThat(r.healthy()).isFalse();
      assertThat(r.consecutiveFailures()).isEqualTo(1);
      assertThat(r.killTask()).isFalse();
    });
  }

  @Test
  void healthyIsReportedOnTheFirstSuccessAndAfterFailuresAndTheNthFailureKills() {
    HealthCheckState state = new HealthCheckState(T0, Duration.ofSeconds(10), 3);

    assertThat(state.success()).hasValueSatisfying(r -> assertThat(r.healthy()).isTrue());
    assertThat(state.success()).as("still healthy: nothing new").isEmpty();
    // After a success the grace period no longer hides failures.
    assertThat(state.failure(T0.plusSeconds(2), "HTTP 500")).hasValueSatisfying(r -> {
      assertThat(r.consecutiveFailures()).isEqualTo(1);
      assertThat(r.message()).isEqualTo("Health check failed 1 time(s) in a row: HTTP 500");
    });
    assertThat(state.success()).hasValueSatisfying(r -> assertThat(r.healthy()).isTrue());
    assertThat(state.failure(T0.plusSeconds(20), "x")).hasValueSatisfying(r -> assertThat(r.killTask()).isFalse());
    assertThat(state.failure(T0.plusSeconds(21), "x")).hasValueSatisfying(r -> assertThat(r.killTask()).isFalse());
    assertThat(state.failure(T0.plusSeconds(22), "x")).hasValueSatisfying(r -> {
      assertThat(r.consecutiveFailures()).isEqualTo(3);
      assertThat(r.killTask()).isTrue();
    });
  }

  @Test
  void invalidHealthChecksAreNamedAsMesosNamesThem() {
    assertThat(HealthChecks.validate(HealthCheck.getDefaultInstance())).contains("HealthCheck must specify 'type'");
    assertThat(HealthChecks.validate(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP).build()))
        .contains("Expecting 'http' to be set for HTTP health check");
    assertThat(HealthChecks.validate(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(80).setPath("health")).build()))
        .contains("The path 'health' of HTTP health check must start with '/'");
    assertThat(HealthChecks.validate(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
        .setCommand(CommandInfo.newBuilder()).build())).contains("Command health check must contain 'shell command'");
    assertThat(HealthChecks.validate(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).setIntervalSeconds(-1).build()))
        .contains("Expecting 'interval_seconds' to be non-negative");
    assertThat(HealthChecks.validate(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).build())).isEmpty();
  }
}
