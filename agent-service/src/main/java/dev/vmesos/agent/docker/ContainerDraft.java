package dev.vmesos.agent.docker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A create-container request while {@link ContainerSpec} and {@link DockerParameters} fill it in;
 * lists and maps are kept apart until {@link #toBody()} so later settings can replace or add to
 * earlier ones, as later {@code docker run} flags do.
 */
final class ContainerDraft {

  /** A null value unsets the image's variable, as {@code docker run -e NAME} without a value can. */
  final Map<String, String> env = new LinkedHashMap<>();
  final Map<String, String> labels = new LinkedHashMap<>();
  final List<String> binds = new ArrayList<>();
  final List<String> anonymousVolumes = new ArrayList<>();
  final List<String> extraHosts = new ArrayList<>();
  final List<String> capAdd = new ArrayList<>();
  final List<String> capDrop = new ArrayList<>();
  /** Top-level fields of the request other than the ones above. */
  final JsonObject config = new JsonObject();
  /** {@code HostConfig} fields other than the lists above. */
  final JsonObject hostConfig = new JsonObject();

  JsonObject toBody() {
    JsonObject body = config.copy();
    JsonArray envArray = new JsonArray();
    env.forEach((name, value) -> envArray.add(value == null ? name : name + "=" + value));
    body.put("Env", envArray);
    body.put("Labels", new JsonObject(new LinkedHashMap<>(labels)));
    if (!anonymousVolumes.isEmpty()) {
      JsonObject volumes = new JsonObject();
      anonymousVolumes.forEach(path -> volumes.put(path, new JsonObject()));
      body.put("Volumes", volumes);
    }
    JsonObject host = hostConfig.copy();
    host.put("Binds", new JsonArray(new ArrayList<>(binds)));
    putIfAny(host, "ExtraHosts", extraHosts);
    putIfAny(host, "CapAdd", capAdd);
    putIfAny(host, "CapDrop", capDrop);
    body.put("HostConfig", host);
    return body;
  }

  private static void putIfAny(JsonObject target, String field, List<String> values) {
    if (!values.isEmpty()) {
      target.put(field, new JsonArray(new ArrayList<>(values)));
    }
  }
}
