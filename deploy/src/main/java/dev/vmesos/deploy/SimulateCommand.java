package dev.vmesos.deploy;

import dev.vmesos.master.allocator.fairness.Fairness;
import dev.vmesos.master.allocator.fairness.Fairness.Filling;
import dev.vmesos.master.allocator.fairness.Fairness.Framework;
import dev.vmesos.master.allocator.fairness.Fairness.User;
import dev.vmesos.master.allocator.fairness.FairnessTables;
import dev.vmesos.master.allocator.fairness.Scenario;
import dev.vmesos.master.allocator.fairness.Scenarios;
import dev.vmesos.master.allocator.fairness.Simulation;
import dev.vmesos.master.allocator.fairness.Units;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code vmesos simulate}: runs a fairness scenario and prints it as tables. DRF scenarios go
 * through the real allocator ({@link Simulation}); {@code --pure} prints pure progressive filling
 * instead. Max-min scenarios print their water-filling rounds. Exit 0, or 2 for a bad argument,
 * an unknown scenario or a bad scenario file.
 */
public final class SimulateCommand {

  static final String USAGE = """
      usage: vmesos simulate                           list the built-in scenarios
             vmesos simulate <scenario> [--pure]       run a built-in scenario
             vmesos simulate --file=<scenario.json> [--pure]

      DRF scenarios run through the real allocator (HierarchicalAllocator, drf sorters): one agent holds
      the whole cluster; each round the framework offered the agent's free resources launches one task if
      it fits and gives the rest back, or declines the offer for good; the run ends when nothing is
      offered. --pure prints pure progressive filling instead (equal shares go to the framework listed
      first; the allocator's go to the one offered fewer times, then the smaller name, as in Mesos).
      Max-min scenarios print their water-filling rounds.

      A scenario file is JSON, amounts in Mesos units (cpus; mem and disk in MB):
        {"name": "mine", "policy": "drf",
         "totals": {"cpus": 10, "mem": 20480},
         "roles": "shared",
         "frameworks": [{"name": "A", "task": {"cpus": 3, "mem": 2048}},
                        {"name": "B", "task": {"cpus": 1, "mem": 5120}, "weight": 2}]}
        {"name": "mine", "policy": "maxmin", "capacity": 100, "demands": {"A": 35, "B": 10, "C": 25}}
      policy is drf (default) or maxmin. Frameworks are listed in registration order (first wins a tie in
      --pure). roles: "shared" (default: all in role *) or "per-framework" (each in a role named after
      it); a weight (default 1) is its role's weight, so weights need "per-framework".
      """;

  private static final Set<String> DRF_KEYS = Set.of("name", "description", "policy", "totals", "roles", "frameworks");
  private static final Set<String> MAX_MIN_KEYS = Set.of("name", "description", "policy", "capacity", "demands");
  private static final Set<String> FRAMEWORK_KEYS = Set.of("name", "task", "weight");

  private SimulateCommand() {
  }

  public static int run(String[] args, PrintStream out) {
    return run(args, out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String name = null;
    String file = null;
    boolean pure = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("help")) {
        out.print(USAGE);
        return 0;
      } else if (arg.equals("--pure")) {
        pure = true;
      } else if (arg.startsWith("--file=")) {
        file = arg.substring("--file=".length());
      } else if (arg.startsWith("-") || name != null) {
        err.println("vmesos simulate: unexpected argument '" + arg + "'\n" + USAGE);
        return 2;
      } else {
        name = arg;
      }
    }
    if (name != null && file != null) {
      err.println("vmesos simulate: give a scenario name or --file, not both");
      return 2;
    }
    if (name == null && file == null) {
      out.print(listing());
      return 0;
    }
    Scenario scenario;
    if (file != null) {
      try {
        scenario = read(Path.of(file));
      } catch (IllegalArgumentException e) {
        err.println("vmesos simulate: bad scenario file '" + file + "': " + e.getMessage());
        return 2;
      }
    } else {
      scenario = Scenarios.named(name).orElse(null);
      if (scenario == null) {
        err.println("vmesos simulate: unknown scenario '" + name + "'; built-in scenarios: "
            + Scenarios.all().stream().map(Scenario::name).collect(Collectors.joining(", ")));
        return 2;
      }
    }
    out.print(render(scenario, pure));
    return 0;
  }

  /** The scenario's tables, and for an allocator run, whether pure progressive filling agrees. */
  static String render(Scenario scenario, boolean pure) {
    if (scenario instanceof Scenario.MaxMin maxMin) {
      return FairnessTables.maxMin(maxMin, Fairness.maxMin(maxMin.capacity(), maxMin.users()));
    }
    Scenario.Drf drf = (Scenario.Drf) scenario;
    Filling reference = Fairness.progressiveFilling(drf.totals(), drf.frameworks());
    if (pure) {
      return FairnessTables.drf(drf, reference,
          "pure progressive filling (Fairness.progressiveFilling); equal shares go to the framework listed first");
    }
    Filling real = Simulation.run(drf);
    String roles = drf.rolePerFramework() ? "each in a role of its own name" : "all in role *";
    String table = FairnessTables.drf(drf, real, "offers by HierarchicalAllocator (drf sorters), frameworks " + roles
        + ", one agent with " + Units.mesosText(drf.totals()));
    String check = real.holdings().equals(reference.holdings())
        ? "check: pure progressive filling (--pure) ends with the same holdings"
        : "note: pure progressive filling (--pure) ends differently (" + tasks(reference)
            + "): it breaks ties between equal shares differently";
    return table + "\n" + check + "\n";
  }

  private static String tasks(Filling filling) {
    return filling.holdings().stream().map(h -> h.framework() + " " + h.tasks() + " tasks")
        .collect(Collectors.joining(", "));
  }

  private static String listing() {
    StringBuilder out = new StringBuilder("built-in scenarios (vmesos simulate <name>; --help for the options and"
        + " the scenario file format):\n");
    int width = Scenarios.all().stream().mapToInt(s -> s.name().length()).max().orElse(0);
    for (Scenario s : Scenarios.all()) {
      out.append("  ").append(s.name()).append(" ".repeat(width - s.name().length() + 2))
          .append(s.description()).append('\n');
    }
    return out.toString();
  }

  // ---- scenario files --------------------------------------------------------------------------

  /** Reads a scenario file; every problem becomes an IllegalArgumentException saying what is wrong. */
  static Scenario read(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it: " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      // Jackson's message goes on with a line about where it read from: keep the first line.
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new IllegalArgumentException("not a JSON object: " + message);
    }
    String fallbackName = path.getFileName().toString().replaceFirst("\\.json$", "");
    String name = string(json, "name", fallbackName);
    String policy = string(json, "policy", "drf");
    return switch (policy) {
      case "drf" -> drf(json, name);
      case "maxmin" -> maxMin(json, name);
      default -> throw new IllegalArgumentException("'policy' is '" + policy + "'; expected drf or maxmin");
    };
  }

  private static Scenario.Drf drf(JsonObject json, String name) {
    onlyKeys(json, DRF_KEYS, "a drf scenario");
    Map<String, Double> totals = amounts(json, "totals");
    String roles = string(json, "roles", "shared");
    if (!roles.equals("shared") && !roles.equals("per-framework")) {
      throw new IllegalArgumentException("'roles' is '" + roles + "'; expected shared or per-framework");
    }
    JsonArray array = value(json, "frameworks", JsonArray.class, "an array of frameworks");
    List<Framework> frameworks = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject f)) {
        throw new IllegalArgumentException("frameworks[" + i + "] must be an object");
      }
      onlyKeys(f, FRAMEWORK_KEYS, "frameworks[" + i + "]");
      String frameworkName = string(f, "name", null);
      if (frameworkName == null) {
        throw new IllegalArgumentException("frameworks[" + i + "] needs a \"name\"");
      }
      double weight = f.containsKey("weight") ? number(f.getValue("weight"), "the weight of " + frameworkName) : 1;
      frameworks.add(new Framework(frameworkName, amounts(f, "task"), weight));
    }
    List<Map<String, Double>> vectors = new ArrayList<>(List.of(totals));
    frameworks.forEach(f -> vectors.add(f.task()));
    Units units = Units.of(vectors);
    String description = string(json, "description", "DRF, " + units.amounts(totals) + "; " + frameworks.stream()
        .map(f -> f.name() + " needs <" + units.amounts(f.task()) + "> per task").collect(Collectors.joining(", ")));
    Scenario.Drf scenario = new Scenario.Drf(name, description, totals, frameworks, roles.equals("per-framework"));
    // Validates the resources against each other (a task needing what the cluster lacks, duplicates).
    Fairness.progressiveFilling(scenario.totals(), scenario.frameworks());
    return scenario;
  }

  private static Scenario.MaxMin maxMin(JsonObject json, String name) {
    onlyKeys(json, MAX_MIN_KEYS, "a maxmin scenario");
    if (!json.containsKey("capacity")) {
      throw new IllegalArgumentException("a maxmin scenario needs \"capacity\"");
    }
    double capacity = number(json.getValue("capacity"), "capacity");
    List<User> users = new ArrayList<>();
    amounts(json, "demands").forEach((user, demand) -> users.add(new User(user, demand)));
    String description = string(json, "description", "max-min fairness, capacity " + Units.number(capacity) + "; "
        + users.stream().map(u -> u.name() + " wants " + Units.number(u.demand())).collect(Collectors.joining(", ")));
    Scenario.MaxMin scenario = new Scenario.MaxMin(name, description, capacity, users);
    Fairness.maxMin(scenario.capacity(), scenario.users());
    return scenario;
  }

  /** An object of names to numbers, in file order. */
  private static Map<String, Double> amounts(JsonObject json, String key) {
    JsonObject object = value(json, key, JsonObject.class, "an object of names to amounts, like {\"cpus\": 1}");
    if (object.isEmpty()) {
      throw new IllegalArgumentException("'" + key + "' is empty");
    }
    Map<String, Double> amounts = new LinkedHashMap<>();
    for (String name : object.fieldNames()) {
      double amount = number(object.getValue(name), key + "." + name);
      if (amount < 0) {
        throw new IllegalArgumentException(key + "." + name + " is negative");
      }
      amounts.put(name, amount);
    }
    return amounts;
  }

  private static <T> T value(JsonObject json, String key, Class<T> type, String what) {
    Object value = json.getValue(key);
    if (value == null) {
      throw new IllegalArgumentException("missing '" + key + "': expected " + what);
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("'" + key + "' is " + value + ": expected " + what);
    }
    return type.cast(value);
  }

  private static String string(JsonObject json, String key, String fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return s;
  }

  private static double number(Object value, String what) {
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException(what + " must be a number, not " + value);
    }
    return n.doubleValue();
  }

  private static void onlyKeys(JsonObject json, Set<String> allowed, String what) {
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' in " + what + "; expected "
            + allowed.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
  }
}
