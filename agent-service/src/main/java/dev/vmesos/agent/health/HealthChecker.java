package dev.vmesos.agent.health;

import dev.vmesos.api.v1.Protos.HealthCheck;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task's {@code HealthCheck} on the agent, as Mesos's command executor does: the first
 * check {@code delay_seconds} after the task runs, then one every {@code interval_seconds}, each
 * bounded by {@code timeout_seconds}, the results read by {@link HealthCheckState}. A check runs off
 * the event loop; reports come back on the caller's context. COMMAND runs the command in the
 * task's sandbox (inside its container, through {@code docker exec}, for a Docker task); HTTP asks
 * {@code scheme://127.0.0.1:port/path} and takes 200-399 (or {@code statuses}) as healthy; TCP
 * connects to {@code 127.0.0.1:port}. Tasks share the host's network, so loopback reaches them.
 */
public final class HealthChecker {

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  /** One check, blocking: empty when healthy, else why not. */
  @FunctionalInterface
  public interface Probe {
    Optional<String> run(Duration timeout) throws Exception;
  }

  private final Vertx vertx;
  private final String task;
  private final HealthCheck check;
  private final Probe probe;
  private final HealthCheckState state;
  private final Consumer<HealthCheckState.Report> reports;
  private final Clock clock;
  private final ProbeTimer timer;

  public HealthChecker(Vertx vertx, String task, HealthCheck check, Probe probe, Clock clock,
                       Consumer<HealthCheckState.Report> reports) {
    this.vertx = vertx;
    this.timer = new ProbeTimer(vertx);
    this.task = task;
    this.check = check;
    this.probe = probe;
    this.reports = reports;
    this.state = new HealthCheckState(clock.instant(), seconds(check.getGracePeriodSeconds()),
        Math.max(1, check.getConsecutiveFailures()));
    this.clock = clock;
  }

  /** Starts checking; call on the task owner's context. */
  public void start() {
    LOG.info("Health checks of {} ({}) start in {} s, every {} s", task, check.getType(), check.getDelaySeconds(),
        check.getIntervalSeconds());
    timer.schedule(seconds(check.getDelaySeconds()), this::runOnce);
  }

  public void stop() {
    timer.stop();
  }

  private void runOnce() {
    Duration timeout = check.getTimeoutSeconds() > 0 ? seconds(check.getTimeoutSeconds()) : Duration.ofDays(1);
    vertx.executeBlocking(() -> probe.run(timeout), false).onComplete(result -> {
      if (timer.stopped()) {
        return;
      }
      Optional<HealthCheckState.Report> report;
      if (result.succeeded() && result.result().isEmpty()) {
        report = state.success();
      } else {
        String why = result.succeeded() ? result.result().get() : String.valueOf(result.cause());
        LOG.info("Health check of {} failed: {}", task, why);
        report = state.failure(clock.instant(), why);
      }
      report.ifPresent(r -> {
        LOG.info("Health of {}: {}", task, r.healthy() ? "healthy" : r.message() + (r.killTask() ? "; killing it" : ""));
        reports.accept(r);
      });
      if (report.map(HealthCheckState.Report::killTask).orElse(false)) {
        stop();
      } else {
        timer.schedule(seconds(check.getIntervalSeconds()), this::runOnce);
      }
    });
  }

  static Duration seconds(double value) {
    return Duration.ofNanos((long) (Math.max(0, value) * 1e9));
  }

  // ---- probes ------------------------------------------------------------------------------------

  /**
   * The probe of {@code check}: COMMAND in {@code sandbox} with {@code environment}, or inside the
   * Docker container {@code dockerContainer} when there is one (engine at {@code dockerSocket}).
   */
  public static Probe probe(HealthCheck check, Path sandbox, Map<String, String> environment,
                            Optional<String> dockerContainer, String dockerSocket) {
    return switch (check.getType()) {
      case COMMAND -> timeout -> command(check, sandbox, environment, dockerContainer, dockerSocket, timeout);
      case HTTP -> timeout -> http(check.getHttp(), timeout);
      case TCP -> timeout -> tcp(check.getTcp().getPort(), timeout);
      default -> timeout -> Optional.of("unsupported health check type " + check.getType());
    };
  }

  /** The command of a COMMAND check: through {@code docker exec} for a Docker task. */
  static List<String> argv(dev.vmesos.api.v1.Protos.CommandInfo command, Optional<String> dockerContainer,
                           String dockerSocket) {
    List<String> argv = new ArrayList<>();
    if (dockerContainer.isPresent()) {
      argv.addAll(List.of("docker", "-H", "unix://" + dockerSocket, "exec", dockerContainer.get()));
    }
    if (command.getShell()) {
      argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
    } else {
      argv.add(command.getValue());
      argv.addAll(command.getArgumentsList());
    }
    return argv;
  }

  private static Optional<String> command(HealthCheck check, Path sandbox, Map<String, String> environment,
      Optional<String> dockerContainer, String dockerSocket, Duration timeout) throws InterruptedException {
    Probes.Result result = Probes.command(argv(check.getCommand(), dockerContainer, dockerSocket),
        dockerContainer.isEmpty() ? sandbox : null, dockerContainer.isEmpty() ? environment : Map.of(), timeout);
    if (!result.ok()) {
      return Optional.of(result.error());
    }
    return result.value() == 0 ? Optional.empty() : Optional.of("command exited with status " + result.value());
  }

  private static Optional<String> http(HealthCheck.HTTPCheckInfo http, Duration timeout) throws InterruptedException {
    String path = http.hasPath() ? http.getPath() : "/";
    Probes.Result result = Probes.http(http.hasScheme() ? http.getScheme() : "http", http.getPort(), path, timeout);
    if (!result.ok()) {
      return Optional.of(result.error());
    }
    int status = result.value();
    boolean ok = http.getStatusesCount() > 0 ? http.getStatusesList().contains(status) : status >= 200 && status < 400;
    return ok ? Optional.empty() : Optional.of("GET " + path + " on port " + http.getPort() + " answered " + status);
  }

  private static Optional<String> tcp(int port, Duration timeout) {
    Probes.Result result = Probes.tcp(port, timeout);
    return result.value() == 1 ? Optional.empty() : Optional.of(result.error());
  }
}
