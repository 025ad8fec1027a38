package dev.vmesos.master;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.allocator.Sorters;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's validated configuration, built once at start-up from Mesos-named flags.
 *
 * @param ip                  address the HTTP API binds to and advertises ({@code --ip})
 * @param port                HTTP port ({@code --port}, Mesos default 5050)
 * @param hostname            name advertised in MasterInfo and offers ({@code --hostname})
 * @param heartbeatInterval   interval of HEARTBEAT events to schedulers ({@code --heartbeat_interval})
 * @param allocationInterval  batch allocation period ({@code --allocation_interval})
 * @param agentPingInterval   how often agents ping the master ({@code --agent_ping_interval})
 * @param maxAgentPingTimeouts pings an agent may miss in a row before it is unreachable
 *                            ({@code --max_agent_ping_timeouts}, Mesos default 5)
 * @param offerTimeout        unanswered offers are rescinded after this; null: never ({@code --offer_timeout})
 * @param allocator           sorters, weights, minimum allocatable resources and quotas
 *                            ({@code --role_sorter}, {@code --framework_sorter}, {@code --weights},
 *                            {@code --min_allocatable_resources}, {@code --quota})
 */
public record MasterConfig(String ip, int port, String hostname, Duration heartbeatInterval,
                           Duration allocationInterval, Duration agentPingInterval, int maxAgentPingTimeouts,
                           Duration offerTimeout, AllocatorConfig allocator) {

  public static final int DEFAULT_PORT = 5050;

  /** What {@code vmesos master --help} says about the master's own flags (the cluster flags are added to it). */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("ip", "IP", "127.0.0.1", "IPv4 address the HTTP API listens on.")
      .flag("port", "PORT", DEFAULT_PORT, "Port the HTTP API listens on (schedulers, operators, /redirect).")
      .flag("hostname", "NAME", "the --ip", "Host name the master advertises in MasterInfo and Offer.url.")
      .flag("heartbeat_interval", "DURATION", "15secs",
          "Interval between HEARTBEAT events on every scheduler and operator stream.")
      .flag("allocation_interval", "DURATION", "1secs",
          "Interval between batch allocations; events such as an added agent or a REVIVE also trigger one.")
      .flag("agent_ping_interval", "DURATION", "15secs", "How often the master pings each agent.")
      .flag("max_agent_ping_timeouts", "COUNT", 5,
          "Unanswered pings after which an agent is unreachable: its offers are rescinded and its tasks"
              + " reported TASK_UNREACHABLE (PARTITION_AWARE frameworks) or TASK_LOST.")
      .flag("offer_timeout", "DURATION", null, "Offers outstanding this long are rescinded; unset: never.")
      .flag("role_sorter", "drf|random|maxmin:<resource>", "drf",
          "How roles are ordered for offers: weighted Dominant Resource Fairness, weighted random, or"
              + " max-min fairness on one named resource.")
      .flag("framework_sorter", "drf|random|maxmin:<resource>", "drf",
          "How frameworks within a role are ordered for offers (as --role_sorter).")
      .flag("weights", "role=weight,...", null,
          "Role weights, e.g. web=2,batch=0.5; a role's share is divided by its weight. Unlisted roles weigh 1.")
      .flag("min_allocatable_resources", "RESOURCES|...", "cpus:0.01|mem:32",
          "Alternatives separated by '|': an agent's free resources are offered only when they contain"
              + " at least one of them.")
      .flag("quota", "JSON", null, "Per-role guarantees and limits, e.g."
          + " {\"web\":{\"guarantees\":\"cpus:4;mem:4096\",\"limits\":\"cpus:8\"}}.")
      .build();

  public MasterConfig {
    requirePositive("heartbeat_interval", heartbeatInterval);
    requirePositive("allocation_interval", allocationInterval);
    requirePositive("agent_ping_interval", agentPingInterval);
    if (offerTimeout != null) {
      requirePositive("offer_timeout", offerTimeout);
    }
  }

  /** Defaults for a master on loopback: the values Mesos uses. */
  public static MasterConfig defaults() {
    return new MasterConfig("127.0.0.1", DEFAULT_PORT, "127.0.0.1", Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(15), 5, null, AllocatorConfig.defaults());
  }

  public static MasterConfig fromFlags(Flags flags) {
    String ip = flags.string("ip", "127.0.0.1");
    try {
      InetAddress address = InetAddress.getByName(ip);
      if (!address.getHostAddress().equals(ip) || address.getAddress().length != 4) {
        throw new FlagException("Flag '--ip': '" + ip + "' is not an IPv4 address");
      }
    } catch (UnknownHostException e) {
      throw new FlagException("Flag '--ip': '" + ip + "' is not an IPv4 address");
    }
    String roleSorter = sorter(flags, "role_sorter");
    String frameworkSorter = sorter(flags, "framework_sorter");
    AllocatorConfig allocator = new AllocatorConfig(roleSorter, frameworkSorter,
        weights(flags.optional("weights").orElse("")),
        minAllocatable(flags.optional("min_allocatable_resources").orElse(null)),
        quotas(flags.optional("quota").orElse(null)));
    return new MasterConfig(
        ip,
        flags.integer("port", DEFAULT_PORT, 0, 65535),
        flags.string("hostname", ip),
        flags.duration("heartbeat_interval", Duration.ofSeconds(15)),
        flags.duration("allocation_interval", Duration.ofSeconds(1)),
        flags.duration("agent_ping_interval", Duration.ofSeconds(15)),
        flags.integer("max_agent_ping_timeouts", 5, 1, 1000),
        flags.duration("offer_timeout", null),
        allocator);
  }

  public MasterConfig withPort(int newPort) {
    return new MasterConfig(ip, newPort, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator);
  }

  public MasterConfig withHeartbeatInterval(Duration interval) {
    return new MasterConfig(ip, port, hostname, interval, allocationInterval, agentPingInterval, maxAgentPingTimeouts,
        offerTimeout, allocator);
  }

  public MasterConfig withOfferTimeout(Duration timeout) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval, maxAgentPingTimeouts,
        timeout, allocator);
  }

  public MasterConfig withAgentPing(Duration interval, int maxTimeouts) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, interval, maxTimeouts,
        offerTimeout, allocator);
  }

  public MasterConfig withAllocator(AllocatorConfig newAllocator) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, newAllocator);
  }

  private static String sorter(Flags flags, String flag) {
    String value = flags.string(flag, "drf");
    try {
      Sorters.validate(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--" + flag + "': " + e.getMessage());
    }
  }

  /** Mesos's {@code --weights}: {@code role1=2,role2=3.5}. */
  static Map<String, Double> weights(String text) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split("=", -1);
      try {
        if (parts.length != 2 || parts[0].isBlank()) {
          throw new NumberFormatException();
        }
        double weight = Double.parseDouble(parts[1].trim());
        if (!(weight > 0) || Double.isInfinite(weight)) {
          throw new FlagException("Flag '--weights': the weight of '" + parts[0].trim() + "' must be positive");
        }
        weights.put(parts[0].trim(), weight);
      } catch (NumberFormatException e) {
        throw new FlagException("Flag '--weights': '" + entry.trim() + "' is not role=weight");
      }
    }
    return weights;
  }

  /** Mesos's {@code --min_allocatable_resources}: alternatives separated by '|', e.g. {@code cpus:0.01|mem:32}. */
  static List<Map<String, Double>> minAllocatable(String text) {
    if (text == null) {
      return AllocatorConfig.DEFAULT_MIN_ALLOCATABLE;
    }
    List<Map<String, Double>> alternatives = new ArrayList<>();
    for (String alternative : text.split("\\|")) {
      try {
        Resources resources = ResourcesParser.parse(alternative);
        if (resources.scalars().isEmpty()) {
          throw new FlagException("Flag '--min_allocatable_resources': '" + alternative + "' names no scalar resource");
        }
        alternatives.add(resources.scalars());
      } catch (IllegalArgumentException e) {
        throw new FlagException("Flag '--min_allocatable_resources': " + e.getMessage());
      }
    }
    return alternatives;
  }

  /**
   * {@code --quota}: a JSON object of roles, each with {@code guarantees} and/or {@code limits} in
   * the resource text syntax, e.g. {@code {"web":{"guarantees":"cpus:4;mem:4096","limits":"cpus:8"}}}.
   */
  static Map<String, Quota> quotas(String json) {
    if (json == null) {
      return Map.of();
    }
    Map<String, Quota> quotas = new LinkedHashMap<>();
    try {
      JsonObject roles = new JsonObject(json);
      for (String role : roles.fieldNames()) {
        JsonObject quota = roles.getJsonObject(role);
        quotas.put(role, new Quota(
            scalars(quota.getString("guarantees", "")),
            scalars(quota.getString("limits", ""))));
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new FlagException("Flag '--quota': " + e.getMessage()
          + " (expected {\"role\":{\"guarantees\":\"cpus:4;mem:1024\",\"limits\":\"cpus:8\"}})");
    }
    return quotas;
  }

  private static Map<String, Double> scalars(String text) {
    return text.isBlank() ? Map.of() : ResourcesParser.parse(text).scalars();
  }

  private static void requirePositive(String flag, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new FlagException("Flag '--" + flag + "' must be a positive duration, got " + value);
    }
  }
}
