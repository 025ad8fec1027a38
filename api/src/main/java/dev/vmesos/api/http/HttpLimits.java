package dev.vmesos.api.http;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import java.time.Duration;

/**
 * What a master's or an agent's HTTP server allows a client before it closes the connection: how long
 * it may take to send a request's headers, how long a keep-alive connection may sit idle, and how large
 * a request body may be. Mesos's libprocess has no such flags, so the names are vmesos's own, shared by
 * {@code vmesos master} and {@code vmesos agent}; {@link HttpGuard} enforces them.
 *
 * @param headerTimeout a new connection that has not sent a request's complete headers within this is
 *                      closed (a slowloris client) ({@code --http_header_timeout})
 * @param idleTimeout   a connection with no request in progress is closed after this, and so is one whose
 *                      request body stops arriving for this long; a request still being answered (an
 *                      event stream) keeps its connection however long it lasts ({@code --http_idle_timeout})
 * @param maxBodyBytes  a larger request body is refused with 413 as soon as it is known to be larger (its
 *                      Content-Length, or the bytes read so far) and the connection closed
 *                      ({@code --http_max_body_size})
 */
public record HttpLimits(Duration headerTimeout, Duration idleTimeout, long maxBodyBytes) {

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Longer than the 60 s a Vert.x client (the scheduler library, the agents, {@code bench}) keeps an
   * idle connection, so that the client closes first and never sends a request on a connection the
   * server is closing; nginx's keep-alive timeout is the same 75 s.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
  /** Large enough for an ACCEPT launching a thousand tasks; a 64 MB body is no longer buffered. */
  public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
  static final long MIN_BODY_BYTES = 1L << 10;
  static final long MAX_BODY_BYTES = 1L << 30;

  /** The flags, as {@code --help} lists them (master and agent alike). */
  public static final FlagHelp HELP = FlagHelp.builder()
      .flag("http_header_timeout", "DURATION", "10secs", "A connection to the HTTP port that has not sent"
          + " complete request headers within this is closed (slow clients holding connections open).")
      .flag("http_idle_timeout", "DURATION", "75secs", "A keep-alive connection with no request in progress is"
          + " closed after this, and so is one whose request body stops arriving for this long. Event streams"
          + " (SUBSCRIBE) and the agent bus are never closed by it.")
      .flag("http_max_body_size", "BYTES", "4MB", "Largest request body: a larger one is refused with 413 as"
          + " soon as it is known to be larger, and the connection closed. Units: B, KB, MB, GB; from 1KB to"
          + " 1GB.")
      .build();

  public HttpLimits {
    requirePositive("http_header_timeout", headerTimeout);
    requirePositive("http_idle_timeout", idleTimeout);
    if (maxBodyBytes < MIN_BODY_BYTES || maxBodyBytes > MAX_BODY_BYTES) {
      throw new FlagException("Flag '--http_max_body_size' must be from 1KB to 1GB, got " + maxBodyBytes + "B");
    }
  }

  public static HttpLimits defaults() {
    return new HttpLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BODY_BYTES);
  }

  public static HttpLimits fromFlags(Flags flags) {
    return new HttpLimits(
        flags.duration("http_header_timeout", DEFAULT_HEADER_TIMEOUT),
        flags.duration("http_idle_timeout", DEFAULT_IDLE_TIMEOUT),
        flags.bytes("http_max_body_size", DEFAULT_MAX_BODY_BYTES, MIN_BODY_BYTES, MAX_BODY_BYTES));
  }

  public HttpLimits withHeaderTimeout(Duration timeout) {
    return new HttpLimits(timeout, idleTimeout, maxBodyBytes);
  }

  public HttpLimits withIdleTimeout(Duration timeout) {
    return new HttpLimits(headerTimeout, timeout, maxBodyBytes);
  }

  public HttpLimits withMaxBodyBytes(long bytes) {
    return new HttpLimits(headerTimeout, idleTimeout, bytes);
  }

  private static void requirePositive(String flag, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new FlagException("Flag '--" + flag + "' must be a positive duration, got " + value);
    }
  }
}
