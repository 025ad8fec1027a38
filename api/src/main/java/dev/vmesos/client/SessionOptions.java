package dev.vmesos.client;

import dev.vmesos.api.http.MediaType;
import java.time.Duration;

/**
 * How a {@link SchedulerSession} talks to the master and how patient it is.
 *
 * @param mediaType          JSON or protobuf, for the subscription and every call
 * @param autoAcknowledge    acknowledge each update carrying a uuid after the scheduler saw it
 * @param backoffInitial     first wait before reconnecting; doubles up to {@code backoffMax}
 * @param backoffMax         cap of that wait
 * @param giveUpAfter        how long to keep failing to reach a master before the session fails
 * @param missedHeartbeats   how many heartbeat intervals without any event mean the master is gone
 * @param security           TLS and credentials for the masters ({@link ClientSecurity#none()}: plain
 *                           HTTP, no credentials, unless a master is given as {@code https://})
 */
public record SessionOptions(MediaType mediaType, boolean autoAcknowledge, Duration backoffInitial,
                             Duration backoffMax, Duration giveUpAfter, int missedHeartbeats,
                             ClientSecurity security) {

  public SessionOptions(MediaType mediaType, boolean autoAcknowledge, Duration backoffInitial, Duration backoffMax,
                        Duration giveUpAfter, int missedHeartbeats) {
    this(mediaType, autoAcknowledge, backoffInitial, backoffMax, giveUpAfter, missedHeartbeats, ClientSecurity.none());
  }

  public SessionOptions {
    java.util.Objects.requireNonNull(security, "security");
    if (missedHeartbeats < 1) {
      throw new IllegalArgumentException("missedHeartbeats must be at least 1");
    }
    new Backoff(backoffInitial, backoffMax);   // validates the pair
  }

  /** JSON, auto-acknowledgement, 0.5 s to 8 s backoff, give up after 60 s, 5 missed heartbeats. */
  public static SessionOptions defaults() {
    return new SessionOptions(MediaType.JSON, true, Duration.ofMillis(500), Duration.ofSeconds(8),
        Duration.ofSeconds(60), 5);
  }

  public SessionOptions withMediaType(MediaType value) {
    return new SessionOptions(value, autoAcknowledge, backoffInitial, backoffMax, giveUpAfter, missedHeartbeats, security);
  }

  public SessionOptions withAutoAcknowledge(boolean value) {
    return new SessionOptions(mediaType, value, backoffInitial, backoffMax, giveUpAfter, missedHeartbeats, security);
  }

  public SessionOptions withGiveUpAfter(Duration value) {
    return new SessionOptions(mediaType, autoAcknowledge, backoffInitial, backoffMax, value, missedHeartbeats, security);
  }

  public SessionOptions withBackoff(Duration initial, Duration max) {
    return new SessionOptions(mediaType, autoAcknowledge, initial, max, giveUpAfter, missedHeartbeats, security);
  }

  /** TLS and credentials (HTTP Basic) for every request to the masters. */
  public SessionOptions withSecurity(ClientSecurity value) {
    return new SessionOptions(mediaType, autoAcknowledge, backoffInitial, backoffMax, giveUpAfter, missedHeartbeats,
        value);
  }
}
