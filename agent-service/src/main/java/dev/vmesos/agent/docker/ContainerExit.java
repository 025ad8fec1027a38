package dev.vmesos.agent.docker;

/**
 * How a container ended.
 *
 * @param exitCode  its main process's exit status; 128 + N when killed by signal N (137 for SIGKILL)
 * @param oomKilled whether the kernel's OOM killer ended it for exceeding its memory limit, which the
 *                  agent reports as {@code REASON_CONTAINER_LIMITATION_MEMORY}
 */
public record ContainerExit(int exitCode, boolean oomKilled) {
}
