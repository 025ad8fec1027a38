package dev.vmesos.master.security;

import dev.vmesos.api.security.HttpBasic;
import java.util.Set;

/**
 * The master's endpoints by Mesos's authentication realm: which flag decides whether a request must
 * authenticate, and which realm its 401 names. The classes are Mesos's master's: the scheduler API
 * is the framework realm, the operator API and everything that changes state read-write, the state
 * and metrics endpoints read-only; {@code /health}, {@code /redirect} and {@code /version} are open,
 * as in Mesos. The agent bus authenticates agents itself ({@code --authenticate_agents}).
 */
public enum EndpointKind {
  SCHEDULER(HttpBasic.SCHEDULER_REALM),
  READWRITE(HttpBasic.READWRITE_REALM),
  READONLY(HttpBasic.READONLY_REALM),
  OPEN(null);

  private static final Set<String> READ_WRITE_PATHS = Set.of("/api/v1", "/teardown", "/kill_task", "/reserve", "/unreserve",
      "/quota", "/weights", "/maintenance/schedule", "/machine/down", "/machine/up", "/create-volumes",
      "/destroy-volumes", "/logging/toggle");
  private static final Set<String> READ_ONLY_PATHS = Set.of("/state", "/state.json", "/state-summary", "/flags",
      "/frameworks", "/slaves", "/tasks", "/roles", "/maintenance/status", "/metrics/snapshot",
      "/metrics", "/files/read", "/files/read.json", "/files/download", "/files/browse", "/files/browse.json");

  private final String realm;

  EndpointKind(String realm) {
    this.realm = realm;
  }

  /** The realm a 401 names ({@code WWW-Authenticate: Basic realm="..."}). */
  public String realm() {
    return realm;
  }

  /** The class of {@code path}, served unprefixed or under {@code /master} as Mesos serves it. */
  public static EndpointKind of(String path) {
    String p = path;
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("/master/")) {
      p = p.substring("/master".length());
    }
    if (p.equals("/api/v1/scheduler")) {
      return SCHEDULER;
    }
    if (p.equals("/api/v1/vmesos")) {
      return READWRITE;  // the vmesos extensions: the operator API's realm
    }
    if (READ_WRITE_PATHS.contains(p)) {
      return READWRITE;
    }
    if (READ_ONLY_PATHS.contains(p) || isWebUi(p)) {
      return READONLY;
    }
    return OPEN;
  }

  /**
   * The web UI ({@code /}, {@code /static/...}) and its relay to agents ({@code /agents/<id>/files/...}, {@code /agents/<id>/state}):
   * read-only, as the state they show (a browser asks for Basic credentials when the realm requires them).
   */
  private static boolean isWebUi(String path) {
    return path.equals("/") || path.startsWith("/static/")
        || path.startsWith("/agents/");
  }
}
