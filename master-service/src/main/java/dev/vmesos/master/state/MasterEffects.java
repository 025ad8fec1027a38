package dev.vmesos.master.state;

import com.google.protobuf.Message;
import java.time.Duration;

/** What the master core asks its shell to do: talk to agents and keep time. */
public interface MasterEffects {

  /** Sends a message to an agent; failures are logged by the shell. */
  void sendToAgent(String agentId, Message message);

  /** Runs {@code action} once after {@code delay}; returns an id for {@link #cancel}. */
  long schedule(Duration delay, Runnable action);

  /** Runs {@code action} every {@code period}, first after one period. */
  long schedulePeriodic(Duration period, Runnable action);

  void cancel(long timerId);
}
