package dev.vmesos.cluster;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a vmesos process joins the Hazelcast-clustered event bus. Loopback by default: Hazelcast binds
 * to {@code host} only, joins by TCP/IP member list (never multicast) and never phones home; other
 * hosts are reached only when {@code --cluster_members} names them, or, inside Kubernetes, when
 * {@code --cluster_discovery=kubernetes} asks Hazelcast to find the pods behind a service.
 *
 * @param host       interface Hazelcast and the event bus bind to and advertise ({@code --cluster_host})
 * @param port       first Hazelcast port to try ({@code --cluster_port}, auto-incremented when taken)
 * @param members    Hazelcast members to join by TCP/IP ({@code --cluster_members}, comma-separated
 *                   host[:port]); unused with Kubernetes discovery
 * @param name       cluster name; processes with different names never join ({@code --cluster_name})
 * @param kubernetes Kubernetes discovery instead of the member list, if asked for
 */
public record ClusterConfig(String host, int port, List<String> members, String name,
    Optional<Kubernetes> kubernetes) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final String DEFAULT_NAME = "vmesos";

  /** What {@code --help} says about the cluster flags, which the master and the agent both take. */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("cluster_host", "IP", DEFAULT_HOST,
          "IPv4 address Hazelcast and the clustered event bus bind to and advertise.")
      .flag("cluster_port", "PORT", DEFAULT_PORT, "Hazelcast's port (the next free one is taken if it is busy).")
      .flag("cluster_members", "HOST[:PORT],...", "the masters' hosts (agents) or 127.0.0.1 (master)",
          "Hazelcast TCP/IP members to join. Multicast is never used.")
      .flag("cluster_name", "NAME", DEFAULT_NAME, "Cluster name; processes with different names never join.")
      .flag("cluster_discovery", "tcp|kubernetes", "tcp",
          "How members find each other: the --cluster_members list, or the endpoints of a Kubernetes service.")
      .flag("cluster_kubernetes_service", "NAME", null,
          "With --cluster_discovery=kubernetes: the (headless) service whose ready endpoints are the members.")
      .flag("cluster_kubernetes_namespace", "NAME", "the pod's namespace",
          "With --cluster_discovery=kubernetes: the service's namespace.")
      .build();

  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /**
   * Hazelcast's Kubernetes discovery: the members are the ready endpoints of a (headless) service,
   * read from the Kubernetes API with the pod's service account.
   *
   * @param serviceName {@code --cluster_kubernetes_service}
   * @param namespace   {@code --cluster_kubernetes_namespace}; empty for the pod's own namespace
   */
  public record Kubernetes(String serviceName, Optional<String> namespace) {

    public Kubernetes {
      Objects.requireNonNull(serviceName, "serviceName");
      Objects.requireNonNull(namespace, "namespace");
    }
  }

  public ClusterConfig {
    members = List.copyOf(members);
    Objects.requireNonNull(kubernetes, "kubernetes");
    if (members.isEmpty() && kubernetes.isEmpty()) {
      throw new FlagException("Flag '--cluster_members' must name at least one member");
    }
  }

  public ClusterConfig(String host, int port, List<String> members, String name) {
    this(host, port, members, name, Optional.empty());
  }

  public static ClusterConfig loopback(String name) {
    return new ClusterConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(DEFAULT_HOST), name);
  }

  /** Reads the cluster flags; without {@code --cluster_members} the given default member is joined. */
  public static ClusterConfig fromFlags(Flags flags, String defaultMember) {
    return fromFlags(flags, List.of(defaultMember));
  }

  /**
   * Reads the cluster flags; without {@code --cluster_members} the given default members are joined
   * (an agent's: the hosts of every master it lists).
   */
  public static ClusterConfig fromFlags(Flags flags, List<String> defaultMembers) {
    String host = flags.string("cluster_host", DEFAULT_HOST).trim();
    if (!IPV4.matcher(host).matches()) {
      throw new FlagException("Flag '--cluster_host': '" + host + "' is not an IPv4 address");
    }
    int port = flags.integer("cluster_port", DEFAULT_PORT, 1, 65535);
    List<String> members = flags.optional("cluster_members")
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(defaultMembers);
    String name = flags.string("cluster_name", DEFAULT_NAME);
    String discovery = flags.string("cluster_discovery", "tcp").trim();
    Optional<Kubernetes> kubernetes = switch (discovery) {
      case "tcp" -> Optional.empty();
      case "kubernetes" -> Optional.of(new Kubernetes(
          flags.optional("cluster_kubernetes_service").map(String::trim).filter(s -> !s.isEmpty())
              .orElseThrow(() -> new FlagException(
                  "Flag '--cluster_kubernetes_service' is required with --cluster_discovery=kubernetes")),
          flags.optional("cluster_kubernetes_namespace").map(String::trim).filter(s -> !s.isEmpty())));
      default -> throw new FlagException("Flag '--cluster_discovery': '" + discovery
          + "' is neither 'tcp' nor 'kubernetes'");
    };
    return new ClusterConfig(host, port, kubernetes.isPresent() ? List.of() : members, name, kubernetes);
  }
}
