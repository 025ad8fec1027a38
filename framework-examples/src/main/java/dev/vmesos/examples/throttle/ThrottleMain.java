package dev.vmesos.examples.throttle;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos throttle}: runs the throttle framework and exits 0 when every query has run, 1 when
 * it failed (too many task errors, no master), 2 on a bad flag; each failure is one line on stderr.
 */
public final class ThrottleMain {

  private ThrottleMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (FlagHelp.requested(args)) {
      ThrottleConfig.HELP.print("vmesos throttle --master=HOST:PORT [--flag=value ...]", out);
      return 0;
    }
    ThrottleConfig config;
    try {
      Flags flags = Flags.parse(args, System.getenv());
      config = ThrottleConfig.fromFlags(flags);
      flags.rejectUnknown();
    } catch (FlagException e) {
      err.println("throttle: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      ThrottleSummary summary = new ThrottleFramework(vertx, config, out).run().await();
      if (!summary.succeeded()) {
        err.println("throttle: " + summary.failure());
      }
      return summary.succeeded() ? 0 : 1;
    } catch (Exception e) {
      err.println("throttle: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }
}
