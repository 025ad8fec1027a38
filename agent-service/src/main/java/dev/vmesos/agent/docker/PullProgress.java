package dev.vmesos.agent.docker;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an image pull's progress stream (one JSON object per line): logs a line when a layer (or
 * the pull itself) changes state, not for every "Downloading" tick, and finds the engine's error.
 */
final class PullProgress {

  private static final Logger LOG = LoggerFactory.getLogger(PullProgress.class);

  private final String image;
  private final Map<String, String> lastStatus = new HashMap<>();

  PullProgress(String image) {
    this.image = image;
  }

  /** One line of the stream: the engine's error message if it is one. */
  Optional<String> line(Buffer line) {
    String text = line.toString().trim();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    JsonObject progress;
    try {
      progress = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      LOG.debug("Ignoring a pull progress line of {} that is not a JSON object: {}", image, text);
      return Optional.empty();
    }
    Object error = progress.getValue("error");
    if (error != null) {
      return Optional.of(String.valueOf(error));
    }
    String status = String.valueOf(progress.getValue("status", ""));
    String id = String.valueOf(progress.getValue("id", ""));
    if (!status.isEmpty() && !status.equals(lastStatus.put(id, status))) {
      LOG.info("Pull of {}: {}{}", image, id.isEmpty() ? "" : id + ": ", status);
    }
    return Optional.empty();
  }
}
