package dev.vmesos.agent.docker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from a Docker config ({@code --docker_config}, as Mesos takes it: the content
 * of {@code ~/.docker/config.json}, {@code {"auths": {"host": {"auth": base64(user:password)}}}}, or
 * the older {@code .dockercfg} map of hosts), given to the engine with a pull as its
 * {@code X-Registry-Auth} header. Only the registry the image names gets its credentials.
 */
public final class RegistryAuths {

  /** Docker Hub's key in a Docker config. */
  static final String DOCKER_HUB = "https://index.docker.io/v1/";

  /** username and password by registry host. */
  private final Map<String, String[]> byHost;

  private RegistryAuths(Map<String, String[]> byHost) {
    this.byHost = byHost;
  }

  public static RegistryAuths none() {
    return new RegistryAuths(Map.of());
  }

  /**
   * Reads a Docker config's JSON.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static RegistryAuths parse(String json) {
    JsonObject config;
    try {
      config = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    JsonObject auths = config.containsKey("auths") ? config.getJsonObject("auths") : config;
    Map<String, String[]> byHost = new LinkedHashMap<>();
    for (String key : auths.fieldNames()) {
      Object entry = auths.getValue(key);
      if (!(entry instanceof JsonObject object) || !(object.getValue("auth") instanceof String auth)) {
        continue;   // credential helpers, identity tokens: not given to the engine here
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the 'auth' of '" + key + "' is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("the 'auth' of '" + key + "' is not base64 of user:password");
      }
      byHost.put(host(key), new String[] {decoded.substring(0, colon), decoded.substring(colon + 1), key});
    }
    return new RegistryAuths(byHost);
  }

  /** The {@code X-Registry-Auth} value for pulling {@code image}, if its registry has credentials. */
  public Optional<String> header(String image) {
    String[] credentials = byHost.get(registryOf(image));
    if (credentials == null) {
      return Optional.empty();
    }
    JsonObject auth = new JsonObject().put("username", credentials[0]).put("password", credentials[1])
        .put("serveraddress", credentials[2]);
    return Optional.of(Base64.getUrlEncoder().encodeToString(auth.encode().getBytes(StandardCharsets.UTF_8)));
  }

  /** The registry host an image names: its first segment when that is a host, else Docker Hub. */
  static String registryOf(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "docker.io";
  }

  /** A config key as a host: {@code https://host:port/v1/} becomes {@code host:port}; Docker Hub's aliases one. */
  static String host(String key) {
    String host = key.replaceFirst("^[a-z]+://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? "docker.io" : host;
  }
}
