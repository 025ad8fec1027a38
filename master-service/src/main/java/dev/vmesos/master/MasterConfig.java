package dev.vmesos.master;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The master's validated configuration, built once at start-up from Mesos-named flags.
 *
 * @param ip                  address the HTTP API binds to and advertises ({@code --ip})
 * @param port                HTTP port ({@code --port}, Mesos default 5050)
 * @param hostname            name advertised in MasterInfo and offers ({@code --hostname})
 * @param heartbeatInterval   interval of HEARTBEAT events to schedulers ({@code --heartbeat_interval})
 * @param allocationInterval  batch allocation period ({@code --allocation_interval})
 * @param agentPingInterval   how often agents ping the master ({@code --agent_ping_interval})
 */
public record MasterConfig(String ip, int port, String hostname, Duration heartbeatInterval,
                           Duration allocationInterval, Duration agentPingInterval) {

  public static final int DEFAULT_PORT = 5050;

  public MasterConfig {
    requirePositive("heartbeat_interval", heartbeatInterval);
    requirePositive("allocation_interval", allocationInterval);
    requirePositive("agent_ping_interval", agentPingInterval);
  }

  /** Defaults for a master on loopback: the values Mesos uses. */
  public static MasterConfig defaults() {
    return new MasterConfig("127.0.0.1", DEFAULT_PORT, "127.0.0.1", Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(15));
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
    return new MasterConfig(
        ip,
        flags.integer("port", DEFAULT_PORT, 0, 65535),
        flags.string("hostname", ip),
        flags.duration("heartbeat_interval", Duration.ofSeconds(15)),
        flags.duration("allocation_interval", Duration.ofSeconds(1)),
        flags.duration("agent_ping_interval", Duration.ofSeconds(15)));
  }

  public MasterConfig withPort(int newPort) {
    return new MasterConfig(ip, newPort, hostname, heartbeatInterval, allocationInterval, agentPingInterval);
  }

  public MasterConfig withHeartbeatInterval(Duration interval) {
    return new MasterConfig(ip, port, hostname, interval, allocationInterval, agentPingInterval);
  }

  private static void requirePositive(String flag, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new FlagException("Flag '--" + flag + "' must be a positive duration, got " + value);
    }
  }
}
