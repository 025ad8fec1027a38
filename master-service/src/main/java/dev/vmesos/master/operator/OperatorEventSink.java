package dev.vmesos.master.operator;

import dev.vmesos.api.v1.master.Protos.Event;

/** One operator subscription's event stream (a chunked HTTP response in production). */
interface OperatorEventSink {

  /** Sends one event; ignored once the stream is closed. */
  void send(Event event);

  boolean isOpen();

  /** Ends the stream (the master stopped leading). */
  default void close() {
  }
}
