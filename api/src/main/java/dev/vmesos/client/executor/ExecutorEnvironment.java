package dev.vmesos.client.executor;

import dev.vmesos.api.config.Flags;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent tells an executor through its environment ({@code MESOS_AGENT_ENDPOINT},
 * {@code MESOS_FRAMEWORK_ID}, {@code MESOS_EXECUTOR_ID}, {@code MESOS_SANDBOX}, and for a
 * checkpointing framework {@code MESOS_CHECKPOINT}, {@code MESOS_RECOVERY_TIMEOUT} and
 * {@code MESOS_SUBSCRIPTION_BACKOFF_MAX}), read once. A program started by hand lacks them;
 * {@link #from} then names the missing variable in one line.
 *
 * @param recoveryTimeout        for a checkpointing framework's executor, how long to keep trying to
 *                               reach a restarted agent; empty otherwise
 * @param subscriptionBackoffMax the longest wait between two attempts to subscribe again
 * @param authenticationToken    {@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN}: sent as
 *                               {@code Authorization: Bearer} on every call, for an agent with
 *                               {@code --authenticate_http_executors}
 * @param tls                    with {@code LIBPROCESS_SSL_ENABLED}: the agent is reached over
 *                               {@code https}, trusting {@code LIBPROCESS_SSL_CA_FILE}
 */
public record ExecutorEnvironment(URI endpoint, String frameworkId, String executorId, Path sandbox,
                                  Optional<Duration> recoveryTimeout, Duration subscriptionBackoffMax,
                                  Optional<String> authenticationToken, Optional<dev.vmesos.client.ClientTls> tls) {

  public static final String PATH = "/api/v1/executor";
  /** Mesos's executor library default when the agent gives no {@code MESOS_SUBSCRIPTION_BACKOFF_MAX}. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(2);

  public static ExecutorEnvironment from(Map<String, String> env) {
    String agent = require(env, "MESOS_AGENT_ENDPOINT");
    String sandbox = env.getOrDefault("MESOS_SANDBOX", env.getOrDefault("MESOS_DIRECTORY", "."));
    boolean checkpoint = "1".equals(env.get("MESOS_CHECKPOINT"));
    Optional<Duration> recovery = checkpoint
        ? Optional.of(duration(env, "MESOS_RECOVERY_TIMEOUT", Duration.ofMinutes(15)))
        : Optional.empty();
    Optional<dev.vmesos.client.ClientTls> tls;
    try {
      tls = dev.vmesos.client.ClientTls.fromLibprocessEnv(env);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    String token = env.get("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
    return new ExecutorEnvironment(URI.create((tls.isPresent() ? "https://" : "http://") + agent + PATH),
        require(env, "MESOS_FRAMEWORK_ID"), require(env, "MESOS_EXECUTOR_ID"), Path.of(sandbox), recovery,
        duration(env, "MESOS_SUBSCRIPTION_BACKOFF_MAX", DEFAULT_BACKOFF_MAX),
        token == null || token.isBlank() ? Optional.empty() : Optional.of(token.trim()), tls);
  }

  /** How long to keep re-subscribing after losing the agent: the recovery timeout, else {@code otherwise}. */
  public Duration reconnectFor(Duration otherwise) {
    return recoveryTimeout.orElse(otherwise);
  }

  private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Flags.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + "='" + value + "' is not a duration");
    }
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: this program is an executor and must be started by a"
          + " Mesos agent");
    }
    return value;
  }
}
