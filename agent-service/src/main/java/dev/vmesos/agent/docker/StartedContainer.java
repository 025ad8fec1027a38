package dev.vmesos.agent.docker;

import io.vertx.core.Future;

/**
 * A container {@link DockerEngine#run} created and started.
 *
 * @param id     the engine's container id
 * @param name   {@code mesos-<containerId>}
 * @param output completes when the container's output has all been written to the sandbox's
 *               {@code stdout} and {@code stderr} files (the stream ends when the container exits);
 *               fails if the stream broke off
 */
public record StartedContainer(String id, String name, Future<Void> output) {
}
