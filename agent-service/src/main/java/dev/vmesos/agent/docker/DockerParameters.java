package dev.vmesos.agent.docker;

import dev.vmesos.api.v1.Protos.Parameter;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code DockerInfo.parameters}, which Mesos appends to {@code docker run} as {@code --key=value},
 * mapped onto the Engine API fields those flags set. Applied after everything the agent derives
 * itself, so a parameter wins over it, as a later flag does on the command line. Keys are the long
 * or short flag names without dashes; any other key is refused rather than silently dropped.
 */
final class DockerParameters {

  /** The keys understood, for error messages. */
  static final List<String> KEYS = List.of("env/e", "label/l", "volume/v", "workdir/w", "user/u", "hostname",
      "entrypoint", "memory-swap", "cpu-shares", "add-host", "cap-add", "cap-drop", "privileged");

  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");
  /** docker's RAMInBytes: a number with an optional binary unit, e.g. {@code 512m}, {@code 1.5g}, {@code 64MiB}. */
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?");

  private DockerParameters() {
  }

  /** Applies {@code parameters} in order. @throws IllegalArgumentException naming the first bad one */
  static void apply(List<Parameter> parameters, ContainerDraft draft) {
    for (Parameter parameter : parameters) {
      apply(parameter.getKey(), parameter.getValue(), draft);
    }
  }

  private static void apply(String key, String value, ContainerDraft draft) {
    switch (key) {
      case "env", "e" -> env(value, draft);
      case "label", "l" -> label(value, draft);
      case "volume", "v" -> volume(value, draft);
      case "workdir", "w" -> draft.config.put("WorkingDir", value);
      case "user", "u" -> draft.config.put("User", value);
      case "hostname" -> draft.config.put("Hostname", value);
      // docker run --entrypoint takes one word; an empty one clears the image's entrypoint.
      case "entrypoint" -> draft.config.put("Entrypoint", new JsonArray().add(value));
      case "memory-swap" -> draft.hostConfig.put("MemorySwap", value.equals("-1") ? -1L : bytes(key, value));
      case "cpu-shares" -> draft.hostConfig.put("CpuShares", integer(key, value));
      case "add-host" -> draft.extraHosts.add(value);
      case "cap-add" -> draft.capAdd.add(value);
      case "cap-drop" -> draft.capDrop.add(value);
      case "privileged" -> draft.hostConfig.put("Privileged", bool(key, value));
      default -> throw new IllegalArgumentException("Docker parameter '" + key + "' is not supported by this agent"
          + " (supported: " + String.join(", ", KEYS) + ")");
    }
  }

  /** {@code NAME=VALUE} sets; a bare {@code NAME} is passed on as is, which unsets the image's variable. */
  private static void env(String value, ContainerDraft draft) {
    int eq = value.indexOf('=');
    if (eq == 0 || value.isEmpty()) {
      throw new IllegalArgumentException("Docker parameter env '" + value + "' has no variable name");
    }
    if (eq < 0) {
      draft.env.remove(value);
      draft.env.put(value, null);
    } else {
      String name = value.substring(0, eq);
      draft.env.remove(name);
      draft.env.put(name, value.substring(eq + 1));
    }
  }

  private static void label(String value, ContainerDraft draft) {
    int eq = value.indexOf('=');
    String name = eq < 0 ? value : value.substring(0, eq);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Docker parameter label '" + value + "' has no label name");
    }
    if (name.startsWith(ContainerLabels.PREFIX)) {
      throw new IllegalArgumentException("Docker parameter label '" + name + "' is reserved: labels starting with '"
          + ContainerLabels.PREFIX + "' are set by the agent");
    }
    draft.labels.put(name, eq < 0 ? "" : value.substring(eq + 1));
  }

  /** {@code source:target[:options]} is a bind (or named volume); a lone path is an anonymous volume. */
  private static void volume(String value, ContainerDraft draft) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Docker parameter volume is empty");
    }
    if (value.indexOf(':') < 0) {
      draft.anonymousVolumes.add(value);
    } else {
      draft.binds.add(value);
    }
  }

  static long bytes(String key, String value) {
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("Docker parameter " + key + " '" + value + "' is not a size (e.g. 512m, 2g)");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    int shift = switch (unit) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      case "p" -> 50;
      default -> 0;
    };
    return (long) (number * (1L << shift));
  }

  private static long integer(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Docker parameter " + key + " '" + value + "' is not an integer");
    }
  }

  private static boolean bool(String key, String value) {
    if (TRUE.contains(value)) {
      return true;
    }
    if (FALSE.contains(value)) {
      return false;
    }
    throw new IllegalArgumentException("Docker parameter " + key + " '" + value + "' is not true or false");
  }
}
