package dev.vmesos.master.allocator.bench;

import java.util.Map;

/**
 * What a cell is held against: Mesos's figure for the same shape and vmesos's target, both from
 * shared/PERFORMANCE.md. Figures marked "here" were measured on this project's kind of machine
 * (2 cores) with Mesos built from source; the others come from Mesos's commits and tickets, on
 * hardware they do not name.
 *
 * @param mesos    Mesos's figure, or "—"
 * @param targetMs vmesos's target for the median, or null when there is none
 */
record Reference(String mesos, Double targetMs) {

  private static final Reference NONE = new Reference("—", null);

  private static final Map<String, Reference> DECLINE_OFFERS = Map.of(
      "1000x50", new Reference("334 ms mean, 100 rounds (here)", null),
      "1000x200", new Reference("1.05 s mean, 400 rounds (here)", null),
      "2000x200", new Reference("2.92 s (0.26-0.28, MESOS-4694)", null),
      "2000x2000", new Reference("28.2 s (0.26-0.28, MESOS-4694)", null),
      "10000x1000", new Reference("1.32 s median r0-442 (here); 1.06 s (1.7.1)", 50.0),
      "10000x3000", new Reference("2.47 s median (2019)", 100.0),
      "50000x6000", new Reference("—", 1000.0));

  static Reference of(Cell cell) {
    return switch (cell.kind()) {
      case DECLINE_OFFERS -> DECLINE_OFFERS.getOrDefault(cell.agents() + "x" + cell.frameworks(), NONE);
      case QUOTA -> cell.round() == 1
          ? new Reference("15.39 s (2019); 33.2 s (here), 3,500 allocations", 200.0)
          : new Reference("— (printed, no figure kept)", null);
      case ADD_AGENTS -> cell.agents() == 10_000 ? new Reference("—", 200.0) : NONE;
    };
  }

  /** "pass" or "FAIL" for a median, "—" without a target. */
  String verdict(double medianMs) {
    if (targetMs == null) {
      return "—";
    }
    return medianMs <= targetMs ? "pass" : "FAIL";
  }

  String target() {
    if (targetMs == null) {
      return "—";
    }
    return targetMs >= 1000 ? String.format(java.util.Locale.ROOT, "≤ %.0f s", targetMs / 1000)
        : String.format(java.util.Locale.ROOT, "≤ %.0f ms", targetMs);
  }
}
