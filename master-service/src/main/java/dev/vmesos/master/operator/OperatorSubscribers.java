package dev.vmesos.master.operator;

import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.master.Protos.Event;
import dev.vmesos.master.state.Agent;
import dev.vmesos.master.state.Framework;
import dev.vmesos.master.state.MasterListener;
import dev.vmesos.master.state.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator API's subscribers: told of every change of the master's state, it sends each open
 * subscription the matching event. Events are built only when someone listens. Owned by the
 * master's event loop.
 */
final class OperatorSubscribers implements MasterListener {

  private final OperatorState state;
  private final List<OperatorEventSink> sinks = new ArrayList<>();

  OperatorSubscribers(OperatorState state) {
    this.state = state;
  }

  void add(OperatorEventSink sink) {
    sinks.add(sink);
  }

  void remove(OperatorEventSink sink) {
    sinks.remove(sink);
  }

  /** Ends every subscription: the master stopped leading. */
  void closeAll() {
    for (OperatorEventSink sink : List.copyOf(sinks)) {
      sink.close();
    }
    sinks.clear();
  }

  int count() {
    return sinks.size();
  }

  @Override
  public void frameworkAdded(Framework framework) {
    broadcast(() -> OperatorEvents.frameworkAdded(state.framework(framework)));
  }

  @Override
  public void frameworkUpdated(Framework framework) {
    broadcast(() -> OperatorEvents.frameworkUpdated(state.framework(framework)));
  }

  @Override
  public void frameworkRemoved(Framework framework) {
    broadcast(() -> OperatorEvents.frameworkRemoved(framework.info()));
  }

  @Override
  public void agentAdded(Agent agent) {
    broadcast(() -> OperatorEvents.agentAdded(state.agent(agent)));
  }

  @Override
  public void agentRemoved(Agent agent) {
    broadcast(() -> OperatorEvents.agentRemoved(agent.id()));
  }

  @Override
  public void taskAdded(Task task) {
    broadcast(() -> OperatorEvents.taskAdded(OperatorState.task(task)));
  }

  @Override
  public void taskUpdated(Task task, TaskStatus status) {
    broadcast(() -> OperatorEvents.taskUpdated(task.frameworkId(), status, task.state()));
  }

  private void broadcast(Supplier<Event> event) {
    sinks.removeIf(sink -> !sink.isOpen());
    if (sinks.isEmpty()) {
      return;
    }
    Event built = event.get();
    for (OperatorEventSink sink : List.copyOf(sinks)) {
      sink.send(built);
    }
  }
}
