package dev.vmesos.agent.health;

import dev.vmesos.api.v1.Protos.CheckInfo;
import dev.vmesos.api.v1.Protos.CheckStatusInfo;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task's general {@code TaskInfo.check}, as Mesos's command executor does: the first check
 * {@code delay_seconds} after the task runs, then every {@code interval_seconds}, each bounded by
 * {@code timeout_seconds}. A check only observes: its result becomes the task's {@code check_status}
 * (COMMAND: the exit code; HTTP: the status code; TCP: whether it connected; empty when the check
 * itself could not run or timed out), reported each time it changes. It never kills the task.
 */
public final class TaskChecker {

  private static final Logger LOG = LoggerFactory.getLogger(TaskChecker.class);

  private final Vertx vertx;
  private final String task;
  private final CheckInfo check;
  private final Path sandbox;
  private final Map<String, String> environment;
  private final Optional<String> dockerContainer;
  private final String dockerSocket;
  private final Consumer<CheckStatusInfo> changes;
  private CheckStatusInfo last;
  private final ProbeTimer timer;

  public TaskChecker(Vertx vertx, String task, CheckInfo check, Path sandbox, Map<String, String> environment,
                     Optional<String> dockerContainer, String dockerSocket, Consumer<CheckStatusInfo> changes) {
    this.vertx = vertx;
    this.timer = new ProbeTimer(vertx);
    this.task = task;
    this.check = check;
    this.sandbox = sandbox;
    this.environment = environment;
    this.dockerContainer = dockerContainer;
    this.dockerSocket = dockerSocket;
    this.changes = changes;
    this.last = empty(check.getType());
  }

  /** What a task reports before its first check: the check's type and no result. */
  public static CheckStatusInfo empty(CheckInfo.Type type) {
    CheckStatusInfo.Builder status = CheckStatusInfo.newBuilder().setType(type);
    switch (type) {
      case COMMAND -> status.setCommand(CheckStatusInfo.Command.getDefaultInstance());
      case HTTP -> status.setHttp(CheckStatusInfo.Http.getDefaultInstance());
      case TCP -> status.setTcp(CheckStatusInfo.Tcp.getDefaultInstance());
      default -> {
      }
    }
    return status.build();
  }

  /** A probe's result as a check status: empty when the check could not tell. */
  static CheckStatusInfo status(CheckInfo.Type type, Probes.Result result) {
    CheckStatusInfo.Builder status = empty(type).toBuilder();
    switch (type) {
      case COMMAND -> {
        if (result.ok()) {
          status.setCommand(CheckStatusInfo.Command.newBuilder().setExitCode(result.value()));
        }
      }
      case HTTP -> {
        if (result.ok()) {
          status.setHttp(CheckStatusInfo.Http.newBuilder().setStatusCode(result.value()));
        }
      }
      case TCP -> status.setTcp(CheckStatusInfo.Tcp.newBuilder().setSucceeded(result.value() == 1));
      default -> {
      }
    }
    return status.build();
  }

  public void start() {
    LOG.info("Checks of {} ({}) start in {} s, every {} s", task, check.getType(), check.getDelaySeconds(),
        check.getIntervalSeconds());
    timer.schedule(HealthChecker.seconds(check.getDelaySeconds()), this::runOnce);
  }

  public void stop() {
    timer.stop();
  }

  private void runOnce() {
    Duration timeout = check.getTimeoutSeconds() > 0 ? HealthChecker.seconds(check.getTimeoutSeconds())
        : Duration.ofDays(1);
    vertx.executeBlocking(() -> probe(timeout), false).onComplete(result -> {
      if (timer.stopped()) {
        return;
      }
      CheckStatusInfo status = result.succeeded() ? status(check.getType(), result.result()) : empty(check.getType());
      if (!status.equals(last)) {
        last = status;
        LOG.info("Check of {} changed: {}", task, dev.vmesos.api.json.MesosJson.print(status).replaceAll("\\s+", ""));
        changes.accept(status);
      }
      timer.schedule(HealthChecker.seconds(check.getIntervalSeconds()), this::runOnce);
    });
  }

  private Probes.Result probe(Duration timeout) throws InterruptedException {
    return switch (check.getType()) {
      case COMMAND -> Probes.command(HealthChecker.argv(check.getCommand().getCommand(), dockerContainer, dockerSocket),
          dockerContainer.isEmpty() ? sandbox : null, dockerContainer.isEmpty() ? environment : Map.of(), timeout);
      case HTTP -> Probes.http("http", check.getHttp().getPort(),
          check.getHttp().hasPath() ? check.getHttp().getPath() : "/", timeout);
      case TCP -> Probes.tcp(check.getTcp().getPort(), timeout);
      default -> Probes.Result.failed("unsupported check type " + check.getType());
    };
  }

  /** Mesos's validation of a {@code CheckInfo}: why it is invalid, or empty. */
  public static Optional<String> validate(CheckInfo check) {
    if (!check.hasType() || check.getType() == CheckInfo.Type.UNKNOWN) {
      return Optional.of("CheckInfo must specify 'type'");
    }
    switch (check.getType()) {
      case COMMAND -> {
        if (!check.hasCommand()) {
          return Optional.of("Expecting 'command' to be set for COMMAND check");
        }
        if (!check.getCommand().getCommand().hasValue() || check.getCommand().getCommand().getValue().isBlank()) {
          return Optional.of("Command check must contain 'shell command'");
        }
      }
      case HTTP -> {
        if (!check.hasHttp()) {
          return Optional.of("Expecting 'http' to be set for HTTP check");
        }
        if (check.getHttp().hasPath() && !check.getHttp().getPath().startsWith("/")) {
          return Optional.of("The path '" + check.getHttp().getPath() + "' of HTTP check must start with '/'");
        }
      }
      case TCP -> {
        if (!check.hasTcp()) {
          return Optional.of("Expecting 'tcp' to be set for TCP check");
        }
      }
      default -> {
        return Optional.of("'" + check.getType() + "' is not a valid check type");
      }
    }
    if (!(check.getDelaySeconds() >= 0) || !(check.getIntervalSeconds() >= 0) || !(check.getTimeoutSeconds() >= 0)) {
      return Optional.of("Expecting 'delay_seconds', 'interval_seconds' and 'timeout_seconds' to be non-negative");
    }
    return Optional.empty();
  }
}
