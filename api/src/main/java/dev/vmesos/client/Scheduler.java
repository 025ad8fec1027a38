package dev.vmesos.client;

import dev.vmesos.api.v1.Protos.FrameworkID;
import dev.vmesos.api.v1.Protos.Offer;
import dev.vmesos.api.v1.Protos.OfferID;
import dev.vmesos.api.v1.Protos.TaskStatus;
import dev.vmesos.api.v1.scheduler.Protos.Event;
import java.util.List;

/**
 * What a framework implements to run on a {@link SchedulerSession}: one callback per kind of event,
 * all called on the session's Vert.x context, one at a time, so a scheduler needs no locks.
 * Defaults ignore the events most frameworks do not care about.
 */
public interface Scheduler {

  /**
   * The master accepted the subscription. {@code resubscribed} is true when this is a reconnection
   * with a framework id the session already had: the tasks are still the framework's, and a
   * scheduler usually reconciles them now.
   */
  default void subscribed(SchedulerSession session, FrameworkID frameworkId, boolean resubscribed) {
  }

  void offers(SchedulerSession session, List<Offer> offers);

  default void rescinded(SchedulerSession session, OfferID offerId) {
  }

  /** A task status update. With auto-acknowledgement the session acknowledges it after this returns. */
  void update(SchedulerSession session, TaskStatus status);

  default void message(SchedulerSession session, Event.Message message) {
  }

  default void failure(SchedulerSession session, Event.Failure failure) {
  }

  /** The connection to the master was lost; the session is reconnecting (unless it gave up). */
  default void disconnected(SchedulerSession session, String reason) {
  }
}
