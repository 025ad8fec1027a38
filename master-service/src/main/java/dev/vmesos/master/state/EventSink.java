package dev.vmesos.master.state;

import dev.vmesos.api.v1.scheduler.Protos.Event;

/** One subscribed scheduler's event stream (an HTTP response in production). */
public interface EventSink {

  /** The {@code Mesos-Stream-Id} given to this subscription. */
  String streamId();

  /** Sends one event; ignored once the stream is closed. */
  void send(Event event);

  /** Ends the stream. */
  void close();

  boolean isOpen();
}
