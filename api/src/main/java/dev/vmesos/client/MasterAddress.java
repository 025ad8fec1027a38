package dev.vmesos.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a framework first looks for the master: {@code host:port}, {@code http://host:port},
 * {@code https://host:port} or with a trailing {@code /}, as users type it. Only a starting point: the
 * leader is discovered from it through {@code GET /redirect}.
 *
 * @param tls whether it was given as {@code https://}: the master is reached over TLS
 */
public record MasterAddress(String host, int port, boolean tls) {

  /** A master reached over plain HTTP (unless the client is configured for TLS). */
  public MasterAddress(String host, int port) {
    this(host, port, false);
  }

  public static final int DEFAULT_PORT = 5050;

  public MasterAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the master's host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the master's port " + port + " is out of range [1, 65535]");
    }
  }

  /** Parses {@code host[:port]} or {@code http[s]://host[:port][/]}; the message says what is wrong. */
  public static MasterAddress parse(String text) {
    String value = text == null ? "" : text.trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("the master address is empty (expected host:port)");
    }
    if (value.startsWith("zk://")) {
      throw new IllegalArgumentException("'" + value + "': vmesos has no ZooKeeper: list the masters, e.g. "
          + "10.0.0.1:5050,10.0.0.2:5050");
    }
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + value + "' is not a master address (expected host:port)");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("'" + value + "': only http:// and https:// masters are supported");
    }
    if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("'" + value + "' is not a master address (expected host:port)");
    }
    return new MasterAddress(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
        "https".equals(uri.getScheme()));
  }

  /**
   * Parses a comma-separated list of masters ({@code host:port,host:port}, each as {@link #parse}
   * takes it): the standby masters of one cluster, any of which names the leader.
   */
  public static List<MasterAddress> parseList(String text) {
    String value = text == null ? "" : text.trim();
    if (value.startsWith("zk://") || value.startsWith("file://")) {
      throw new IllegalArgumentException("'" + value + "': vmesos has no ZooKeeper: list the masters, e.g. "
          + "10.0.0.1:5050,10.0.0.2:5050");
    }
    List<MasterAddress> masters = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (part.isBlank() && value.contains(",")) {
        throw new IllegalArgumentException("empty entry in '" + value + "' (expected host:port,host:port)");
      }
      MasterAddress master = parse(part);
      if (!masters.contains(master)) {
        masters.add(master);
      }
    }
    return List.copyOf(masters);
  }

  /**
   * The address in a {@code Location} header of a 307 from a master: protocol-relative
   * {@code //host:port[/path]} as Mesos writes it, or absolute with a scheme.
   */
  public static MasterAddress fromLocation(String location) {
    return fromLocation(location, false);
  }

  /**
   * As {@link #fromLocation(String)}, for a redirect from a master reached over TLS or not: a
   * protocol-relative location keeps that scheme, as a browser's would.
   */
  public static MasterAddress fromLocation(String location, boolean fromTls) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("307 without a Location header");
    }
    String value = location.startsWith("//") ? (fromTls ? "https:" : "http:") + location : location;
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("Location '" + location + "' names no host");
      }
      return new MasterAddress(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
          "https".equals(uri.getScheme()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Location '" + location + "' is not a URL");
    }
  }

  @Override
  public String toString() {
    return (tls ? "https://" : "") + host + ":" + port;
  }
}
