package dev.vmesos.agent.api;

import dev.vmesos.agent.AgentConfig;
import dev.vmesos.api.v1.Protos.Attribute;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The agent's effective flags as Mesos reports them ({@code /flags}, {@code GET_FLAGS}): sorted by
 * name, every value a string in the flag's own syntax, durations as stout prints them
 * ({@code "10secs"}, {@code "15mins"}, {@code "500ms"}). The credential is left out: it is a secret.
 */
public final class AgentFlags {

  private AgentFlags() {
  }

  public static SortedMap<String, String> of(AgentConfig config) {
    SortedMap<String, String> flags = new TreeMap<>();
    flags.put("master", config.masters().stream().map(Object::toString).collect(Collectors.joining(",")));
    flags.put("work_dir", config.workDir().toString());
    flags.put("resources", config.resources().toString());
    flags.put("ip", config.ip());
    flags.put("port", Integer.toString(config.port()));
    flags.put("hostname", config.hostname());
    flags.put("registration_backoff_factor", duration(config.registrationBackoffInitial()));
    flags.put("registration_backoff_max", duration(config.registrationBackoffMax()));
    flags.put("master_request_timeout", duration(config.masterRequestTimeout()));
    flags.put("status_update_retry_interval_min", duration(config.statusUpdateRetryMin()));
    flags.put("status_update_retry_interval_max", duration(config.statusUpdateRetryMax()));
    flags.put("default_kill_grace_period", duration(config.defaultKillGracePeriod()));
    flags.put("isolation", config.isolation().cgroups() ? AgentConfig.Isolation.CGROUPS : AgentConfig.Isolation.POSIX);
    flags.put("cgroups_root", config.isolation().cgroupsRoot());
    flags.put("executor_registration_timeout", duration(config.executorRegistrationTimeout()));
    flags.put("containerizers", String.join(",", config.containerizers()));
    flags.put("docker_socket", config.dockerSocket());
    flags.put("docker_pull_timeout", duration(config.dockerPullTimeout()));
    flags.put("fetcher_cache_dir", config.fetch().cacheDir().toString());
    flags.put("fetcher_cache_size", config.fetch().cacheSize() + "B");
    flags.put("executor_reregistration_timeout", duration(config.executorReregistrationTimeout()));
    flags.put("recovery_timeout", duration(config.recoveryTimeout()));
    flags.put("gc_delay", duration(config.gc().delay()));
    flags.put("disk_watch_interval", duration(config.gc().diskWatchInterval()));
    flags.put("gc_disk_headroom", number(config.gc().diskHeadroom()));
    flags.put("authenticate_http_executors", Boolean.toString(config.security().authenticateHttpExecutors()));
    flags.put("switch_user", Boolean.toString(config.security().switchUser()));
    flags.put("authenticate_http_readonly", Boolean.toString(config.security().authenticateHttpReadonly()));
    flags.put("authenticate_http_readwrite", Boolean.toString(config.security().authenticateHttpReadwrite()));
    if (!config.attributes().isEmpty()) {
      flags.put("attributes", attributes(config.attributes()));
    }
    // Logging flags are the process's (--log_dir, --logging_level): what is in force.
    flags.putAll(dev.vmesos.api.logging.Logging.flags());
    return flags;
  }

  /** Mesos's text form of attributes, which {@code --attributes} reads back. */
  static String attributes(List<Attribute> attributes) {
    return attributes.stream().map(a -> a.getName() + ":" + switch (a.getType()) {
      case SCALAR -> number(a.getScalar().getValue());
      case RANGES -> a.getRanges().getRangeList().stream().map(r -> r.getBegin() + "-" + r.getEnd())
          .collect(Collectors.joining(",", "[", "]"));
      case SET -> "{" + String.join(",", a.getSet().getItemList()) + "}";
      default -> a.getText().getValue();
    }).collect(Collectors.joining(";"));
  }

  /** As stout prints a Duration: the largest unit in which it is at least 1. */
  static String duration(Duration duration) {
    long nanos = duration.toNanos();
    long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
    String[] units = {"days", "hrs", "mins", "secs", "ms", "us"};
    for (int i = 0; i < sizes.length; i++) {
      if (Math.abs(nanos) >= sizes[i]) {
        return number(BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(sizes[i])).doubleValue()) + units[i];
      }
    }
    return nanos + "ns";
  }

  private static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
