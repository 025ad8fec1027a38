package dev.vmesos.deploy.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for a terminal: a header row, then rows, columns padded to their widest cell. */
final class Table {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    rows.add(header);
    columns = header.length;
  }

  Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
    }
    String[] text = new String[columns];
    for (int i = 0; i < columns; i++) {
      text[i] = cells[i] == null ? "-" : cells[i].toString();
    }
    rows.add(text);
    return this;
  }

  /** Rows after the header. */
  int size() {
    return rows.size() - 1;
  }

  void print(PrintStream out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }
}
