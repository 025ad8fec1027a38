package dev.vmesos.examples.throttle;

import dev.vmesos.api.config.FlagException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What the throttle framework loads: {@code --target=sink} (a counting HTTP sink the framework
 * starts itself), an {@code http://} URL (each query is a GET of {@code <url>?query=<n>}) or a
 * {@code jdbc:postgresql://} URL (each query inserts its number into {@value #TABLE}).
 */
public sealed interface Target {

  String TABLE = "vmesos_throttle_queries";

  /** The built-in sink, started by the framework on 127.0.0.1. */
  record Sink() implements Target {
  }

  record Http(URI url) implements Target {
  }

  record Jdbc(String url) implements Target {
    @Override
    public String toString() {
      return JdbcTarget.redact(url);
    }
  }

  static Target parse(String text) {
    String value = text.trim();
    if (value.equals("sink")) {
      return new Sink();
    }
    if (value.startsWith("http://") || value.startsWith("https://")) {
      try {
        URI uri = URI.create(value);
        if (uri.getHost() == null) {
          throw new IllegalArgumentException("no host");
        }
        return new Http(uri);
      } catch (IllegalArgumentException e) {
        throw new FlagException("Flag '--target': '" + value + "' is not a URL");
      }
    }
    if (value.startsWith("jdbc:postgresql:")) {
      return new Jdbc(value);
    }
    throw new FlagException("Flag '--target': '" + value
        + "' is not 'sink', an http:// URL or a jdbc:postgresql:// URL");
  }

  /**
   * A task's data: the resolved target on the first line, then one query per line, for
   * {@code [first, first + count)}.
   */
  static String taskData(String resolvedTarget, boolean jdbc, long first, int count) {
    List<String> lines = new ArrayList<>(count + 1);
    lines.add(resolvedTarget);
    for (long n = first; n < first + count; n++) {
      lines.add(jdbc ? "INSERT INTO " + TABLE + " (query_no) VALUES (" + n + ")" : "query=" + n);
    }
    return String.join("\n", lines);
  }
}
