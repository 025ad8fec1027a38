package dev.vmesos.agent.docker;

import java.time.Duration;

/**
 * How to reach the Docker engine.
 *
 * @param socketPath     the engine's Unix socket, {@code /var/run/docker.sock} by default
 * @param requestTimeout how long a short Engine API call may stay silent before it fails (waits for
 *                       exit and output streams have no timeout; a stop gets its grace period more)
 * @param maxConnections the connection pool's size: each running container holds two connections
 *                       (its exit wait and its output stream), so this bounds the containers followed
 *                       at once
 * @param pullTimeout    how long an image pull may take in all ({@code --docker_pull_timeout})
 * @param registryAuths  credentials given with pulls ({@code --docker_config})
 */
public record DockerOptions(String socketPath, Duration requestTimeout, int maxConnections, Duration pullTimeout,
                            RegistryAuths registryAuths) {

  /** A pull's default deadline: generous, as images can be large; a hung registry still fails the launch. */
  public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

  public static final String DEFAULT_SOCKET = "/var/run/docker.sock";

  public DockerOptions {
    if (socketPath == null || socketPath.isEmpty()) {
      throw new IllegalArgumentException("Docker socket path is empty");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("Docker request timeout must be positive, not " + requestTimeout);
    }
    if (pullTimeout.isNegative() || pullTimeout.isZero()) {
      throw new IllegalArgumentException("Docker pull timeout must be positive, not " + pullTimeout);
    }
    if (maxConnections < 4) {
      throw new IllegalArgumentException("Docker connection pool needs at least 4 connections, not " + maxConnections);
    }
  }

  public static DockerOptions defaults() {
    return new DockerOptions(DEFAULT_SOCKET, Duration.ofSeconds(60), 1024, DEFAULT_PULL_TIMEOUT, RegistryAuths.none());
  }

  public DockerOptions withSocketPath(String path) {
    return new DockerOptions(path, requestTimeout, maxConnections, pullTimeout, registryAuths);
  }

  public DockerOptions withPullTimeout(Duration timeout) {
    return new DockerOptions(socketPath, requestTimeout, maxConnections, timeout, registryAuths);
  }

  public DockerOptions withRegistryAuths(RegistryAuths auths) {
    return new DockerOptions(socketPath, requestTimeout, maxConnections, pullTimeout, auths);
  }
}
