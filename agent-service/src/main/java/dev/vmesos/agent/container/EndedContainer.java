package dev.vmesos.agent.container;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** A container that was gone when the agent looked for it again, leaving no exit value. */
public final class EndedContainer implements Container {

  private final String containerId;

  public EndedContainer(String containerId) {
    this.containerId = containerId;
  }

  @Override
  public String containerId() {
    return containerId;
  }

  @Override
  public Future<Termination> termination() {
    return Future.succeededFuture(new Termination(Optional.empty(), Optional.empty()));
  }

  @Override
  public void terminate(Duration grace) {
  }

  @Override
  public void release() {
  }

  @Override
  public boolean isRunning() {
    return false;
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }
}
