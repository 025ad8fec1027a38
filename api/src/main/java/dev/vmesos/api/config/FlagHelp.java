package dev.vmesos.api.config;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The flags one command takes, each with its default and what it does: what {@code --help}
 * prints, as Mesos binaries do. A command's help is the sum of the parts it reads (the master's
 * own flags plus the cluster flags, say); each part lives beside the code that reads its flags, and
 * a test checks that every flag read is described.
 */
public final class FlagHelp {

  private static final int WIDTH = 100;
  private static final int NAME_COLUMN = 38;

  /**
   * One flag.
   *
   * @param name         without the leading dashes, as read ({@code heartbeat_interval})
   * @param value        what its value looks like ({@code VALUE}, {@code DURATION}); empty for a boolean
   * @param defaultValue shown as "(default: ...)"; null when there is none
   * @param description  one or two sentences
   */
  public record Flag(String name, String value, String defaultValue, String description) {

    public Flag {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(description, "description");
    }

    String synopsis() {
      return value.isEmpty() ? "--[no-]" + name : "--" + name + "=" + value;
    }
  }

  private final List<Flag> flags;

  private FlagHelp(List<Flag> flags) {
    this.flags = List.copyOf(flags);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the command line asks for help ({@code --help}, {@code --help=true} or {@code -h}). */
  public static boolean requested(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("--help=true") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** This help and {@code other}'s together. */
  public FlagHelp plus(FlagHelp other) {
    List<Flag> all = new ArrayList<>(flags);
    all.addAll(other.flags);
    return new FlagHelp(all);
  }

  public List<Flag> flags() {
    return flags;
  }

  /** The flags' names as {@link Flags} reads them (dashes as underscores: {@code total-queries} is {@code total_queries}). */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    flags.forEach(f -> names.add(f.name().replace('-', '_')));
    return names;
  }

  /**
   * The text {@code --help} prints: a usage line, then every flag in name order with its
   * description wrapped beside it.
   */
  public String render(String usage) {
    StringBuilder out = new StringBuilder("Usage: ").append(usage).append("\n\n");
    out.append("Flags may also come from the environment as MESOS_<NAME> or VMESOS_<NAME>.\n\n");
    List<Flag> sorted = new ArrayList<>(flags);
    sorted.sort(Comparator.comparing(Flag::name));
    for (Flag flag : sorted) {
      String text = flag.description() + (flag.defaultValue() == null ? "" : " (default: " + flag.defaultValue() + ")");
      String head = "  " + flag.synopsis();
      List<String> lines = wrap(text, WIDTH - NAME_COLUMN);
      if (head.length() + 2 > NAME_COLUMN) {
        out.append(head).append('\n');
      } else {
        out.append(head).append(" ".repeat(NAME_COLUMN - head.length())).append(lines.remove(0)).append('\n');
      }
      for (String line : lines) {
        out.append(" ".repeat(NAME_COLUMN)).append(line).append('\n');
      }
    }
    return out.toString();
  }

  public void print(String usage, PrintStream out) {
    out.print(render(usage));
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Collects flags in the order they are declared. */
  public static final class Builder {
    private final List<Flag> flags = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();

    /** A flag with a value and a default ({@code null} for none). */
    public Builder flag(String name, String value, Object defaultValue, String description) {
      if (!names.add(name)) {
        throw new IllegalArgumentException("flag '" + name + "' described twice");
      }
      flags.add(new Flag(name, value, defaultValue == null ? null : defaultValue.toString(), description));
      return this;
    }

    /** A boolean flag: {@code --name} / {@code --no-name}. */
    public Builder bool(String name, boolean defaultValue, String description) {
      return flag(name, "", defaultValue, description);
    }

    public FlagHelp build() {
      return new FlagHelp(flags);
    }
  }
}
