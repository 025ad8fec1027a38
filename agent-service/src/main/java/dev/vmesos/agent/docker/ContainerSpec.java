package dev.vmesos.agent.docker;

import dev.vmesos.api.v1.Protos.CommandInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo;
import dev.vmesos.api.v1.Protos.ContainerInfo.DockerInfo;
import dev.vmesos.api.v1.Protos.Environment;
import dev.vmesos.api.v1.Protos.Volume;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Engine API request that creates a launch's container ({@code POST /containers/create}), built
 * from Mesos's {@code ContainerInfo} and {@code CommandInfo} the way Mesos's docker containerizer
 * builds its {@code docker run} command line. Pure: no I/O, so every mapping is unit-tested.
 *
 * @param name      {@code mesos-<containerId>}
 * @param image     the image reference, as given
 * @param forcePull whether the image is pulled before every launch ({@code force_pull_image})
 * @param body      the request body; callers must not change it
 */
public record ContainerSpec(String name, String image, boolean forcePull, JsonObject body) {

  /** Where the sandbox is mounted in the container, and the container's working directory. */
  public static final String SANDBOX_MOUNT = "/mnt/mesos/sandbox";
  public static final String NAME_PREFIX = "mesos-";

  // Mesos's figures (slave/containerizer/mesos/isolators/cgroups/constants.hpp).
  static final long CPU_SHARES_PER_CPU = 1024;
  static final long MIN_CPU_SHARES = 2;
  static final long CPU_CFS_PERIOD_US = 100_000;
  static final long MIN_CPU_CFS_QUOTA_US = 1_000;

  /** Docker's rule for container names, which also keeps the id usable in a URL path. */
  private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  /** Characters of an image reference ({@code registry:port/repo/name:tag@sha256:...}). */
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*");

  /** Why {@code launch} cannot be run in a Docker container, or empty if it can. */
  public static Optional<String> validate(DockerLaunch launch) {
    try {
      of(launch);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The create request for {@code launch}.
   *
   * <ul>
   *   <li>Command: {@code shell} (the default) runs {@code /bin/sh -c value} with {@code /bin/sh} as
   *       entrypoint, as Mesos does. Without shell, a {@code value} replaces the image's entrypoint
   *       and {@code arguments[1..]} follow it ({@code arguments} is the whole argv, as for the
   *       command executor); with no value, {@code arguments} become the image's command and its
   *       entrypoint stays. No command at all runs the image as built.
   *   <li>Environment: the agent's variables, {@code MESOS_SANDBOX} set to {@value #SANDBOX_MOUNT},
   *       then the command's VALUE variables (secrets are not supported and left out), then
   *       {@code env} parameters; later ones win.
   *   <li>Network HOST only; ports mappings, volume drivers and non-host-path volumes are refused.
   *   <li>Resources: {@code cpus} gives {@code CpuShares = cpus * 1024} and a CFS quota of
   *       {@code cpus * 100 ms} per 100 ms (Mesos with {@code --cgroups_enable_cfs}); {@code mem} MB
   *       gives {@code Memory}. Mesos's 32 MB floor on memory is not applied.
   * </ul>
   *
   * @throws IllegalArgumentException with a message for the framework if it cannot be run
   */
  public static ContainerSpec of(DockerLaunch launch) {
    ContainerInfo info = launch.container();
    if (info.getType() != ContainerInfo.Type.DOCKER) {
      throw new IllegalArgumentException("Container type is " + info.getType() + ", not DOCKER");
    }
    if (!info.hasDocker()) {
      throw new IllegalArgumentException("A DOCKER container needs its 'docker' field (DockerInfo)");
    }
    DockerInfo docker = info.getDocker();
    String image = docker.getImage();
    if (!IMAGE.matcher(image).matches()) {
      throw new IllegalArgumentException("Docker image '" + image + "' is not a valid image reference");
    }
    if (!CONTAINER_ID.matcher(launch.containerId()).matches()) {
      throw new IllegalArgumentException("Container id '" + launch.containerId()
          + "' cannot name a Docker container (letters, digits, '_', '.' and '-' only)");
    }
    if (docker.getNetwork() != DockerInfo.Network.HOST) {
      throw new IllegalArgumentException("Docker network mode " + docker.getNetwork()
          + " is not supported by this agent: only HOST is");
    }
    if (docker.getPortMappingsCount() > 0) {
      throw new IllegalArgumentException(
          "Docker port mappings need BRIDGE or USER networking, which this agent does not support");
    }
    if (docker.hasVolumeDriver()) {
      throw new IllegalArgumentException("Docker volume_driver is not supported by this agent");
    }

    ContainerDraft draft = new ContainerDraft();
    draft.config.put("Image", image);
    launch.command().ifPresent(command -> command(command, draft));
    environment(launch, draft);
    draft.config.put("WorkingDir", SANDBOX_MOUNT);
    if (info.hasHostname()) {
      draft.config.put("Hostname", info.getHostname());
    }
    draft.config.put("AttachStdin", false).put("AttachStdout", true).put("AttachStderr", true)
        .put("Tty", false).put("OpenStdin", false);
    labels(launch, draft);

    draft.hostConfig.put("NetworkMode", "host");
    draft.hostConfig.put("Privileged", docker.getPrivileged());
    draft.binds.add(launch.sandbox().toAbsolutePath() + ":" + SANDBOX_MOUNT + ":rw");
    for (Volume volume : info.getVolumesList()) {
      draft.binds.add(bind(volume, launch));
    }
    limits(launch, draft);

    DockerParameters.apply(docker.getParametersList(), draft);
    return new ContainerSpec(launch.containerName(), image, docker.getForcePullImage(), draft.toBody());
  }

  private static void command(CommandInfo command, ContainerDraft draft) {
    if (command.getShell()) {
      if (!command.hasValue() || command.getValue().isEmpty()) {
        throw new IllegalArgumentException("A shell command needs a 'value'");
      }
      draft.config.put("Entrypoint", new JsonArray().add("/bin/sh"));
      draft.config.put("Cmd", new JsonArray().add("-c").add(command.getValue()));
    } else if (command.hasValue() && !command.getValue().isEmpty()) {
      draft.config.put("Entrypoint", new JsonArray().add(command.getValue()));
      JsonArray cmd = new JsonArray();
      command.getArgumentsList().stream().skip(1).forEach(cmd::add);
      draft.config.put("Cmd", cmd);
    } else if (command.getArgumentsCount() > 0) {
      draft.config.put("Cmd", new JsonArray(command.getArgumentsList().stream().map(Object.class::cast).toList()));
    }
  }

  private static void environment(DockerLaunch launch, ContainerDraft draft) {
    draft.env.putAll(launch.environment());
    draft.env.put("MESOS_SANDBOX", SANDBOX_MOUNT);
    launch.command().ifPresent(command -> {
      for (Environment.Variable variable : command.getEnvironment().getVariablesList()) {
        if (variable.getType() == Environment.Variable.Type.VALUE) {
          draft.env.remove(variable.getName());
          draft.env.put(variable.getName(), variable.getValue());
        }
      }
    });
  }

  private static void labels(DockerLaunch launch, ContainerDraft draft) {
    draft.labels.put(ContainerLabels.AGENT_ID, launch.agentId());
    draft.labels.put(ContainerLabels.FRAMEWORK_ID, launch.frameworkId());
    draft.labels.put(ContainerLabels.EXECUTOR_ID, launch.executorId());
    launch.taskId().ifPresent(taskId -> draft.labels.put(ContainerLabels.TASK_ID, taskId));
    draft.labels.put(ContainerLabels.CONTAINER_ID, launch.containerId());
  }

  /** As Mesos: a relative host path is in the sandbox, a relative container path under the mount. */
  private static String bind(Volume volume, DockerLaunch launch) {
    String target = volume.getContainerPath();
    if (volume.hasImage() || volume.hasSource() || !volume.hasHostPath() || volume.getHostPath().isEmpty()) {
      throw new IllegalArgumentException("Volume '" + target
          + "': only host_path volumes are supported by this agent's Docker containerizer");
    }
    if (target.isEmpty()) {
      throw new IllegalArgumentException("Volume with host_path '" + volume.getHostPath() + "' has no container_path");
    }
    String source = volume.getHostPath().startsWith("/")
        ? volume.getHostPath()
        : launch.sandbox().toAbsolutePath().resolve(volume.getHostPath()).toString();
    if (!target.startsWith("/")) {
      target = SANDBOX_MOUNT + "/" + target;
    }
    return source + ":" + target + ":" + (volume.getMode() == Volume.Mode.RO ? "ro" : "rw");
  }

  private static void limits(DockerLaunch launch, ContainerDraft draft) {
    double cpus = launch.resources().scalar("cpus");
    if (cpus > 0) {
      draft.hostConfig.put("CpuShares", Math.max(MIN_CPU_SHARES, (long) (cpus * CPU_SHARES_PER_CPU)));
      draft.hostConfig.put("CpuPeriod", CPU_CFS_PERIOD_US);
      draft.hostConfig.put("CpuQuota", Math.max(MIN_CPU_CFS_QUOTA_US, (long) (cpus * CPU_CFS_PERIOD_US)));
    }
    double mem = launch.resources().scalar("mem");
    if (mem > 0) {
      draft.hostConfig.put("Memory", (long) (mem * 1024 * 1024));
    }
  }
}
