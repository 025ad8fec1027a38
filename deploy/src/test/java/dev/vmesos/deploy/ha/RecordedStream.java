package dev.vmesos.deploy.ha;

import dev.vmesos.api.v1.scheduler.Protos.Event;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** A scheduler's event stream as it arrived: each event with the time it came, and when it ended. */
final class RecordedStream {

  /** An event and when it arrived ({@link System#nanoTime}). */
  record Received(long nanos, Event event) {
  }

  private final ConcurrentLinkedQueue<Received> events = new ConcurrentLinkedQueue<>();
  private final AtomicLong closedNanos = new AtomicLong(-1);

  void onEvent(Event event) {
    events.add(new Received(System.nanoTime(), event));
  }

  void onClose(Throwable error) {
    closedNanos.compareAndSet(-1, System.nanoTime());
  }

  List<Received> events() {
    return List.copyOf(events);
  }

  long count(Event.Type type) {
    return events.stream().filter(r -> r.event().getType() == type).count();
  }

  List<Received> after(long nanos) {
    return events.stream().filter(r -> r.nanos() > nanos).toList();
  }

  boolean closed() {
    return closedNanos.get() >= 0;
  }

  long closedNanos() {
    return closedNanos.get();
  }
}
