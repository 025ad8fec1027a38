package dev.vmesos.master.operator;

import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * When frameworks and agents registered, re-registered and went away, in milliseconds since the
 * epoch (kept exact so that v1 {@code TimeInfo} nanoseconds are too): the master's state does not
 * keep times, the operator API reports them. Owned by the master's event loop, like the master.
 */
final class RegistrationTimes implements MasterListener {

  private final Clock clock;
  private final Map<String, Long> frameworkRegistered = new HashMap<>();
  private final Map<String, Long> frameworkReregistered = new HashMap<>();
  private final Map<String, Long> frameworkUnregistered = new HashMap<>();
  private final Map<String, Long> agentRegistered = new HashMap<>();

  RegistrationTimes(Clock clock) {
    this.clock = clock;
  }

  private long now() {
    return clock.millis();
  }

  @Override
  public void frameworkAdded(Framework framework) {
    frameworkRegistered.put(framework.id(), now());
  }

  @Override
  public void frameworkUpdated(Framework framework) {
    frameworkRegistered.putIfAbsent(framework.id(), now());
    frameworkReregistered.put(framework.id(), now());
  }

  @Override
  public void frameworkRemoved(Framework framework) {
    frameworkUnregistered.put(framework.id(), now());
  }

  @Override
  public void agentAdded(Agent agent) {
    agentRegistered.put(agent.id(), now());
  }

  @Override
  public void agentRemoved(Agent agent) {
    agentRegistered.remove(agent.id());
  }

  OptionalLong frameworkRegistered(String frameworkId) {
    return optional(frameworkRegistered.get(frameworkId));
  }

  OptionalLong frameworkReregistered(String frameworkId) {
    return optional(frameworkReregistered.get(frameworkId));
  }

  OptionalLong frameworkUnregistered(String frameworkId) {
    return optional(frameworkUnregistered.get(frameworkId));
  }

  OptionalLong agentRegistered(String agentId) {
    return optional(agentRegistered.get(agentId));
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
