package dev.vmesos.examples.drf;

import java.util.Locale;

/** A DRF demo framework at one moment: what the demo's live table prints and tests compare. */
public record DrfStatus(String name, int running, int finished, DominantShare share, String frameworkId) {

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d running, %d finished, dominant share %.3f (%s)", name, running,
        finished, share.share(), share.resource());
  }
}
