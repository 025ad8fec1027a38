package dev.vmesos.examples.drf;

import dev.vmesos.api.config.FlagException;
import dev.vmesos.api.config.FlagHelp;
import dev.vmesos.api.config.Flags;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code vmesos drf}: runs one DRF demo framework until interrupted ({@code --run_for} bounds it);
 * exits 1 with one line when the master cannot be reached or refuses it, 2 on a bad flag.
 */
public final class DrfMain {

  private DrfMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** {@code --run-for}: stop after this long; zero (the default) runs until interrupted. */
  static java.time.Duration runFor(Flags flags) {
    return flags.duration("run_for", java.time.Duration.ZERO);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (FlagHelp.requested(args)) {
      DrfConfig.HELP.print("vmesos drf --master=HOST:PORT [--flag=value ...]", out);
      return 0;
    }
    DrfConfig config;
    java.time.Duration runFor;
    try {
      Flags flags = Flags.parse(args, System.getenv());
      config = DrfConfig.fromFlags(flags);
      runFor = runFor(flags);
      flags.rejectUnknown();
    } catch (FlagException e) {
      err.println("drf: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    DrfFramework framework = new DrfFramework(vertx, config, out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        framework.stop().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    try {
      if (!runFor.isZero()) {
        vertx.setTimer(runFor.toMillis(), t -> framework.stop());
      }
      framework.run().await();
      out.println("[drf " + config.name() + "] stopped: " + framework.status());
      return 0;
    } catch (Exception e) {
      err.println("drf: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
