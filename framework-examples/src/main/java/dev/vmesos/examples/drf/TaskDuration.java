package dev.vmesos.examples.drf;

import dev.vmesos.api.config.FlagException;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a DRF demo task runs: uniformly between {@code min} and {@code max} seconds
 * ({@code --task-seconds=20-40}, or one number for a fixed length).
 */
public record TaskDuration(double min, double max) {

  public TaskDuration {
    if (!(min >= 0) || !(max >= min)) {
      throw new IllegalArgumentException("need 0 <= min <= max, got " + min + "-" + max);
    }
  }

  public static TaskDuration parse(String text) {
    String[] parts = text.trim().split("-", -1);
    try {
      if (parts.length == 1) {
        double fixed = Double.parseDouble(parts[0]);
        return new TaskDuration(fixed, fixed);
      }
      if (parts.length == 2) {
        return new TaskDuration(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new FlagException("Flag '--task_seconds': '" + text + "' is not seconds or min-max seconds (e.g. 20-40)");
  }

  public Duration pick(RandomGenerator random) {
    double seconds = min == max ? min : min + random.nextDouble() * (max - min);
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
