package dev.vmesos.api.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mesos-style flags: {@code --name=value}, {@code --name value}, {@code --flag} (true) and
 * {@code --no-flag} (false); a flag not on the command line may come from the environment as
 * {@code MESOS_NAME} or {@code VMESOS_NAME}. Read every flag through the typed getters, then call
 * {@link #rejectUnknown()} so that a misspelt flag stops start-up instead of being ignored.
 */
public final class Flags {

  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?");

  private final Map<String, String> commandLine;
  private final Map<String, String> environment;
  private final Set<String> read = new HashSet<>();

  private Flags(Map<String, String> commandLine, Map<String, String> environment) {
    this.commandLine = commandLine;
    this.environment = environment;
  }

  /** Parses arguments (the subcommand already removed); {@code env} is usually {@code System.getenv()}. */
  public static Flags parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new FlagException("Unexpected argument '" + arg + "': flags look like --name=value");
      }
      String body = arg.substring(2);
      String name;
      String value;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        name = body.substring(0, eq);
        value = body.substring(eq + 1);
      } else if (body.startsWith("no-")) {
        name = body.substring(3);
        value = "false";
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        name = body;
        value = args[++i];
      } else {
        name = body;
        value = "true";
      }
      name = name.replace('-', '_');
      if (values.put(name, value) != null) {
        throw new FlagException("Flag '--" + name + "' was given more than once");
      }
    }
    return new Flags(values, env);
  }

  private Optional<String> raw(String name) {
    read.add(name);
    String value = commandLine.get(name);
    if (value == null) {
      String upper = name.toUpperCase(Locale.ROOT);
      value = environment.get("VMESOS_" + upper);
      if (value == null) {
        value = environment.get("MESOS_" + upper);
      }
    }
    return Optional.ofNullable(value);
  }

  public Optional<String> optional(String name) {
    return raw(name).filter(v -> !v.isEmpty());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name) {
    return optional(name).orElseThrow(() -> new FlagException("Flag '--" + name + "' is required"));
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.get().trim());
      if (parsed < min || parsed > max) {
        throw new FlagException("Flag '--" + name + "': " + parsed + " is out of range [" + min + ", " + max + "]");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new FlagException("Flag '--" + name + "': '" + value.get() + "' is not an integer");
    }
  }

  /** A positive, finite decimal number ({@code --task_cpus=0.5}). */
  public double positiveNumber(String name, double defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value.get().trim());
    } catch (NumberFormatException e) {
      throw new FlagException("Flag '--" + name + "': '" + value.get() + "' is not a number");
    }
    if (!(parsed > 0) || Double.isInfinite(parsed)) {
      throw new FlagException("Flag '--" + name + "': " + value.get() + " is not a positive number");
    }
    return parsed;
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> {
        return true;
      }
      case "false", "0", "no" -> {
        return false;
      }
      default -> throw new FlagException("Flag '--" + name + "': '" + value.get() + "' is not a boolean");
    }
  }

  /**
   * Mesos durations: {@code 15secs}, {@code 100ms}, {@code 2mins}, {@code 1hrs}. A value without a unit
   * stops start-up naming the flag, as in Mesos ({@link #parseDuration}).
   */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return parseDuration(value.get());
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--" + name + "': " + e.getMessage());
    }
  }

  /**
   * Mesos byte sizes, as stout's {@code Bytes}: {@code 8MB}, {@code 512KB}, {@code 1GB} (units of
   * 1024); a bare number means bytes. Refused outside {@code [min, max]}, naming the flag.
   */
  public long bytes(String name, long defaultValue, long min, long max) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = parseBytes(value.get());
    } catch (IllegalArgumentException e) {
      throw new FlagException("Flag '--" + name + "': " + e.getMessage());
    }
    if (parsed < min || parsed > max) {
      throw new FlagException("Flag '--" + name + "': " + value.get().trim() + " is out of range [" + min + "B, "
          + max + "B]");
    }
    return parsed;
  }

  /** Parses a Mesos byte size such as {@code 8MB} or {@code 4096}. */
  public static long parseBytes(String text) {
    Matcher m = BYTES.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a byte size (examples: 8MB, 512KB, 1GB)");
    }
    int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      case "TB" -> 40;
      default -> 0;
    };
    try {
      long amount = Long.parseLong(m.group(1));
      if (amount > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return amount << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
  }

  /**
   * Parses a Mesos duration as stout's {@code Duration::parse} does: a non-negative decimal number
   * followed at once by one of Mesos's units, {@code ns}, {@code us}, {@code ms}, {@code secs},
   * {@code mins}, {@code hrs}, {@code days} or {@code weeks} ({@code 15secs}, {@code 500ms},
   * {@code 1.5mins}). A bare number is refused, as Mesos refuses it: {@code --allocation_interval=5}
   * is a mistake (seconds? milliseconds?), not five seconds. So is a duration too long for a
   * {@link Duration} of nanoseconds (about 292 years).
   */
  public static Duration parseDuration(String text) {
    String trimmed = text.trim();
    int unitStart = 0;
    while (unitStart < trimmed.length()
        && ((trimmed.charAt(unitStart) >= '0' && trimmed.charAt(unitStart) <= '9') || trimmed.charAt(unitStart) == '.')) {
      unitStart++;
    }
    String number = trimmed.substring(0, unitStart);
    String unit = trimmed.substring(unitStart);
    if (number.isEmpty() || number.chars().filter(c -> c == '.').count() > 1 || number.equals(".")) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 15secs, 500ms, 2mins)");
    }
    if (unit.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' has no unit; a duration needs one of ns, us, ms, secs,"
          + " mins, hrs, days, weeks (e.g. " + number + "secs)");
    }
    double nanosPerUnit = switch (unit) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "secs" -> 1e9;
      case "mins" -> 60e9;
      case "hrs" -> 3600e9;
      case "days" -> 86400e9;
      case "weeks" -> 7 * 86400e9;
      default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
          + "' (units: ns, us, ms, secs, mins, hrs, days, weeks)");
    };
    double nanos = Double.parseDouble(number) * nanosPerUnit;
    if (!(nanos < 0x1p63)) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** The names of the flags read so far, whether given or not (for checking a command's help). */
  public Set<String> namesRead() {
    return Set.copyOf(read);
  }

  /** Fails naming the first command-line flag that no getter asked for. */
  public void rejectUnknown() {
    for (String name : commandLine.keySet()) {
      if (!read.contains(name)) {
        throw new FlagException("Unknown flag '--" + name + "'");
      }
    }
  }
}
