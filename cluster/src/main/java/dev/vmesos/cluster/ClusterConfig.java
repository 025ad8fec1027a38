package dev.vmesos.cluster;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import java.util.Arrays;
import java.util.List;

/**
 * How a vmesos process joins the Hazelcast-clustered event bus. Loopback by default: Hazelcast binds
 * to {@code host} only, joins by TCP/IP member list (never multicast) and never phones home; other
 * hosts are reached only when {@code --cluster_members} names them.
 *
 * @param host      interface Hazelcast and the event bus bind to and advertise ({@code --cluster_host})
 * @param port      first Hazelcast port to try ({@code --cluster_port}, auto-incremented when taken)
 * @param members   Hazelcast members to join ({@code --cluster_members}, comma-separated host[:port])
 * @param name      cluster name; processes with different names never join ({@code --cluster_name})
 */
public record ClusterConfig(String host, int port, List<String> members, String name) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final String DEFAULT_NAME = "vmesos";

  public ClusterConfig {
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new FlagException("Flag '--cluster_members' must name at least one member");
    }
  }

  public static ClusterConfig loopback(String name) {
    return new ClusterConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(DEFAULT_HOST), name);
  }

  /** Reads the cluster flags; without {@code --cluster_members} the given default member is joined. */
  public static ClusterConfig fromFlags(Flags flags, String defaultMember) {
    String host = flags.string("cluster_host", DEFAULT_HOST);
    int port = flags.integer("cluster_port", DEFAULT_PORT, 1, 65535);
    List<String> members = flags.optional("cluster_members")
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of(defaultMember));
    String name = flags.string("cluster_name", DEFAULT_NAME);
    return new ClusterConfig(host, port, members, name);
  }
}
