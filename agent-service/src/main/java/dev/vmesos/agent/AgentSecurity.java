package dev.vmesos.agent;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's security flags, with Mesos's names and defaults.
 *
 * @param authenticateHttpExecutors {@code --authenticate_http_executors} (false): the executor API
 *                                  takes only calls carrying the executor's own token
 * @param jwtSecretKey              the bytes of the file named by {@code --jwt_secret_key} (Mesos's
 *                                  deprecated name {@code --executor_secret_key} is read too): the
 *                                  HMAC key of the executors' tokens; with it every executor gets a
 *                                  token, whether or not the API requires one (as Mesos)
 * @param switchUser                {@code --switch_user} (true): tasks and executors run as their
 *                                  command's user, else their framework's
 * @param authenticateHttpReadonly  {@code --authenticate_http_readonly} (false): the read-only
 *                                  endpoints ({@code /state}, {@code /flags}, {@code /files/*},
 *                                  {@code /metrics/snapshot}, {@code /containers},
 *                                  {@code /monitor/statistics}) need HTTP Basic credentials
 * @param authenticateHttpReadwrite {@code --authenticate_http_readwrite} (false): so does the
 *                                  operator API ({@code /api/v1})
 * @param httpCredentials           {@code --http_credentials}: the principals and secrets those
 *                                  accept, in Mesos's credentials format (JSON or text)
 * @param acls                      {@code --acls}, Mesos's JSON: on the agent, {@code access_sandboxes}
 *                                  decides who may read which sandbox through {@code /files}
 */
public record AgentSecurity(boolean authenticateHttpExecutors, Optional<byte[]> jwtSecretKey, boolean switchUser,
                            boolean authenticateHttpReadonly, boolean authenticateHttpReadwrite,
                            Optional<dev.vmesos.api.config.Credentials> httpCredentials,
                            dev.vmesos.api.security.Acls acls) {

  private static final Logger LOG = LoggerFactory.getLogger(AgentSecurity.class);

  public static AgentSecurity defaults() {
    return new AgentSecurity(false, Optional.empty(), true, false, false, Optional.empty(),
        dev.vmesos.api.security.Acls.none());
  }

  static AgentSecurity fromFlags(Flags flags) {
    boolean authenticateExecutors = flags.bool("authenticate_http_executors", false);
    Optional<String> current = flags.optional("jwt_secret_key");
    Optional<String> deprecated = flags.optional("executor_secret_key");
    if (current.isPresent() && deprecated.isPresent()) {
      throw new FlagException("Flag '--executor_secret_key': is the deprecated name of --jwt_secret_key; give one");
    }
    Optional<byte[]> key = current.map(value -> readKey("jwt_secret_key", value))
        .or(() -> deprecated.map(value -> readKey("executor_secret_key", value)));
    if (authenticateExecutors && key.isEmpty()) {
      throw new FlagException("Flag '--authenticate_http_executors': needs --jwt_secret_key (or"
          + " --executor_secret_key), the file with the key that signs the executors' tokens");
    }
    boolean readonly = flags.bool("authenticate_http_readonly", false);
    boolean readwrite = flags.bool("authenticate_http_readwrite", false);
    Optional<dev.vmesos.api.config.Credentials> credentials = flags.optional("http_credentials")
        .map(path -> dev.vmesos.api.config.Credentials.readList("http_credentials", path));
    if ((readonly || readwrite) && credentials.isEmpty()) {
      throw new FlagException("Flag '--authenticate_http_" + (readonly ? "readonly" : "readwrite") + "': needs"
          + " --http_credentials, the principals and secrets HTTP Basic accepts");
    }
    return new AgentSecurity(authenticateExecutors, key, flags.bool("switch_user", true), readonly, readwrite,
        credentials, flags.optional("acls").map(value -> dev.vmesos.api.security.Acls.parse("acls", value))
            .orElse(dev.vmesos.api.security.Acls.none()));
  }

  private static byte[] readKey(String flag, String value) {
    Path path = Path.of(value.trim());
    byte[] key;
    try {
      key = Files.readAllBytes(path);
    } catch (IOException | RuntimeException e) {
      throw new FlagException("Flag '--" + flag + "': cannot read " + value + ": " + e.getMessage(), e);
    }
    if (key.length == 0) {
      throw new FlagException("Flag '--" + flag + "': " + value + " is empty");
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.OTHERS_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        LOG.warn("Permissions on the JWT secret key file {} are too open; it should not be accessible by others",
            path);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("Cannot read the permissions of the JWT secret key file {}: {}", path, e.toString());
    }
    return key;
  }
}
