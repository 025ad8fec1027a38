package dev.vmesos.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The open response of one SUBSCRIBE: a thread reads its RecordIO body record by record as it arrives
 * and queues the decoded events; the test takes them with a deadline on every wait.
 */
final class EventStream implements AutoCloseable {

  /** One record off the wire and what it decoded to. */
  record Received(Event event, byte[] record) {
  }

  /** Queued after the last event: how the stream ended (null cause: a clean end of the body). */
  private record End(Throwable cause) {
  }

  private final HttpResponse<InputStream> response;
  private final Media media;
  private final String name;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Received> seen = new ArrayList<>();
  private End end;

  EventStream(HttpResponse<InputStream> response, Media media, String name) {
    this.response = response;
    this.media = media;
    this.name = name;
    Thread reader = new Thread(this::read, "events-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  HttpResponse<InputStream> response() {
    return response;
  }

  String streamId() {
    return response.headers().firstValue("Mesos-Stream-Id").orElse(null);
  }

  /** Every event taken so far, in order. */
  List<Received> seen() {
    return List.copyOf(seen);
  }

  /** The next event, whatever it is. */
  Received next(Duration timeout) throws InterruptedException {
    return poll(e -> true, timeout)
        .orElseThrow(() -> new AssertionError(name + ": no event within " + timeout + "; seen: " + describeSeen()));
  }

  /** The next event matching {@code wanted}, skipping others (heartbeats, offers, ...). */
  Received await(Predicate<Event> wanted, Duration timeout, String what) throws InterruptedException {
    return poll(wanted, timeout).orElseThrow(() -> new AssertionError(
        name + ": no " + what + " within " + timeout + (end != null ? " (stream ended: " + end.cause + ")" : "")
            + "; seen: " + describeSeen()));
  }

  /** The next event matching {@code wanted} within {@code timeout}, or empty; others are skipped. */
  Optional<Received> poll(Predicate<Event> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end == null) {
      long left = deadline - System.nanoTime();
      Object item = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
      if (item == null) {
        return Optional.empty();
      }
      if (item instanceof End e) {
        end = e;
        return Optional.empty();
      }
      Received received = (Received) item;
      seen.add(received);
      if (wanted.test(received.event())) {
        return Optional.of(received);
      }
    }
    return Optional.empty();
  }

  /**
   * Waits for the server to end the body, skipping events; returns the events skipped. Fails if the
   * stream is still open after {@code timeout} or broke with an error other than a clean end.
   */
  List<Event> awaitEnd(Duration timeout) throws InterruptedException {
    List<Event> skipped = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": stream still open after " + timeout + "; seen: " + describeSeen());
      }
      poll(e -> true, Duration.ofNanos(left)).ifPresent(r -> skipped.add(r.event()));
    }
    if (end.cause != null) {
      throw new AssertionError(name + ": stream broke instead of ending cleanly", end.cause);
    }
    return skipped;
  }

  boolean ended() {
    return end != null;
  }

  String describeSeen() {
    StringBuilder out = new StringBuilder();
    for (Received r : seen) {
      out.append("\n    ").append(media.show(r.record()));
    }
    return out.length() == 0 ? "nothing" : out.toString();
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // closing our side only
    }
  }

  private void read() {
    Throwable cause = null;
    try (InputStream body = response.body()) {
      RecordIoReader records = new RecordIoReader(body);
      byte[] record;
      while ((record = records.next()) != null) {
        System.out.println("[compat] " + name + " <- " + media.show(record));
        queue.add(new Received(media.decode(record), record));
      }
      System.out.println("[compat] " + name + " <- end of stream");
    } catch (IOException | RuntimeException e) {
      cause = e;
      System.out.println("[compat] " + name + " <- stream broke: " + e);
    }
    queue.add(new End(cause));
  }
}
