package dev.vmesos.agent.health;

import dev.vmesos.api.v1.Protos.HealthCheck;
import java.util.Optional;

/** Mesos's validation of a task's {@code HealthCheck}: why it is invalid, or empty. */
public final class HealthChecks {

  private HealthChecks() {
  }

  public static Optional<String> validate(HealthCheck check) {
    if (!check.hasType() || check.getType() == HealthCheck.Type.UNKNOWN) {
      return Optional.of("HealthCheck must specify 'type'");
    }
    switch (check.getType()) {
      case COMMAND -> {
        if (!check.hasCommand()) {
          return Optional.of("Expecting 'command' to be set for COMMAND health check");
        }
        if (!check.getCommand().hasValue() || check.getCommand().getValue().isBlank()) {
          return Optional.of("Command health check must contain "
              + (check.getCommand().getShell() ? "'shell command'" : "'executable path'"));
        }
      }
      case HTTP -> {
        if (!check.hasHttp()) {
          return Optional.of("Expecting 'http' to be set for HTTP health check");
        }
        HealthCheck.HTTPCheckInfo http = check.getHttp();
        if (http.hasScheme() && !http.getScheme().equals("http") && !http.getScheme().equals("https")) {
          return Optional.of("Unsupported HTTP health check scheme: '" + http.getScheme() + "'");
        }
        if (http.hasPath() && !http.getPath().startsWith("/")) {
          return Optional.of("The path '" + http.getPath() + "' of HTTP health check must start with '/'");
        }
        if (http.getPort() == 0 || http.getPort() > 65535) {
          return Optional.of("The port " + http.getPort() + " of HTTP health check is not a port");
        }
      }
      case TCP -> {
        if (!check.hasTcp()) {
          return Optional.of("Expecting 'tcp' to be set for TCP health check");
        }
        if (check.getTcp().getPort() == 0 || check.getTcp().getPort() > 65535) {
          return Optional.of("The port " + check.getTcp().getPort() + " of TCP health check is not a port");
        }
      }
      default -> {
        return Optional.of("'" + check.getType() + "' is not a valid health check type");
      }
    }
    return nonNegative("delay_seconds", check.getDelaySeconds())
        .or(() -> nonNegative("grace_period_seconds", check.getGracePeriodSeconds()))
        .or(() -> nonNegative("interval_seconds", check.getIntervalSeconds()))
        .or(() -> nonNegative("timeout_seconds", check.getTimeoutSeconds()));
  }

  private static Optional<String> nonNegative(String field, double value) {
    return value >= 0 && Double.isFinite(value) ? Optional.empty()
        : Optional.of("Expecting '" + field + "' to be non-negative");
  }
}
