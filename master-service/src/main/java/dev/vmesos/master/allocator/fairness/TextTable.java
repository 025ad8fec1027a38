package dev.vmesos.master.allocator.fairness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A fixed-width plain-text table: a header, a rule, rows; numeric columns can be right-aligned. */
final class TextTable {

  private static final String GAP = "  ";

  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(List<String> headers) {
    this.headers = List.copyOf(headers);
    this.right = new boolean[headers.size()];
  }

  TextTable(String... headers) {
    this(Arrays.asList(headers));
  }

  /** Right-aligns these columns (0-based). */
  TextTable alignRight(int... columns) {
    for (int c : columns) {
      right[c] = true;
    }
    return this;
  }

  TextTable row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException("A row needs " + headers.size() + " cells, got " + cells.size());
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  TextTable row(String... cells) {
    return row(Arrays.asList(cells));
  }

  /** The table, each line starting with {@code indent} and ending with a newline. */
  String render(String indent) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, indent, headers, widths);
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("-".repeat(width));
    }
    line(out, indent, rule, widths);
    for (List<String> row : rows) {
      line(out, indent, row, widths);
    }
    return out.toString();
  }

  private void line(StringBuilder out, String indent, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(c == 0 ? "" : GAP).append(right[c] ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
