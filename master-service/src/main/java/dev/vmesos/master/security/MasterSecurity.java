package dev.vmesos.master.security;

import dev.vmesos.api.config.Credentials;
import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import dev.vmesos.api.security.Acls;
import java.util.Optional;

/**
 * Who must authenticate on the master's HTTP endpoints, with which credentials, and the ACLs that
 * decide what an authenticated (or anonymous) principal may do, from Mesos's flags:
 * {@code --authenticate_http_frameworks} (and {@code --authenticate_frameworks}, see
 * {@link #fromFlags}), {@code --authenticate_http_readwrite}, {@code --authenticate_http_readonly},
 * {@code --credentials} and {@code --acls}.
 *
 * @param frameworks  the scheduler API ({@code /api/v1/scheduler}) needs HTTP Basic
 * @param readwrite   the read-write endpoints ({@code /api/v1}, {@code /teardown} ...) need it
 * @param readonly    the read-only endpoints ({@code /state}, {@code /metrics/snapshot} ...) need it
 * @param credentials the principals and secrets ({@code --credentials}); needed by any of the above
 * @param acls        {@code --acls}; {@link Acls#none()} when not given
 */
public record MasterSecurity(boolean frameworks, boolean readwrite, boolean readonly,
                             Optional<Credentials> credentials, Acls acls) {

  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("authenticate_http_frameworks", "BOOL", false, "Schedulers must authenticate with HTTP Basic"
          + " (one of --credentials) on /api/v1/scheduler; FrameworkInfo.principal must then be the"
          + " authenticated principal. Unauthenticated requests get 401 with WWW-Authenticate.")
      .flag("authenticate_frameworks", "BOOL", false, "Same as --authenticate_http_frameworks: vmesos has only"
          + " HTTP schedulers, so Mesos's flag for driver-based frameworks turns on the same check.")
      .flag("authenticate_http_readwrite", "BOOL", false, "HTTP Basic on the read-write endpoints: /api/v1 (the"
          + " operator API), /teardown, /reserve, /unreserve, /quota, /weights, /maintenance/schedule,"
          + " /machine/down, /machine/up, /create-volumes, /destroy-volumes.")
      .flag("authenticate_http_readonly", "BOOL", false, "HTTP Basic on the read-only endpoints: /state,"
          + " /state.json, /state-summary, /flags, /frameworks, /slaves, /tasks, /roles, /maintenance/status,"
          + " /metrics/snapshot, and the web UI (/, /static/, /agents/<agent_id>/files/, /agents/<agent_id>/state).")
      .flag("http_authenticators", "NAME", "basic", "Accepted for Mesos compatibility: only 'basic'.")
      .flag("http_framework_authenticators", "NAME", "basic", "Accepted for Mesos compatibility: only 'basic'.")
      .flag("acls", "JSON|PATH", null, "Mesos's ACLs, as JSON or a path to it (file:// allowed):"
          + " {\"permissive\": BOOL, \"<action>\": [{\"principals\": ENTITY, \"<object>\": ENTITY}, ...]} where"
          + " ENTITY is {\"values\": [...]} or {\"type\": \"ANY\"|\"NONE\"}. Checked: register_frameworks (roles),"
          + " run_tasks (users), teardown_frameworks (framework_principals), reserve_resources (roles),"
          + " unreserve_resources (reserver_principals), update_weights (roles), update_quotas (roles),"
          + " view_frameworks / view_tasks / view_executors (users), access_sandboxes (users), get_endpoints"
          + " (paths). Other Mesos actions are accepted and ignored with a warning.")
      .build();

  public MasterSecurity {
    if (credentials.isEmpty()) {
      for (String flag : new String[] {frameworks ? "authenticate_http_frameworks" : null,
          readwrite ? "authenticate_http_readwrite" : null, readonly ? "authenticate_http_readonly" : null}) {
        if (flag != null) {
          throw new FlagException("Flag '--" + flag + "' needs '--credentials': the principals and secrets to"
              + " check HTTP Basic against");
        }
      }
    }
  }

  /** No authentication and no ACLs: as Mesos with none of these flags. */
  public static MasterSecurity none() {
    return new MasterSecurity(false, false, false, Optional.empty(), Acls.none());
  }

  /**
   * Reads the flags. vmesos has only HTTP schedulers, so Mesos's {@code --authenticate_frameworks}
   * (for driver-based frameworks) and {@code --authenticate_http_frameworks} both require
   * schedulers to authenticate: either one set to true turns it on, so that an operator's existing
   * flags for either kind of framework do not leave the scheduler API open.
   *
   * @param credentials the master's {@code --credentials}, already read for {@code --authenticate_agents}
   */
  public static MasterSecurity fromFlags(Flags flags, Optional<Credentials> credentials) {
    boolean http = flags.bool("authenticate_http_frameworks", false);
    boolean driver = flags.bool("authenticate_frameworks", false);
    boolean readwrite = flags.bool("authenticate_http_readwrite", false);
    boolean readonly = flags.bool("authenticate_http_readonly", false);
    for (String flag : new String[] {"http_authenticators", "http_framework_authenticators"}) {
      flags.optional(flag).filter(name -> !name.strip().equals("basic")).ifPresent(name -> {
        throw new FlagException("Flag '--" + flag + "': '" + name + "' is not supported; vmesos authenticates"
            + " HTTP with 'basic'");
      });
    }
    Acls acls = flags.optional("acls").map(value -> Acls.parse("acls", value)).orElse(Acls.none());
    if (credentials.isEmpty() && driver && !http) {
      throw new FlagException("Flag '--authenticate_frameworks' needs '--credentials': the principals and secrets"
          + " to check HTTP Basic against");
    }
    return new MasterSecurity(http || driver, readwrite, readonly, credentials, acls);
  }

  /** Whether requests of {@code kind} must authenticate. */
  public boolean required(EndpointKind kind) {
    return switch (kind) {
      case SCHEDULER -> frameworks;
      case READWRITE -> readwrite;
      case READONLY -> readonly;
      case OPEN -> false;
    };
  }
}
