package dev.vmesos.examples.drf;

import java.util.Locale;

/**
 * A DRF demo framework at one moment: what the demo's live table prints and tests compare.
 * {@code running} counts the tasks holding resources (launched, not ended), {@code started} those of
 * them the executor reported RUNNING; the share is over the held ones, as the allocator counts.
 */
public record DrfStatus(String name, int running, int started, int finished, DominantShare share,
                        String frameworkId) {

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d running, %d finished, dominant share %.3f (%s)", name, running,
        finished, share.share(), share.resource());
  }
}
