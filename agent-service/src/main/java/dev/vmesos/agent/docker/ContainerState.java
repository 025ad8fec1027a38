package dev.vmesos.agent.docker;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * One container as {@code GET /containers/{id}/json} describes it.
 *
 * @param id        the engine's id
 * @param name      without the engine's leading {@code /}
 * @param image     the image reference it was created from
 * @param status    {@code created}, {@code running}, {@code paused}, {@code restarting},
 *                  {@code removing}, {@code exited} or {@code dead}
 * @param running   whether its process runs
 * @param exitCode  its last exit status (0 while running or never started)
 * @param oomKilled whether its last run was ended by the OOM killer
 * @param error     the engine's error starting it, or empty
 * @param labels    its labels, {@link ContainerLabels} among them
 * @param startedAt when the engine started its process, if it ever did
 */
public record ContainerState(String id, String name, String image, String status, boolean running, int exitCode,
    boolean oomKilled, String error, Map<String, String> labels, Optional<Instant> startedAt) {

  public ContainerState {
    labels = Map.copyOf(labels);
  }

  static ContainerState fromInspect(JsonObject json) {
    JsonObject state = json.getJsonObject("State", new JsonObject());
    JsonObject config = json.getJsonObject("Config", new JsonObject());
    return new ContainerState(
        json.getString("Id", ""),
        stripSlash(json.getString("Name", "")),
        config.getString("Image", ""),
        state.getString("Status", ""),
        state.getBoolean("Running", false),
        state.getInteger("ExitCode", 0),
        state.getBoolean("OOMKilled", false),
        state.getString("Error", ""),
        ContainerSummary.labels(config.getJsonObject("Labels")),
        instant(state.getString("StartedAt", "")));
  }

  /** The engine writes RFC 3339 with nanoseconds, and year 1 for never. */
  private static Optional<Instant> instant(String text) {
    try {
      Instant instant = Instant.parse(text);
      return instant.getEpochSecond() > 0 ? Optional.of(instant) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
