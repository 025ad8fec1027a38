package dev.vmesos.agent.docker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One container as {@code GET /containers/json} lists it.
 *
 * @param id     the engine's id
 * @param name   without the engine's leading {@code /}
 * @param image  the image reference it was created from
 * @param state  {@code created}, {@code running}, {@code exited}, ...
 * @param labels its labels, {@link ContainerLabels} among them
 */
public record ContainerSummary(String id, String name, String image, String state, Map<String, String> labels) {

  public ContainerSummary {
    labels = Map.copyOf(labels);
  }

  /** The value of label {@code key}, e.g. {@link ContainerLabels#TASK_ID}. */
  public Optional<String> label(String key) {
    return Optional.ofNullable(labels.get(key));
  }

  public boolean running() {
    return "running".equals(state);
  }

  static ContainerSummary fromList(JsonObject json) {
    JsonArray names = json.getJsonArray("Names", new JsonArray());
    String name = names.isEmpty() ? "" : ContainerState.stripSlash(names.getString(0));
    return new ContainerSummary(json.getString("Id", ""), name, json.getString("Image", ""),
        json.getString("State", ""), labels(json.getJsonObject("Labels")));
  }

  static Map<String, String> labels(JsonObject json) {
    Map<String, String> labels = new HashMap<>();
    if (json != null) {
      json.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return labels;
  }
}
