package dev.vmesos.agent.container;

import dev.vmesos.agent.cgroups.Limitation;
import java.util.Optional;

/**
 * How a container ended.
 *
 * @param exitValue  its main process's exit value as Java reports it: the status, or 128 + N when
 *                   killed by signal N; empty when the agent could not learn it (a process that
 *                   ended while the agent was down and left no status behind)
 * @param limitation the limit that ended it (the kernel OOM-killed it), if any
 */
public record Termination(Optional<Integer> exitValue, Optional<Limitation> limitation) {

  public static Termination exited(int exitValue) {
    return new Termination(Optional.of(exitValue), Optional.empty());
  }
}
