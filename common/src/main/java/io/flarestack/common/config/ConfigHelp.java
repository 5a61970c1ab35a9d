package io.flarestack.common.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code -help} text in the format of Go's flag package, so it reads like Pyroscope's:
 * <pre>
 *   -server.http-listen-port int
 *     	HTTP server listen port. (default 4040)
 * </pre>
 * One entry per flag, sorted by name; the type word is left out for booleans, and the default
 * is left out when it is the type's zero value. Includes the loader's built-in flags. An option
 * that has no effect yet says so first ({@link Option#describeHelp()}), as Pyroscope marks its
 * {@code [experimental]} ones.
 * Stateless and thread-safe.
 */
public final class ConfigHelp {
  private ConfigHelp() {}

  public static String render(List<Option<?>> options) {
    Set<Option<?>> all = new LinkedHashSet<>(options);
    all.addAll(ConfigLoader.BUILTIN_OPTIONS);
    List<Option<?>> flags = new ArrayList<>();
    for (Option<?> o : all) {
      if (o.flag() != null) {
        flags.add(o);
      }
    }
    flags.sort(Comparator.comparing(Option::flag));
    StringBuilder out = new StringBuilder();
    for (Option<?> o : flags) {
      StringBuilder entry = new StringBuilder("  -").append(o.flag());
      String type = o.type().helpName();
      if (!type.isEmpty()) {
        entry.append(' ').append(type);
      }
      // Go puts a one-letter flag's usage on the same line; every other usage goes below it.
      entry.append(entry.length() <= 4 ? "\t" : "\n    \t");
      entry.append(o.describeHelp().replace("\n", "\n    \t"));
      String def = defaultText(o);
      if (def != null) {
        entry.append(" (default ").append(def).append(')');
      }
      out.append(entry).append('\n');
    }
    return out.toString();
  }

  /** The default as Go prints it, or null for a zero value. */
  private static <T> String defaultText(Option<T> o) {
    T value = o.defaultValue();
    if (value == null) {
      return null;
    }
    Object yaml = ConfigYaml.yamlValue(o, value);
    if (value instanceof String s) {
      return s.isEmpty() ? null : goQuote(String.valueOf(yaml));
    }
    if (value instanceof Boolean b) {
      return b ? "true" : null;
    }
    if (value instanceof Duration d) {
      return d.isZero() ? null : String.valueOf(yaml);
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? null : String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Double d) {
      return d == 0 ? null : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    if (value instanceof Number n) {
      return n.longValue() == 0 && n.doubleValue() == 0 ? null : String.valueOf(yaml);
    }
    String text = String.valueOf(yaml);
    return text.isEmpty() ? null : text;
  }

  private static String goQuote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
