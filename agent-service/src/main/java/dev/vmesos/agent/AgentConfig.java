package dev.vmesos.agent;

import dev.vmesos.agent.docker.DockerOptions;
import dev.vmesos.agent.resources.HostResources;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.resources.Resources;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The agent's configuration, read once from Mesos-style flags (or {@code MESOS_*} environment
 * variables) and validated; a bad value stops start-up with a {@link FlagException} naming the flag.
 *
 * @param masters                     the masters' {@code host:port}s ({@code --master}, comma-separated,
 *                                    default {@code 127.0.0.1:5050}), never empty; agents reach the
 *                                    leader over the clustered event bus, so these hosts are where
 *                                    {@code main} joins
 * @param resources                   the resources the agent offers ({@code --resources}), with
 *                                    cpus, mem, disk and ports filled in from the host when absent
 * @param workDir                     root of the sandboxes ({@code --work_dir}); created at start
 * @param ip                          the address the HTTP server binds to ({@code --ip})
 * @param port                        the HTTP port ({@code --port}, 5051; 0 picks a free port)
 * @param hostname                    the name reported to the master ({@code --hostname}; default
 *                                    the ip)
 * @param registrationBackoffInitial  first wait before retrying a failed (re)registration
 *                                    ({@code --registration_backoff_factor}, 500ms); doubles
 * @param registrationBackoffMax      cap of that wait ({@code --registration_backoff_max}, 2secs)
 * @param masterRequestTimeout        how long a request to the master may wait for its reply
 *                                    ({@code --master_request_timeout}, 5secs)
 * @param statusUpdateRetryMin        first wait before resending an unacknowledged status update
 *                                    ({@code --status_update_retry_interval_min}, 10secs); doubles
 * @param statusUpdateRetryMax        cap of that wait ({@code --status_update_retry_interval_max},
 *                                    10mins)
 * @param defaultKillGracePeriod      SIGTERM-to-SIGKILL wait for tasks without a kill policy
 *                                    ({@code --default_kill_grace_period}, 3secs)
 * @param isolation                   process isolation ({@code --isolation}, {@code --cgroups_root})
 * @param executorRegistrationTimeout how long a custom executor may take to subscribe before it is
 *                                    killed and its tasks fail
 *                                    ({@code --executor_registration_timeout}, 1mins as Mesos)
 * @param containerizers              the containerizers, in the order a launch tries them
 *                                    ({@code --containerizers}: {@code mesos}, {@code docker}, or
 *                                    both comma-separated; {@code mesos} by default, as Mesos)
 * @param dockerSocket                the Docker engine's Unix socket ({@code --docker_socket},
 *                                    {@code /var/run/docker.sock})
 * @param executorReregistrationTimeout how long a restarted agent waits for a recovered custom
 *                                    executor to subscribe again before it kills it
 *                                    ({@code --executor_reregistration_timeout}, 2secs as Mesos)
 * @param recoveryTimeout             how long a checkpointing framework's executors keep trying to
 *                                    reach a restarted agent ({@code --recovery_timeout}, 15mins as
 *                                    Mesos; given to them as {@code MESOS_RECOVERY_TIMEOUT})
 * @param credential                  the principal and secret the agent attaches to the masters' agent
 *                                    bus with ({@code --credential}, Mesos's file format); none: attach
 *                                    without one
 * @param attributes                  the agent's attributes ({@code --attributes}, Mesos's syntax
 *                                    {@code rack:r1;level:10;keys:[1-5];disks:{ssd,hdd}}), shown in
 *                                    its AgentInfo, offers and {@code /state}; none by default
 * @param gc                          when finished sandboxes are deleted ({@code --gc_delay},
 *                                    {@code --disk_watch_interval}, {@code --gc_disk_headroom})
 * @param dockerPullTimeout           how long a Docker image pull may take in all
 *                                    ({@code --docker_pull_timeout}, 10mins)
 * @param fetch                       the fetcher's cache and timeout ({@code --fetcher_cache_dir},
 *                                    {@code --fetcher_cache_size})
 * @param dockerHealthCheckInterval   how often the Docker engine is asked whether it answers, and how
 *                                    long it has to ({@code --docker_health_check_interval}, 5secs)
 * @param registryAuths               registry credentials for image pulls ({@code --docker_config}: a
 *                                    Docker config's JSON, or the absolute path of one); none by default
 * @param security                    executor authentication and task users
 *                                    ({@code --authenticate_http_executors}, {@code --jwt_secret_key},
 *                                    {@code --switch_user})
 */
public record AgentConfig(
    List<HostPort> masters,
    Resources resources,
    Path workDir,
    String ip,
    int port,
    String hostname,
    Duration registrationBackoffInitial,
    Duration registrationBackoffMax,
    Duration masterRequestTimeout,
    Duration statusUpdateRetryMin,
    Duration statusUpdateRetryMax,
    Duration defaultKillGracePeriod,
    Isolation isolation,
    Duration executorRegistrationTimeout,
    List<String> containerizers,
    String dockerSocket,
    Duration executorReregistrationTimeout,
    Duration recoveryTimeout,
    java.util.Optional<dev.vmesos.api.config.Credentials.Credential> credential,
    List<dev.vmesos.api.v1.Protos.Attribute> attributes,
    Gc gc,
    Duration dockerPullTimeout,
    Fetch fetch,
    Duration dockerHealthCheckInterval,
    dev.vmesos.agent.docker.RegistryAuths registryAuths,
    AgentSecurity security) {

  public static final String MESOS_CONTAINERIZER = "mesos";
  public static final String DOCKER_CONTAINERIZER = "docker";

  /** The first master of {@code --master}: where a single-master setup's master runs. */
  public HostPort master() {
    return masters.get(0);
  }


  /** Whether {@code --containerizers} names docker. */
  public boolean dockerEnabled() {
    return containerizers.contains(DOCKER_CONTAINERIZER);
  }

  /**
   * How the agent isolates processes ({@code --isolation}, Mesos's names: {@code cgroups/cpu,cgroups/mem}
   * by default here, {@code posix/cpu,posix/mem} for none) and under which cgroup
   * ({@code --cgroups_root}, default {@code vmesos}).
   */
  public record Isolation(boolean cgroups, String cgroupsRoot) {

    public static final String CGROUPS = "cgroups/cpu,cgroups/mem";
    public static final String POSIX = "posix/cpu,posix/mem";

    static Isolation fromFlags(Flags flags) {
      String value = flags.string("isolation", CGROUPS).trim();
      java.util.Set<String> parts = new java.util.LinkedHashSet<>();
      for (String part : value.split(",")) {
        String name = part.trim();
        if (!java.util.Set.of("cgroups/cpu", "cgroups/mem", "posix/cpu", "posix/mem").contains(name)) {
          throw new FlagException("Flag '--isolation': unknown isolator '" + name + "' (known: " + CGROUPS
              + ", " + POSIX + ")");
        }
        parts.add(name);
      }
      boolean cgroups = parts.stream().anyMatch(p -> p.startsWith("cgroups/"));
      if (cgroups && parts.stream().anyMatch(p -> p.startsWith("posix/"))) {
        throw new FlagException("Flag '--isolation': mix of cgroups and posix isolators in '" + value + "'");
      }
      String root = flags.string("cgroups_root", dev.vmesos.agent.cgroups.CgroupsOptions.DEFAULT_ROOT).trim();
      dev.vmesos.agent.cgroups.CgroupsOptions.validateRoot(root).ifPresent(problem -> {
        throw new FlagException("Flag '--cgroups_root': " + problem);
      });
      return new Isolation(cgroups, root);
    }
  }

  /**
   * Sandbox garbage collection, with Mesos's flags and defaults: a finished sandbox is deleted
   * {@code --gc_delay} (1weeks) after its run ended, sooner as the disk fills (checked every
   * {@code --disk_watch_interval}, 1mins), keeping {@code --gc_disk_headroom} (0.1) of it free.
   */
  public record Gc(Duration delay, Duration diskWatchInterval, double diskHeadroom) {

    public static final Gc DEFAULT = new Gc(Duration.ofDays(7), Duration.ofMinutes(1), 0.1);

    static Gc fromFlags(Flags flags) {
      Duration delay = flags.duration("gc_delay", DEFAULT.delay());
      if (delay.isNegative()) {
        throw new FlagException("Flag '--gc_delay': must not be negative, got " + delay);
      }
      Duration watch = positive(flags, "disk_watch_interval", DEFAULT.diskWatchInterval());
      double headroom = flags.optional("gc_disk_headroom").map(text -> {
        try {
          return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new FlagException("Flag '--gc_disk_headroom': '" + text + "' is not a number");
        }
      }).orElse(DEFAULT.diskHeadroom());
      if (!(headroom >= 0 && headroom <= 1)) {
        throw new FlagException("Flag '--gc_disk_headroom': must be between 0 and 1, got " + headroom);
      }
      return new Gc(delay, watch, headroom);
    }
  }

  /**
   * The fetcher: URIs marked {@code cache} are kept under {@code --fetcher_cache_dir} (default
   * {@code <work_dir>/fetch}, so agents sharing a host keep apart), at most {@code --fetcher_cache_size}
   * (2GB) of them; one URI may take {@code timeout} (5 minutes) to download or extract.
   */
  public record Fetch(Path cacheDir, long cacheSize, Duration timeout) {

    static Fetch fromFlags(Flags flags, Path workDir) {
      Path dir = flags.optional("fetcher_cache_dir").map(value -> {
        try {
          Path path = Path.of(value.trim());
          if (!path.isAbsolute()) {
            throw new FlagException("Flag '--fetcher_cache_dir': '" + value + "' is not an absolute path");
          }
          return path;
        } catch (InvalidPathException e) {
          throw new FlagException("Flag '--fetcher_cache_dir': '" + value + "' is not a path: " + e.getMessage(), e);
        }
      }).orElse(workDir.resolve("fetch"));
      long size = flags.bytes("fetcher_cache_size", 2L * 1024 * 1024 * 1024, 0, Long.MAX_VALUE);
      return new Fetch(dir, size, Duration.ofMinutes(5));
    }
  }

  /** A {@code host:port} pair. */
  public record HostPort(String host, int port) {

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public static final String DEFAULT_MASTER = "127.0.0.1:5050";
  /**
   * Short: while no master leads, registration retries are cheap (no handler is a local answer),
   * and an agent should find a new leader within seconds even if it missed its announcement.
   */
  public static final Duration DEFAULT_REGISTRATION_BACKOFF_MAX = Duration.ofSeconds(2);
  public static final String DEFAULT_WORK_DIR = "/tmp/vmesos-agent";
  public static final int DEFAULT_PORT = 5051;
  public static final String DEFAULT_IP = "127.0.0.1";

  /** What {@code vmesos agent --help} says about the agent's flags. */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("master", "HOST:PORT,...", DEFAULT_MASTER,
          "The masters' HTTP addresses, comma-separated. The agent attaches to one of them over a WebSocket"
              + " (the agent bus; it needs no cluster port of its own), which relays it to the leader. No zk://.")
      .flag("credential", "PATH", null, "The agent's credential for the masters' --authenticate_agents: JSON"
          + " {\"principal\": ..., \"secret\": ...} or one line 'principal secret' (Mesos's format).")
      .flag("work_dir", "PATH", DEFAULT_WORK_DIR,
          "Sandboxes, checkpointed status updates and container records; restart on the same one to recover.")
      .flag("resources", "RESOURCES", "detected from the host",
          "What the agent offers, in Mesos syntax: cpus:4;mem:8192;disk:10240;ports:[31000-32000];cpus(web):2.")
      .flag("attributes", "ATTRIBUTES", null, "Attributes frameworks place tasks by, in Mesos syntax:"
          + " rack:r1;zone:z1;level:10;keys:[1000-1500];disks:{ssd,hdd} (text, scalar, ranges, set).")
      .flag("gc_delay", "DURATION", "1weeks", "How long a finished task's or executor's sandbox is kept"
          + " before it is deleted; less as the disk fills (Mesos's rule).")
      .flag("disk_watch_interval", "DURATION", "1mins", "How often the disk is checked for sandboxes to delete.")
      .flag("gc_disk_headroom", "FRACTION", "0.1", "Share of the disk kept free: a sandbox is deleted after"
          + " gc_delay × max(0, 1 − headroom − disk usage).")
      .flag("ip", "IP", DEFAULT_IP, "IPv4 address the agent's HTTP API (executor API, /state, /files) listens on.")
      .flag("port", "PORT", DEFAULT_PORT, "Port of the agent's HTTP API.")
      .flag("hostname", "NAME", "the --ip", "Host name the agent reports to the master.")
      .flag("registration_backoff_factor", "DURATION", "500ms",
          "First wait before retrying registration; it doubles up to --registration_backoff_max.")
      .flag("registration_backoff_max", "DURATION", "2secs",
          "Longest wait between registration attempts (short, so that a new leader is found within seconds).")
      .flag("master_request_timeout", "DURATION", "5secs", "How long a request to the master may take.")
      .flag("status_update_retry_interval_min", "DURATION", "10secs",
          "First wait before resending an unacknowledged status update; it doubles up to the max.")
      .flag("status_update_retry_interval_max", "DURATION", "10mins",
          "Longest wait between resends of an unacknowledged status update.")
      .flag("default_kill_grace_period", "DURATION", "3secs",
          "Between SIGTERM (or docker stop) and SIGKILL when a task has no kill policy.")
      .flag("isolation", "ISOLATORS", Isolation.CGROUPS,
          "cgroups/cpu,cgroups/mem enforce cpus and mem through cgroups; posix/cpu,posix/mem do not.")
      .flag("cgroups_root", "NAME", dev.vmesos.agent.cgroups.CgroupsOptions.DEFAULT_ROOT,
          "The cgroup, in each controller's hierarchy, that holds every container's cgroup. An agent"
              + " destroys container cgroups under it that it did not start: agents sharing a host need"
              + " distinct roots.")
      .flag("executor_registration_timeout", "DURATION", "1mins",
          "A custom executor that has not subscribed by then is shut down and its tasks fail.")
      .flag("containerizers", "mesos,docker", MESOS_CONTAINERIZER,
          "Containerizers in order of preference: mesos runs processes, docker runs DOCKER containers.")
      .flag("docker_socket", "PATH", DockerOptions.DEFAULT_SOCKET, "The Docker engine's Unix socket.")
      .flag("docker_health_check_interval", "DURATION", "5secs", "How often the Docker engine must answer a ping"
          + " (within the same time); while it does not, the agent is unhealthy and fails Docker launches.")
      .flag("docker_config", "JSON|PATH", null, "Registry credentials for image pulls: a Docker config"
          + " (~/.docker/config.json) as JSON, or its absolute path.")
      .flag("fetcher_cache_dir", "PATH", "<work_dir>/fetch", "Where URIs marked 'cache' are kept between tasks.")
      .flag("fetcher_cache_size", "BYTES", "2GB", "The fetcher cache's size; least recently used files go first.")
      .flag("docker_pull_timeout", "DURATION", "10mins", "How long pulling a missing (or force_pull_image) image"
          + " may take before the launch fails.")
      .flag("executor_reregistration_timeout", "DURATION", "2secs",
          "After a restart, how long recovered executors have to subscribe again.")
      .flag("recovery_timeout", "DURATION", "15mins",
          "How long executors of checkpointing frameworks keep trying to reach a restarted agent"
              + " (MESOS_RECOVERY_TIMEOUT in their environment).")
      .flag("authenticate_http_executors", "BOOL", "false", "Executors must send their own token"
          + " (Authorization: Bearer, from MESOS_EXECUTOR_AUTHENTICATION_TOKEN) on every executor API call; needs"
          + " --jwt_secret_key.")
      .flag("jwt_secret_key", "PATH", null, "File whose bytes are the HMAC key of the executors' tokens (HS256"
          + " JWTs naming framework, executor and container).")
      .flag("executor_secret_key", "PATH", null, "Mesos's former name of --jwt_secret_key.")
      .flag("switch_user", "BOOL", "true", "Run each command task and process executor as its CommandInfo.user,"
          + " else its FrameworkInfo.user (needs root; a user the host does not have loses the task). false: run"
          + " them as the agent's user.")
      .flag("authenticate_http_readonly", "BOOL", "false", "/state, /flags, /files/*, /metrics/snapshot, /containers"
          + " and /monitor/statistics need HTTP Basic credentials from --http_credentials (401 otherwise).")
      .flag("authenticate_http_readwrite", "BOOL", "false", "The operator API (/api/v1) needs HTTP Basic credentials"
          + " from --http_credentials.")
      .flag("http_credentials", "PATH", null, "Principals and secrets for HTTP Basic, in Mesos's credentials format:"
          + " JSON {\"credentials\": [{\"principal\": ..., \"secret\": ...}]} or 'principal secret' lines.")
      .flag("acls", "JSON|PATH", null, "Mesos's ACLs (the JSON, or a file with it). The agent checks"
          + " access_sandboxes: who may read an executor's sandbox through /files, by the executor's user.")
      .build();

  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern HOSTNAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");

  public AgentConfig {
    containerizers = List.copyOf(containerizers);
    masters = List.copyOf(masters);
    attributes = List.copyOf(attributes);
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("masters must not be empty");
    }
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(hostname, "hostname");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    requirePositive(registrationBackoffInitial, "registrationBackoffInitial");
    requireAtLeast(registrationBackoffMax, registrationBackoffInitial, "registrationBackoffMax");
    requirePositive(masterRequestTimeout, "masterRequestTimeout");
    requirePositive(statusUpdateRetryMin, "statusUpdateRetryMin");
    requireAtLeast(statusUpdateRetryMax, statusUpdateRetryMin, "statusUpdateRetryMax");
    Objects.requireNonNull(defaultKillGracePeriod, "defaultKillGracePeriod");
    Objects.requireNonNull(isolation, "isolation");
    requirePositive(executorRegistrationTimeout, "executorRegistrationTimeout");
    Objects.requireNonNull(security, "security");
  }

  /**
   * Reads and validates every agent flag. The caller should call {@link Flags#rejectUnknown()}
   * afterwards (after reading its own flags, if any).
   *
   * @throws FlagException naming the first flag that is malformed or out of range
   */
  public static AgentConfig fromFlags(Flags flags) {
    List<HostPort> masters = parseMasters(flags.string("master", DEFAULT_MASTER));
    Path workDir = parseWorkDir(flags.string("work_dir", DEFAULT_WORK_DIR));
    Resources resources = parseResources(flags.optional("resources").orElse(null), workDir);
    String ip = flags.string("ip", DEFAULT_IP).trim();
    if (!IPV4.matcher(ip).matches()) {
      throw new FlagException("Flag '--ip': '" + ip + "' is not an IPv4 address");
    }
    int port = flags.integer("port", DEFAULT_PORT, 0, 65535);
    String hostname = flags.string("hostname", ip).trim();
    if (!HOSTNAME.matcher(hostname).matches()) {
      throw new FlagException("Flag '--hostname': '" + hostname + "' is not a valid host name");
    }
    Duration backoffInitial = positive(flags, "registration_backoff_factor", Duration.ofMillis(500));
    Duration backoffMax = positive(flags, "registration_backoff_max", DEFAULT_REGISTRATION_BACKOFF_MAX);
    atLeast(backoffMax, "registration_backoff_max", backoffInitial, "registration_backoff_factor");
    Duration requestTimeout = positive(flags, "master_request_timeout", Duration.ofSeconds(5));
    Duration retryMin = positive(flags, "status_update_retry_interval_min", Duration.ofSeconds(10));
    Duration retryMax = positive(flags, "status_update_retry_interval_max", Duration.ofMinutes(10));
    atLeast(retryMax, "status_update_retry_interval_max", retryMin, "status_update_retry_interval_min");
    Duration killGrace = flags.duration("default_kill_grace_period", Duration.ofSeconds(3));
    Isolation isolation = Isolation.fromFlags(flags);
    Duration executorRegistrationTimeout = positive(flags, "executor_registration_timeout", Duration.ofMinutes(1));
    List<String> containerizers = parseContainerizers(flags.string("containerizers", MESOS_CONTAINERIZER));
    String dockerSocket = flags.string("docker_socket", DockerOptions.DEFAULT_SOCKET).trim();
    if (!dockerSocket.startsWith("/")) {
      throw new FlagException("Flag '--docker_socket': '" + dockerSocket + "' is not an absolute path");
    }
    Duration reregistrationTimeout = positive(flags, "executor_reregistration_timeout", Duration.ofSeconds(2));
    Duration recoveryTimeout = positive(flags, "recovery_timeout", Duration.ofMinutes(15));
    return new AgentConfig(masters, resources, workDir, ip, port, hostname, backoffInitial, backoffMax,
        requestTimeout, retryMin, retryMax, killGrace, isolation, executorRegistrationTimeout, containerizers,
        dockerSocket, reregistrationTimeout, recoveryTimeout,
        flags.optional("credential").map(path -> dev.vmesos.api.config.Credentials.readOne("credential", path)),
        parseAttributes(flags.optional("attributes").orElse("")),
        Gc.fromFlags(flags),
        positive(flags, "docker_pull_timeout", DockerOptions.DEFAULT_PULL_TIMEOUT),
        Fetch.fromFlags(flags, workDir),
        positive(flags, "docker_health_check_interval", Duration.ofSeconds(5)),
        flags.optional("docker_config").map(AgentConfig::parseDockerConfig)
            .orElse(dev.vmesos.agent.docker.RegistryAuths.none()),
        AgentSecurity.fromFlags(flags));
  }

  /** {@code --docker_config}, as Mesos takes it: a Docker config's JSON, or the absolute path of one. */
  static dev.vmesos.agent.docker.RegistryAuths parseDockerConfig(String value) {
    String text = value.trim();
    if (!text.startsWith("{")) {
      Path path;
      try {
        path = Path.of(text);
      } catch (InvalidPathException e) {
        throw new FlagException("Flag '--docker_config': '" + value + "' is neither JSON nor a path");
      }
      if (!path.isAbsolute()) {
        throw new FlagException("Flag '--docker_config': '" + value + "' is neither JSON nor an absolute path");
      }
      try {
        text = java.nio.file.Files.readString(path);
      } catch (java.io.IOException e) {
        throw new FlagException("Flag '--docker_config': cannot read " + path + ": " + e.getMessage(), e);
      }
    }
    try {
      return dev.vmesos.agent.docker.RegistryAuths.parse(text);
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--docker_config': " + e.getMessage(), e);
    }
  }

  static List<dev.vmesos.api.v1.Protos.Attribute> parseAttributes(String value) {
    try {
      return dev.vmesos.api.resources.AttributesParser.parse(value);
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--attributes': " + e.getMessage(), e);
    }
  }

  static List<String> parseContainerizers(String value) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (!name.equals(MESOS_CONTAINERIZER) && !name.equals(DOCKER_CONTAINERIZER)) {
        throw new FlagException("Flag '--containerizers': unknown containerizer '" + name
            + "' (known: docker, mesos)");
      }
      if (!names.add(name)) {
        throw new FlagException("Flag '--containerizers': '" + name + "' is named twice");
      }
    }
    return List.copyOf(names);
  }

  /**
   * Parses {@code --master}: one {@code host:port} or several, comma-separated (standby masters).
   * Mesos's {@code zk://} and {@code file://} forms are refused with what to write instead.
   */
  static List<HostPort> parseMasters(String value) {
    String text = value.trim();
    if (text.startsWith("zk://") || text.startsWith("file://")) {
      throw new FlagException("Flag '--master': '" + text + "': vmesos has no ZooKeeper: list the masters, e.g. "
          + "--master=10.0.0.1:5050,10.0.0.2:5050");
    }
    LinkedHashSet<HostPort> masters = new LinkedHashSet<>();
    for (String part : text.split(",", -1)) {
      if (part.isBlank()) {
        throw new FlagException("Flag '--master': empty entry in '" + value + "' (e.g. 10.0.0.1:5050,10.0.0.2:5050)");
      }
      HostPort master = parseMaster(part);
      if (!masters.add(master)) {
        throw new FlagException("Flag '--master': " + master + " is listed twice");
      }
    }
    return List.copyOf(masters);
  }

  static HostPort parseMaster(String value) {
    String text = value.trim();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new FlagException("Flag '--master': '" + value + "' is not host:port (e.g. 10.0.0.1:5050)");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new FlagException("Flag '--master': '" + value + "': write an IPv6 address as [addr]:port");
    }
    if (host.isEmpty() || (!host.contains(":") && !HOSTNAME.matcher(host).matches())) {
      throw new FlagException("Flag '--master': '" + host + "' is not a valid host in '" + value + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new FlagException("Flag '--master': '" + text.substring(colon + 1) + "' is not a port in '" + value + "'");
    }
    if (port < 1 || port > 65535) {
      throw new FlagException("Flag '--master': port " + port + " is out of range [1, 65535]");
    }
    return new HostPort(host, port);
  }

  private static Path parseWorkDir(String value) {
    try {
      Path path = Path.of(value.trim());
      if (!path.isAbsolute()) {
        throw new FlagException("Flag '--work_dir': '" + value + "' is not an absolute path");
      }
      return path.normalize();
    } catch (InvalidPathException e) {
      throw new FlagException("Flag '--work_dir': '" + value + "' is not a path: " + e.getMessage(), e);
    }
  }

  private static Resources parseResources(String text, Path workDir) {
    Resources configured = Resources.empty();
    if (text != null) {
      try {
        configured = Resources.parse(text);
      } catch (IllegalArgumentException e) {
        throw new FlagException("Flag '--resources': " + e.getMessage(), e);
      }
    }
    return HostResources.fillIn(configured, HostResources.detect(workDir));
  }

  private static Duration positive(Flags flags, String name, Duration defaultValue) {
    Duration value = flags.duration(name, defaultValue);
    if (value.isZero() || value.isNegative()) {
      throw new FlagException("Flag '--" + name + "': must be positive, got " + value);
    }
    return value;
  }

  private static void atLeast(Duration value, String name, Duration floor, String floorName) {
    if (value.compareTo(floor) < 0) {
      throw new FlagException("Flag '--" + name + "': " + value + " is below --" + floorName + " " + floor);
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void requireAtLeast(Duration value, Duration floor, String name) {
    if (value == null || value.compareTo(floor) < 0) {
      throw new IllegalArgumentException(name + " must be at least " + floor + ": " + value);
    }
  }
}
