package dev.vmesos.master.operator;

import dev.vmesos.api.http.HttpLimits;
import dev.vmesos.master.MasterConfig;
import dev.vmesos.master.security.MasterSecurity;
import dev.vmesos.master.allocator.AllocatorConfig;
import dev.vmesos.master.allocator.Quota;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The master's effective flags as Mesos reports them ({@code /flags}, {@code /state},
 * {@code GET_FLAGS}): sorted by name, every value a string in the flag's own syntax, durations as
 * stout prints them ({@code "15secs"}, {@code "1.5mins"}). Unset optional flags are left out.
 */
final class MasterFlags {

  private MasterFlags() {
  }

  static SortedMap<String, String> of(MasterConfig config) {
    SortedMap<String, String> flags = new TreeMap<>();
    flags.put("ip", config.ip());
    flags.put("port", Integer.toString(config.port()));
    flags.put("hostname", config.hostname());
    flags.put("heartbeat_interval", duration(config.heartbeatInterval()));
    flags.put("allocation_interval", duration(config.allocationInterval()));
    flags.put("agent_ping_interval", duration(config.agentPingInterval()));
    flags.put("max_event_stream_queue", bytes(config.maxEventStreamQueue()));
    // vmesos extensions (Mesos has no such flags)
    flags.put("share_history_interval", duration(config.extensions().shareHistoryInterval()));
    flags.put("share_history_capacity", Integer.toString(config.extensions().shareHistoryCapacity()));
    if (config.offerTimeout() != null) {
      flags.put("offer_timeout", duration(config.offerTimeout()));
    }
    AllocatorConfig allocator = config.allocator();
    flags.put("role_sorter", allocator.roleSorter());
    flags.put("framework_sorter", allocator.frameworkSorter());
    if (!allocator.weights().isEmpty()) {
      List<String> weights = new ArrayList<>();
      new TreeMap<>(allocator.weights()).forEach((role, weight) -> weights.add(role + "=" + number(weight)));
      flags.put("weights", String.join(",", weights));
    }
    List<String> alternatives = new ArrayList<>();
    for (Map<String, Double> alternative : allocator.minAllocatable()) {
      alternatives.add(quantities(alternative));
    }
    flags.put("min_allocatable_resources", String.join("|", alternatives));
    if (!allocator.quotas().isEmpty()) {
      JsonObject quotas = new JsonObject();
      new TreeMap<>(allocator.quotas()).forEach((role, quota) -> quotas.put(role, quotaJson(quota)));
      flags.put("quota", quotas.encode());
    }
    flags.put("max_agent_ping_timeouts", Integer.toString(config.maxAgentPingTimeouts()));
    MasterConfig.Ha ha = config.ha();
    if (ha.workDir() != null) {
      flags.put("work_dir", ha.workDir().toString());
    }
    flags.put("quorum", Integer.toString(ha.quorum()));
    flags.put("agent_reregister_timeout", duration(ha.agentReregisterTimeout()));
    flags.put("authenticate_agents", Boolean.toString(config.agentAuth().required()));
    // Logging flags are the process's (--log_dir, --logging_level): what is in force.
    flags.putAll(dev.vmesos.api.logging.Logging.flags());
    return flags;
  }

  /**
   * Every flag the master was started with: {@code given} (the values of the flags set on its command
   * line or environment, as given, e.g. {@code --credentials}, {@code --acls}, the cluster flags), then
   * the effective value of each flag the master reads, defaults included, in Mesos's syntax.
   */
  static SortedMap<String, String> of(MasterConfig config, MasterSecurity security, HttpLimits limits,
                                      MasterConfig.History history, Map<String, String> given) {
    SortedMap<String, String> flags = new TreeMap<>(given);
    flags.putAll(of(config));
    flags.put("authenticate_http_frameworks", Boolean.toString(security.frameworks()));
    flags.put("authenticate_http_readwrite", Boolean.toString(security.readwrite()));
    flags.put("authenticate_http_readonly", Boolean.toString(security.readonly()));
    flags.putIfAbsent("http_authenticators", "basic");
    flags.putIfAbsent("http_framework_authenticators", "basic");
    flags.put("http_header_timeout", duration(limits.headerTimeout()));
    flags.put("http_idle_timeout", duration(limits.idleTimeout()));
    flags.put("http_max_body_size", bytes(limits.maxBodyBytes()));
    flags.put("max_completed_frameworks", Integer.toString(history.maxCompletedFrameworks()));
    flags.put("max_completed_tasks_per_framework", Integer.toString(history.maxCompletedTasksPerFramework()));
    return flags;
  }

  private static JsonObject quotaJson(Quota quota) {
    JsonObject json = new JsonObject();
    if (!quota.guarantees().isEmpty()) {
      json.put("guarantees", quantities(quota.guarantees()));
    }
    if (!quota.limits().isEmpty()) {
      json.put("limits", quantities(quota.limits()));
    }
    return json;
  }

  /** {@code cpus:0.01;mem:32}, names sorted. */
  private static String quantities(Map<String, Double> quantities) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(quantities).forEach((name, value) -> parts.add(name + ":" + number(value)));
    return String.join(";", parts);
  }

  /** stout's Duration output: the largest unit below the value, with no trailing zeros. */
  static String duration(Duration duration) {
    long nanos = duration.toNanos();
    String[] units = {"ns", "us", "ms", "secs", "mins", "hrs", "days", "weeks"};
    long[] sizes = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L,
        86_400_000_000_000L, 604_800_000_000_000L};
    int unit = 0;
    while (unit + 1 < sizes.length && Math.abs(nanos) >= sizes[unit + 1]) {
      unit++;
    }
    return number((double) nanos / sizes[unit]) + units[unit];
  }

  /** stout's Bytes output: the largest unit of 1024 that loses nothing ({@code 8MB}, {@code 1536KB}, {@code 100B}). */
  static String bytes(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int unit = 0;
    long value = bytes;
    while (unit + 1 < units.length && value != 0 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + units[unit];
  }

  /** A number without a trailing {@code .0}: {@code 32}, {@code 0.01}, {@code 2.5}. */
  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
