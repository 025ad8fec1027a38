package dev.vmesos.agent.docker;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Docker engine whether it answers ({@code GET /_ping}) every {@code interval}, each ask
 * bounded by the same time. An engine that stops answering makes the agent unhealthy (its
 * {@code /health} answers 503, {@code GET_HEALTH} says false) and Docker launches fail at once
 * instead of waiting on it; it is healthy again once the engine answers. Use on the agent's context.
 */
public final class EngineMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(EngineMonitor.class);

  private final Vertx vertx;
  private final DockerEngine engine;
  private final String socket;
  private final Duration interval;
  private long timerId = -1;
  private boolean asking;
  /** Why the engine is unhealthy, or null while it answers. */
  private volatile String problem;

  public EngineMonitor(Vertx vertx, DockerEngine engine, String socket, Duration interval) {
    this.vertx = vertx;
    this.engine = engine;
    this.socket = socket;
    this.interval = interval;
  }

  public void start() {
    timerId = vertx.setPeriodic(interval.toMillis(), id -> ask());
  }

  public void stop() {
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** Why the engine is not healthy, or empty when it answered the last time it was asked. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  private void ask() {
    if (asking) {
      return;   // the last ask has not ended: it is answered (or failed) by its own timeout
    }
    asking = true;
    engine.ping(interval).onComplete(answer -> {
      asking = false;
      if (answer.succeeded()) {
        if (problem != null) {
          LOG.info("Docker engine at {} answers again: the agent is healthy", socket);
        }
        problem = null;
      } else {
        String now = "Docker engine at " + socket + " does not answer within " + interval.toMillis() + " ms: "
            + answer.cause().getMessage();
        if (problem == null) {
          LOG.warn("{}; the agent is unhealthy and fails Docker launches until it answers", now);
        }
        problem = now;
      }
    });
  }
}
