package io.flarestack.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line options {@code --name value} or {@code --name=value}; Go-style durations with an
 * optional sign ({@code 15s}, {@code -50m}, {@code 1h30m}, {@code 250ms}). Every option must be
 * read, so a typo fails instead of being ignored. Not thread-safe.
 */
public final class Args {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> used = new TreeSet<>();

  private Args() {}

  public static Args parse(String[] argv) {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      String s = argv[i];
      if (!s.startsWith("--") || s.length() == 2) {
        throw new IllegalArgumentException("expected --option, got \"" + s + "\"");
      }
      String name;
      String value;
      int eq = s.indexOf('=');
      if (eq > 0) {
        name = s.substring(2, eq);
        value = s.substring(eq + 1);
      } else {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException("option --" + s.substring(2) + " needs a value");
        }
        name = s.substring(2);
        value = argv[++i];
      }
      if (a.values.put(name, value) != null) {
        throw new IllegalArgumentException("option --" + name + " given twice");
      }
    }
    return a;
  }

  public String string(String name, String dflt) {
    used.add(name);
    return values.getOrDefault(name, dflt);
  }

  public int intValue(String name, int dflt) {
    String v = string(name, null);
    try {
      return v == null ? dflt : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got \"" + v + "\"");
    }
  }

  public long longValue(String name, long dflt) {
    String v = string(name, null);
    try {
      return v == null ? dflt : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got \"" + v + "\"");
    }
  }

  public Duration duration(String name, Duration dflt) {
    String v = string(name, null);
    return v == null ? dflt : parseDuration(name, v);
  }

  /** A comma-separated list; empty when absent. */
  public List<String> list(String name) {
    String v = string(name, null);
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String p : v.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
    }
    return out;
  }

  /** @throws IllegalArgumentException naming the options nobody read */
  public void requireAllUsed() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option(s) " + unknown);
    }
  }

  static Duration parseDuration(String name, String v) {
    String s = v.strip();
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    long nanos = 0;
    while (m.find() && m.start() == pos) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      nanos += Math.round(n * unit);
      pos = m.end();
    }
    if (pos != s.length() || pos == 0) {
      throw new IllegalArgumentException("--" + name + " must be a duration like 15s, 50m or 1h30m, got \"" + v + "\"");
    }
    return Duration.ofNanos(negative ? -nanos : nanos);
  }
}
