package dev.vmesos.client;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a framework first looks for the master: {@code host:port}, {@code http://host:port} or
 * {@code http://host:port/} as users type it. Only a starting point: the leader is discovered from it
 * through {@code GET /redirect}.
 */
public record MasterAddress(String host, int port) {

  public static final int DEFAULT_PORT = 5050;

  public MasterAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the master's host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the master's port " + port + " is out of range [1, 65535]");
    }
  }

  /** Parses {@code host[:port]} or {@code http://host[:port][/]}; the message says what is wrong. */
  public static MasterAddress parse(String text) {
    String value = text == null ? "" : text.trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("the master address is empty (expected host:port)");
    }
    if (value.startsWith("zk://")) {
      throw new IllegalArgumentException("'" + value + "': ZooKeeper master detection is not supported; give host:port");
    }
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + value + "' is not a master address (expected host:port)");
    }
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("'" + value + "': only http:// masters are supported");
    }
    if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("'" + value + "' is not a master address (expected host:port)");
    }
    return new MasterAddress(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort());
  }

  /**
   * The address in a {@code Location} header of a 307 from a master: protocol-relative
   * {@code //host:port[/path]} as Mesos writes it, or absolute with a scheme.
   */
  public static MasterAddress fromLocation(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("307 without a Location header");
    }
    String value = location.startsWith("//") ? "http:" + location : location;
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("Location '" + location + "' names no host");
      }
      return new MasterAddress(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Location '" + location + "' is not a URL");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
