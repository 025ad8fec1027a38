package dev.vmesos.agent.container;

import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to exec for a command task: argv, the complete environment and the sandbox (working
 * directory, holding {@code stdout} and {@code stderr}). Built from a {@link CommandInfo} with
 * Mesos semantics.
 *
 * @param argv        the program and its arguments
 * @param environment the whole environment of the process (nothing else is inherited)
 * @param sandbox     the working directory
 */
public record LaunchSpec(List<String> argv, Map<String, String> environment, Path sandbox) {

  /** Used when the agent itself has no PATH. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  public LaunchSpec {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
  }

  /** Why {@code command} cannot be run, or empty if it can. */
  public static Optional<String> validate(CommandInfo command) {
    if (!command.hasValue() || command.getValue().isEmpty()) {
      return Optional.of(command.getShell()
          ? "a shell command needs a 'value'"
          : "a command with 'shell' false needs a 'value' (the executable)");
    }
    return Optional.empty();
  }

  /**
   * The launch of a valid {@code command}.
   *
   * <ul>
   *   <li>{@code shell} (the default) runs {@code /bin/sh -c value}; otherwise {@code value} is
   *       exec'd with {@code arguments[1..]}: in Mesos {@code arguments} is the whole argv,
   *       {@code arguments[0]} included.
   *   <li>The environment is PATH (the agent's), then {@code agentVariables} (the {@code MESOS_*}
   *       set), then the command's own VALUE variables, which win, as a task's do over its
   *       executor's in Mesos. Secret variables are not supported and are left out.
   * </ul>
   */
  public static LaunchSpec of(CommandInfo command, Map<String, String> agentVariables, String agentPath,
      Path sandbox) {
    List<String> argv = new ArrayList<>();
    if (command.getShell()) {
      argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
    } else {
      argv.add(command.getValue());
      argv.addAll(command.getArgumentsList().subList(Math.min(1, command.getArgumentsCount()),
          command.getArgumentsCount()));
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", agentPath == null || agentPath.isEmpty() ? DEFAULT_PATH : agentPath);
    env.putAll(agentVariables);
    for (Environment.Variable variable : command.getEnvironment().getVariablesList()) {
      if (variable.getType() == Environment.Variable.Type.VALUE) {
        env.put(variable.getName(), variable.getValue());
      }
    }
    return new LaunchSpec(argv, env, sandbox);
  }
}
