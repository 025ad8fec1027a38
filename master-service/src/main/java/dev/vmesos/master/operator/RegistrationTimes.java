package dev.vmesos.master.operator;

import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * When frameworks and agents registered, re-registered and went away, in seconds since the epoch:
 * the master's state does not keep times, the operator API reports them. Owned by the master's
 * event loop, like the master.
 */
final class RegistrationTimes implements MasterListener {

  private final Clock clock;
  private final Map<String, Double> frameworkRegistered = new HashMap<>();
  private final Map<String, Double> frameworkReregistered = new HashMap<>();
  private final Map<String, Double> frameworkUnregistered = new HashMap<>();
  private final Map<String, Double> agentRegistered = new HashMap<>();

  RegistrationTimes(Clock clock) {
    this.clock = clock;
  }

  private double now() {
    return clock.millis() / 1000.0;
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

  OptionalDouble frameworkRegistered(String frameworkId) {
    return optional(frameworkRegistered.get(frameworkId));
  }

  OptionalDouble frameworkReregistered(String frameworkId) {
    return optional(frameworkReregistered.get(frameworkId));
  }

  OptionalDouble frameworkUnregistered(String frameworkId) {
    return optional(frameworkUnregistered.get(frameworkId));
  }

  OptionalDouble agentRegistered(String agentId) {
    return optional(agentRegistered.get(agentId));
  }

  private static OptionalDouble optional(Double value) {
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
