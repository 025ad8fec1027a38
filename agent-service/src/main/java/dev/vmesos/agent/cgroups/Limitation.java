package dev.vmesos.agent.cgroups;

import dev.vmesos.api.v1.Protos.TaskStatus.Reason;

/**
 * A container was stopped by one of its limits, not by its own doing: the agent ends its tasks
 * {@code TASK_FAILED} with {@link #reason} and {@link #message} as Mesos does.
 *
 * @param resource the resource whose limit was hit ({@code mem})
 * @param reason   the task status reason to report
 * @param message  the status message, in Mesos's words
 */
public record Limitation(String resource, Reason reason, String message) {

  private static final long MB = 1024L * 1024L;

  /**
   * The kernel OOM-killed a process of the container: {@code Memory limit exceeded: Requested: 64MB
   * Maximum Used: 64MB}, Mesos's message (sizes in whole MB, the maximum rounded to the nearest).
   */
  public static Limitation memory(long limitBytes, long maxUsedBytes) {
    return new Limitation("mem", Reason.REASON_CONTAINER_LIMITATION_MEMORY,
        "Memory limit exceeded: Requested: " + megabytes(limitBytes) + "MB Maximum Used: "
            + megabytes(maxUsedBytes) + "MB");
  }

  private static long megabytes(long bytes) {
    return (bytes + MB / 2) / MB;
  }
}
