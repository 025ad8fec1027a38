package dev.vmesos.master.allocator.bench;

import java.util.ArrayList;
import java.util.List;

/** The benchmark's table: one row per cell, columns padded to fit. */
final class ResultTable {

  static final String NOTES = """
      Times are of allocate() alone (addAgent: adding all agents), JMH single-shot, one forked JVM per
      cell. DeclineOffers rounds are numbered from 0 as Mesos numbers them; warm-up rounds ran on a
      separate, smaller cluster. Offers: made in the first → last measured round (with 1 framework,
      round 0 offers every agent and round 1 nothing, so the median is their mean). Mesos figures from
      shared/PERFORMANCE.md ("here": Mesos built from source on a 2-core machine of this kind; the
      others on hardware their sources do not name). Verdict: the median against vmesos's target.
      """;

  private static final String[] HEADER =
      {"shape", "measured", "median", "p90", "max", "offers", "Mesos", "target", "verdict"};

  private ResultTable() {}

  static String render(List<CellResult> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (CellResult r : results) {
      Reference ref = Reference.of(r.cell());
      if (r.ok()) {
        rows.add(new String[] {r.cell().label(), r.measured(), CellResult.millis(r.median()),
            CellResult.millis(r.p90()), CellResult.millis(r.max()), r.offers(), ref.mesos(), ref.target(),
            ref.verdict(r.median())});
      } else {
        rows.add(new String[] {r.cell().label(), "error", "—", "—", "—", "—", ref.mesos(), ref.target(), "ERROR"});
      }
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      appendRow(out, rows.get(i), widths);
      if (i == 0) {
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < rule.length; c++) {
          rule[c] = "-".repeat(widths[c]);
        }
        appendRow(out, rule, widths);
      }
    }
    return out.toString();
  }

  /** Text left-aligned, figures right-aligned. */
  private static void appendRow(StringBuilder out, String[] row, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < row.length; c++) {
      boolean right = c >= 2 && c <= 5;
      String cell = row[c];
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(right ? pad + cell : cell + pad).append(c < row.length - 1 ? "  " : "");
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
