package dev.vmesos.client.executor;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the agent tells an executor through its environment ({@code MESOS_AGENT_ENDPOINT},
 * {@code MESOS_FRAMEWORK_ID}, {@code MESOS_EXECUTOR_ID}, {@code MESOS_SANDBOX}), read once. A
 * program started by hand lacks them; {@link #from} then names the missing variable in one line.
 */
public record ExecutorEnvironment(URI endpoint, String frameworkId, String executorId, Path sandbox) {

  public static final String PATH = "/api/v1/executor";

  public static ExecutorEnvironment from(Map<String, String> env) {
    String agent = require(env, "MESOS_AGENT_ENDPOINT");
    String sandbox = env.getOrDefault("MESOS_SANDBOX", env.getOrDefault("MESOS_DIRECTORY", "."));
    return new ExecutorEnvironment(URI.create("http://" + agent + PATH), require(env, "MESOS_FRAMEWORK_ID"),
        require(env, "MESOS_EXECUTOR_ID"), Path.of(sandbox));
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
