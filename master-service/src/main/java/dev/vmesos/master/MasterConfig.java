package dev.vmesos.master;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.resources.Resources;
import dev.vmesos.api.resources.ResourcesParser;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.Quota;
import dev.vmesos.master.allocator.Sorters;
import dev.vmesos.master.http.EventStreamLimit;
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
 * @param ha                  the registry's directory, the quorum of masters and how long agents have to
 *                            re-register with a new leader ({@code --work_dir}, {@code --quorum},
 *                            {@code --agent_reregister_timeout})
 * @param agentAuth           whether agents must authenticate on the agent bus, and their credentials
 *                            ({@code --authenticate_agents}, {@code --credentials})
 * @param maxEventStreamQueue bytes of events a scheduler or operator event stream may have queued unread
 *                            before the master drops its subscriber ({@code --max_event_stream_queue})
 * @param extensions          the vmesos extensions to the operator API: the share history
 *                            ({@code --share_history_interval}, {@code --share_history_capacity})
 */
public record MasterConfig(String ip, int port, String hostname, Duration heartbeatInterval,
                           Duration allocationInterval, Duration agentPingInterval, int maxAgentPingTimeouts,
                           Duration offerTimeout, AllocatorConfig allocator, Ha ha,
                           dev.vmesos.master.bridge.AgentAuth agentAuth, long maxEventStreamQueue,
                           Extensions extensions) {

  // --- vmesos extensions to the operator API (POST /api/v1/vmesos): the dominant-share history ---

  /**
   * The vmesos extensions' flags: how often the leading master samples every role's and framework's
   * dominant share ({@code --share_history_interval}) and how many samples it keeps
   * ({@code --share_history_capacity}); Mesos has neither.
   */
  public record Extensions(Duration shareHistoryInterval, int shareHistoryCapacity) {

    public static final Duration DEFAULT_SHARE_HISTORY_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_SHARE_HISTORY_CAPACITY = 600;
    /** Bounds of {@code --share_history_capacity}: a sample per second for a day at most. */
    static final int MAX_SHARE_HISTORY_CAPACITY = 86_400;
    static final Duration MIN_SHARE_HISTORY_INTERVAL = Duration.ofMillis(10);

    public Extensions {
      if (shareHistoryInterval == null || shareHistoryInterval.compareTo(MIN_SHARE_HISTORY_INTERVAL) < 0) {
        throw new FlagException("Flag '--share_history_interval' must be at least 10ms, got " + shareHistoryInterval);
      }
      if (shareHistoryCapacity < 1 || shareHistoryCapacity > MAX_SHARE_HISTORY_CAPACITY) {
        throw new FlagException("Flag '--share_history_capacity' must be from 1 to " + MAX_SHARE_HISTORY_CAPACITY
            + ", got " + shareHistoryCapacity);
      }
    }

    public static Extensions defaults() {
      return new Extensions(DEFAULT_SHARE_HISTORY_INTERVAL, DEFAULT_SHARE_HISTORY_CAPACITY);
    }

    static Extensions fromFlags(Flags flags) {
      return new Extensions(flags.duration("share_history_interval", DEFAULT_SHARE_HISTORY_INTERVAL),
          flags.integer("share_history_capacity", DEFAULT_SHARE_HISTORY_CAPACITY, 1, MAX_SHARE_HISTORY_CAPACITY));
    }

    static final FlagHelp HELP = FlagHelp.builder()
          .flag("share_history_interval", "DURATION", "1secs", "vmesos extension: how often the leading master"
              + " records every role's and framework's dominant share for GET_SHARES and SUBSCRIBE on"
              + " /api/v1/vmesos (at least 10ms).")
          .flag("share_history_capacity", "COUNT", DEFAULT_SHARE_HISTORY_CAPACITY, "vmesos extension: how many"
              + " share samples the master keeps (the oldest are dropped); from 1 to 86400.")
        .build();
  }

  public MasterConfig withExtensions(Extensions newExtensions) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator, ha, agentAuth, maxEventStreamQueue, newExtensions);
  }

  // --- end of the vmesos extensions' block ---

  /**
   * High availability: where this master keeps its copy of the registry, how many masters make a
   * quorum, and how long a new leader waits for the agents of the registry to re-register.
   *
   * @param workDir                 the registry's directory ({@code --work_dir}); null keeps it in memory
   *                                only (Mesos's {@code --registry=in_memory})
   * @param quorum                  masters that make a majority ({@code --quorum}); 1 is a single master
   * @param agentReregisterTimeout  after a failover, agents of the registry that have not re-registered
   *                                within this become unreachable ({@code --agent_reregister_timeout})
   */
  public record Ha(java.nio.file.Path workDir, int quorum, Duration agentReregisterTimeout) {

    public static final Duration DEFAULT_AGENT_REREGISTER_TIMEOUT = Duration.ofMinutes(10);

    public Ha {
      if (quorum < 1) {
        throw new FlagException("Flag '--quorum' must be at least 1, got " + quorum);
      }
      requirePositive("agent_reregister_timeout", agentReregisterTimeout);
    }

    /** One master, registry in memory. */
    public static Ha single() {
      return new Ha(null, 1, DEFAULT_AGENT_REREGISTER_TIMEOUT);
    }

    /** Masters in the Raft group: 2 × quorum − 1 (3 for a quorum of 2). */
    public int masters() {
      return 2 * quorum - 1;
    }

    public Ha withWorkDir(java.nio.file.Path dir) {
      return new Ha(dir, quorum, agentReregisterTimeout);
    }

    public Ha withQuorum(int newQuorum) {
      return new Ha(workDir, newQuorum, agentReregisterTimeout);
    }

    public Ha withAgentReregisterTimeout(Duration timeout) {
      return new Ha(workDir, quorum, timeout);
    }
  }

  // ---- Task and framework history (issue 14, PARITY): --max_completed_frameworks,
  // ---- --max_completed_tasks_per_framework.

  /**
   * How much history the master keeps in memory: removed frameworks and each framework's completed
   * tasks, the oldest dropped first. As in Mesos, the history is not in the registry: a new leader
   * starts without it.
   *
   * @param maxCompletedFrameworks        removed frameworks kept ({@code --max_completed_frameworks})
   * @param maxCompletedTasksPerFramework completed tasks kept per framework
   *                                      ({@code --max_completed_tasks_per_framework})
   */
  public record History(int maxCompletedFrameworks, int maxCompletedTasksPerFramework) {

    /** Mesos's defaults. */
    public static final int DEFAULT_MAX_COMPLETED_FRAMEWORKS = 50;
    public static final int DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK = 1000;
    /** Bounds: a million completed tasks per framework is already gigabytes of heap. */
    static final int MAX_COMPLETED = 1_000_000;

    public static final FlagHelp HELP = FlagHelp.builder()
        .flag("max_completed_frameworks", "COUNT", DEFAULT_MAX_COMPLETED_FRAMEWORKS, "Removed (torn-down or"
            + " failed-over) frameworks the master keeps for /state, /frameworks and GET_FRAMEWORKS; the oldest"
            + " is dropped first. In memory only, as in Mesos: a new leader starts with none. 0 to 1000000.")
        .flag("max_completed_tasks_per_framework", "COUNT", DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK,
            "Completed tasks (terminal and acknowledged, or ended with their framework) the master keeps per"
                + " framework for /state, /tasks and GET_TASKS; the oldest is dropped first. 0 to 1000000.")
        .build();

    public History {
      if (maxCompletedFrameworks < 0 || maxCompletedFrameworks > MAX_COMPLETED) {
        throw new FlagException("Flag '--max_completed_frameworks' must be from 0 to " + MAX_COMPLETED + ", got "
            + maxCompletedFrameworks);
      }
      if (maxCompletedTasksPerFramework < 0 || maxCompletedTasksPerFramework > MAX_COMPLETED) {
        throw new FlagException("Flag '--max_completed_tasks_per_framework' must be from 0 to " + MAX_COMPLETED
            + ", got " + maxCompletedTasksPerFramework);
      }
    }

    public static History defaults() {
      return new History(DEFAULT_MAX_COMPLETED_FRAMEWORKS, DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK);
    }

    public static History fromFlags(Flags flags) {
      return new History(
          flags.integer("max_completed_frameworks", DEFAULT_MAX_COMPLETED_FRAMEWORKS, 0, MAX_COMPLETED),
          flags.integer("max_completed_tasks_per_framework", DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK, 0,
              MAX_COMPLETED));
    }
  }

  /**
   * Mesos master flags that tune what vmesos does not have (ZooKeeper, the replicated log's timeouts,
   * glog's buffering): accepted, with one WARN line each saying they are ignored.
   */
  public static final List<String> IGNORED_MESOS_FLAGS = List.of("zk", "zk_session_timeout",
      "registry_store_timeout", "registry_fetch_timeout", "logbufsecs", "registry_strict",
      "registry_gc_interval", "initialize_driver_logging", "external_log_file");

  public static final int DEFAULT_PORT = 5050;
  /** Bounds of {@code --max_event_stream_queue}: below 64 KB a burst of offers would drop a reader that keeps up. */
  static final long MIN_EVENT_STREAM_QUEUE = 64L << 10;
  static final long MAX_EVENT_STREAM_QUEUE = 1L << 30;

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
      .flag("work_dir", "PATH", null, "Where this master keeps its copy of the registry (admitted agents,"
          + " frameworks, run-time weights and quotas), so that it survives a restart of every master."
          + " Unset: the registry is kept in memory only.")
      .flag("quorum", "COUNT", 1, "Masters that make a majority: 1 for a single master, 2 for three masters"
          + " (a leader is elected on Raft among 2 x quorum - 1 masters, listed in --cluster_members).")
      .flag("agent_reregister_timeout", "DURATION", "10mins", "After a leader failover, agents of the registry"
          + " that have not re-registered within this are marked unreachable.")
      .flag("authenticate_agents", "BOOL", false, "Agents must present one of --credentials to attach to the"
          + " agent bus (HTTP Basic on the WebSocket upgrade); without it, an agent may attach without one."
          + " Alias: --authenticate_slaves.")
      .flag("authenticate_slaves", "BOOL", false, "Mesos's older name of --authenticate_agents.")
      .flag("credentials", "PATH", null, "Credentials of agents (--authenticate_agents) and of HTTP clients"
          + " (--authenticate_http_*, HTTP Basic): JSON {\"credentials\": [{\"principal\": ...,"
          + " \"secret\": ...}]} or one 'principal secret' per line (Mesos's format; file:// allowed).")
      .flag("authenticators", "NAME", "crammd5", "Accepted for Mesos compatibility: agents always authenticate"
          + " with HTTP Basic over the agent bus.")
      .flag("max_event_stream_queue", "BYTES", "8MB", "Bytes of events a scheduler or operator event stream may"
          + " have queued unread (its subscriber reads too slowly, or not at all) before the master drops its"
          + " connection. The framework is then disconnected as when a connection breaks: it may re-subscribe"
          + " within its failover_timeout. Counted in master/event_stream_drops. Raise it above the largest"
          + " burst a subscriber gets at once (an OFFERS event for every agent: about 1KB per agent in JSON)."
          + " Units: B, KB, MB, GB (of 1024); from 64KB to 1GB.")
      .flag("zk", "URL", null, "Accepted for Mesos compatibility and ignored: vmesos elects its leader on Raft"
          + " among the masters (--quorum, --cluster_members), without ZooKeeper.")
      .flag("zk_session_timeout", "DURATION", null, "Accepted and ignored (no ZooKeeper).")
      .flag("registry_store_timeout", "DURATION", null, "Accepted and ignored (the registry is written in"
          + " batches on Raft).")
      .flag("registry_fetch_timeout", "DURATION", null, "Accepted and ignored.")
      .flag("registry_strict", "BOOL", null, "Accepted and ignored.")
      .flag("registry_gc_interval", "DURATION", null, "Accepted and ignored.")
      .flag("logbufsecs", "SECONDS", null, "Accepted and ignored.")
      .flag("initialize_driver_logging", "BOOL", null, "Accepted and ignored.")
      .flag("external_log_file", "PATH", null, "Accepted and ignored.")
      .build().plus(Extensions.HELP);

  public MasterConfig {
    requirePositive("heartbeat_interval", heartbeatInterval);
    requirePositive("allocation_interval", allocationInterval);
    requirePositive("agent_ping_interval", agentPingInterval);
    if (offerTimeout != null) {
      requirePositive("offer_timeout", offerTimeout);
    }
    java.util.Objects.requireNonNull(ha, "ha");
    java.util.Objects.requireNonNull(extensions, "extensions");
    if (maxEventStreamQueue < MIN_EVENT_STREAM_QUEUE || maxEventStreamQueue > MAX_EVENT_STREAM_QUEUE) {
      throw new FlagException("Flag '--max_event_stream_queue' must be from 64KB to 1GB, got " + maxEventStreamQueue
          + "B");
    }
  }

  /** Defaults for a master on loopback: the values Mesos uses. */
  public static MasterConfig defaults() {
    return new MasterConfig("127.0.0.1", DEFAULT_PORT, "127.0.0.1", Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(15), 5, null, AllocatorConfig.defaults(), Ha.single(),
        dev.vmesos.master.bridge.AgentAuth.none(), EventStreamLimit.DEFAULT_MAX_QUEUE_BYTES, Extensions.defaults());
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
        allocator,
        new Ha(flags.optional("work_dir").map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> java.nio.file.Path.of(v).toAbsolutePath().normalize()).orElse(null),
            flags.integer("quorum", 1, 1, 100),
            flags.duration("agent_reregister_timeout", Ha.DEFAULT_AGENT_REREGISTER_TIMEOUT)),
        agentAuth(flags),
        flags.bytes("max_event_stream_queue", EventStreamLimit.DEFAULT_MAX_QUEUE_BYTES, MIN_EVENT_STREAM_QUEUE,
            MAX_EVENT_STREAM_QUEUE),
        Extensions.fromFlags(flags));
  }

  private static dev.vmesos.master.bridge.AgentAuth agentAuth(Flags flags) {
    boolean required = flags.bool("authenticate_agents", flags.bool("authenticate_slaves", false));
    java.util.Optional<dev.vmesos.api.config.Credentials> credentials = flags.optional("credentials")
        .map(path -> dev.vmesos.api.config.Credentials.readList("credentials", path));
    flags.optional("authenticators").filter(name -> !name.equals("crammd5") && !name.equals("basic")).ifPresent(name -> {
      throw new FlagException("Flag '--authenticators': '" + name + "' is not supported; agents authenticate with"
          + " HTTP Basic on the agent bus");
    });
    return new dev.vmesos.master.bridge.AgentAuth(required, credentials);
  }

  /** The ignored Mesos flags given (read, so that they are not refused as unknown), by name. */
  public static List<String> ignoredFlagsGiven(Flags flags) {
    List<String> given = new ArrayList<>();
    for (String name : IGNORED_MESOS_FLAGS) {
      if (flags.optional(name).isPresent()) {
        given.add(name);
      }
    }
    return given;
  }

  public MasterConfig withPort(int newPort) {
    return new MasterConfig(ip, newPort, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator, ha, agentAuth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withMaxEventStreamQueue(long bytes) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator, ha, agentAuth, bytes, extensions);
  }

  public MasterConfig withHeartbeatInterval(Duration interval) {
    return new MasterConfig(ip, port, hostname, interval, allocationInterval, agentPingInterval, maxAgentPingTimeouts,
        offerTimeout, allocator, ha, agentAuth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withOfferTimeout(Duration timeout) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval, maxAgentPingTimeouts,
        timeout, allocator, ha, agentAuth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withAgentPing(Duration interval, int maxTimeouts) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, interval, maxTimeouts,
        offerTimeout, allocator, ha, agentAuth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withHa(Ha newHa) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator, newHa, agentAuth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withAgentAuth(dev.vmesos.master.bridge.AgentAuth auth) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, allocator, ha, auth, maxEventStreamQueue, extensions);
  }

  public MasterConfig withAllocator(AllocatorConfig newAllocator) {
    return new MasterConfig(ip, port, hostname, heartbeatInterval, allocationInterval, agentPingInterval,
        maxAgentPingTimeouts, offerTimeout, newAllocator, ha, agentAuth, maxEventStreamQueue, extensions);
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
