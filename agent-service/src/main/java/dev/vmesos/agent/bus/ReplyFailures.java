package dev.vmesos.agent.bus;

import io.vertx.core.eventbus.ReplyException;

/** Words for a failed event-bus request, one case per {@link io.vertx.core.eventbus.ReplyFailure}. */
public final class ReplyFailures {

  private ReplyFailures() {
  }

  /** Why a request to {@code address} failed, for a log line. */
  public static String describe(String address, Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return "request to " + address + " failed: " + failure;
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> "no handler on " + address + " (no leading master is up)";
      case TIMEOUT -> "no reply from " + address + " in time: " + reply.getMessage();
      case RECIPIENT_FAILURE -> "the master refused it (" + reply.failureCode() + "): " + reply.getMessage();
      case ERROR -> "event bus error sending to " + address + ": " + reply.getMessage();
    };
  }

  /** Whether the failure just means that no master is there (expected while one starts). */
  public static boolean isNoMaster(Throwable failure) {
    return failure instanceof ReplyException reply
        && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
  }
}
