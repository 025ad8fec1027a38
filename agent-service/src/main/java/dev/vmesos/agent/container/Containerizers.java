package dev.vmesos.agent.container;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The containerizers enabled by {@code --containerizers}, in its order. As Mesos's composing
 * containerizer, a launch goes to the first one that can run it: DOCKER containers to
 * {@code docker}, everything else to {@code mesos}.
 */
public final class Containerizers {

  /** A containerizer for a launch, or why there is none. */
  public record Choice(Optional<Containerizer> containerizer, String refusal) {
  }

  private final List<Containerizer> enabled;

  public Containerizers(List<Containerizer> enabled) {
    if (enabled.isEmpty()) {
      throw new IllegalArgumentException("no containerizer enabled");
    }
    this.enabled = List.copyOf(enabled);
  }

  /** The enabled containerizer for {@code launch}, or why it cannot run there. */
  public Choice choose(ContainerLaunch launch) {
    for (Containerizer containerizer : enabled) {
      Optional<String> refusal = containerizer.validate(launch);
      if (refusal.isEmpty()) {
        return new Choice(Optional.of(containerizer), "");
      }
      if (kindMatches(containerizer, launch)) {
        // The containerizer of the right kind refused the launch itself: its reason is the one to give.
        return new Choice(Optional.empty(), refusal.get());
      }
    }
    return new Choice(Optional.empty(), "No enabled containerizer can run " + (launch.isDocker() ? "a DOCKER" : "a MESOS")
        + " container (--containerizers=" + names() + ")");
  }

  public Optional<ProcessContainerizer> mesos() {
    return enabled.stream().filter(ProcessContainerizer.class::isInstance).map(ProcessContainerizer.class::cast)
        .findFirst();
  }

  public Optional<DockerContainerizer> docker() {
    return enabled.stream().filter(DockerContainerizer.class::isInstance).map(DockerContainerizer.class::cast)
        .findFirst();
  }

  /** The enabled names, comma-separated, as the flag takes them. */
  public String names() {
    return enabled.stream().map(Containerizer::name).collect(Collectors.joining(","));
  }

  private static boolean kindMatches(Containerizer containerizer, ContainerLaunch launch) {
    return launch.isDocker() == (containerizer instanceof DockerContainerizer);
  }
}
