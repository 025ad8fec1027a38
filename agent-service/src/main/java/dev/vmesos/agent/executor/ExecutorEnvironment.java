package dev.vmesos.agent.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code MESOS_*} variables an executor process gets (Mesos's {@code docs/executor-http-api.md}
 * list, plus the agent id under both names). The executor's own CommandInfo variables are added on
 * top by {@code LaunchSpec}, and win.
 */
final class ExecutorEnvironment {

  /** The executor's token, sent back as {@code Authorization: Bearer} (Mesos's name). */
  static final String TOKEN = "MESOS_EXECUTOR_AUTHENTICATION_TOKEN";

  private ExecutorEnvironment() {
  }

  /**
   * @param recoveryTimeout for a checkpointing framework's executor: how long it should keep trying
   *                        to reach a restarted agent; empty for the others
   * @param subscriptionBackoffMax for a checkpointing framework's executor: the longest wait between
   *                        two attempts to subscribe again (Mesos gives its executor re-registration
   *                        timeout)
   */
  static Map<String, String> of(String agentId, String frameworkId, String executorId, String agentEndpoint,
      Path sandbox, Duration shutdownGracePeriod, Optional<Duration> recoveryTimeout,
      Duration subscriptionBackoffMax) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MESOS_FRAMEWORK_ID", frameworkId);
    env.put("MESOS_EXECUTOR_ID", executorId);
    env.put("MESOS_AGENT_ENDPOINT", agentEndpoint);
    env.put("MESOS_DIRECTORY", sandbox.toString());
    env.put("MESOS_SANDBOX", sandbox.toString());
    // A checkpointing framework's executors outlive an agent restart and should subscribe again.
    env.put("MESOS_CHECKPOINT", recoveryTimeout.isPresent() ? "1" : "0");
    recoveryTimeout.ifPresent(timeout -> {
      env.put("MESOS_RECOVERY_TIMEOUT", mesosDuration(timeout));
      env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", mesosDuration(subscriptionBackoffMax));
    });
    env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", mesosDuration(shutdownGracePeriod));
    env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
    env.put("MESOS_SLAVE_ID", agentId);
    env.put("MESOS_AGENT_ID", agentId);
    return env;
  }

  /**
   * The {@code LIBPROCESS_SSL_*} variables of an agent serving HTTPS, for its executors: enabled, the
   * CA to verify the agent with, and the certificate and key to present when it requires one (a Mesos
   * executor inherits them all from its agent's environment). None without TLS.
   */
  static Map<String, String> tls(dev.vmesos.api.config.TlsConfig tls) {
    if (!tls.enabled()) {
      return Map.of();
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LIBPROCESS_SSL_ENABLED", "true");
    tls.caFile().ifPresent(ca -> env.put("LIBPROCESS_SSL_CA_FILE", ca));
    env.put("LIBPROCESS_SSL_VERIFY_CERT", Boolean.toString(tls.verifyServerCert()));
    env.put("LIBPROCESS_SSL_CERT_FILE", tls.certFile());
    env.put("LIBPROCESS_SSL_KEY_FILE", tls.keyFile());
    return env;
  }

  /** {@code 15mins}, {@code 5secs}, {@code 1500ms}: Mesos's duration syntax, in the largest whole unit. */
  static String mesosDuration(Duration duration) {
    long millis = duration.toMillis();
    long[] sizes = {7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000};
    String[] units = {"weeks", "days", "hrs", "mins", "secs"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis > 0 && millis % sizes[i] == 0) {
        return (millis / sizes[i]) + units[i];
      }
    }
    return millis + "ms";
  }
}
