package io.flarestack.common.model;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Prometheus series selector such as {@code {service_name="api", env!~"dev|test"}}
 * or, in the legacy render query, {@code process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name="x"}}.
 * Matchers inside one selector are AND-ed. {@code {}} selects everything. Immutable.
 *
 * @param metricName the text before the braces, or null when there is none
 * @param matchers the label matchers, in the order written
 */
public record Selector(String metricName, List<Matcher> matchers) {
  public static final Selector ALL = new Selector(null, List.of());

  public Selector {
    matchers = List.copyOf(requireNonNull(matchers, "matchers is null"));
  }

  /** Whether every matcher accepts the label set (the metric name is not consulted). */
  public boolean matches(Labels labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** A copy with one more matcher. */
  public Selector and(Matcher m) {
    List<Matcher> all = new ArrayList<>(matchers);
    all.add(m);
    return new Selector(metricName, all);
  }

  /**
   * Parses Prometheus selector syntax: an optional metric name (letters, digits, {@code _} and
   * {@code :}), then optionally braces with comma-separated matchers; label names may be quoted;
   * strings use double quotes, single quotes or backticks with Go escapes.
   *
   * @throws FlarestackException invalid_argument naming the selector and the position of the error
   */
  public static Selector parse(String text) {
    requireNonNull(text, "text is null");
    return new Parser(text).parse();
  }

  /** Parses each selector; an empty list or only {@code {}} entries means "everything". */
  public static List<Selector> parseAll(List<String> texts) {
    List<Selector> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(parse(t));
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (metricName != null) {
      sb.append(metricName);
    }
    sb.append('{');
    for (int i = 0; i < matchers.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(matchers.get(i));
    }
    return sb.append('}').toString();
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Selector parse() {
      skipSpace();
      if (pos == s.length()) {
        throw error("empty selector");
      }
      String metric = null;
      if (s.charAt(pos) != '{') {
        int start = pos;
        while (pos < s.length() && isMetricChar(s.charAt(pos), pos == start)) {
          pos++;
        }
        if (pos == start) {
          throw error("unexpected character " + describe(s.charAt(pos)));
        }
        metric = s.substring(start, pos);
        skipSpace();
        if (pos == s.length()) {
          return new Selector(metric, List.of());
        }
      }
      expect('{');
      List<Matcher> matchers = new ArrayList<>();
      skipSpace();
      while (peek() != '}') {
        matchers.add(matcher());
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      pos++;
      skipSpace();
      if (pos != s.length()) {
        throw error("unexpected text after '}'");
      }
      return new Selector(metric, matchers);
    }

    private Matcher matcher() {
      String name;
      char c = peek();
      if (c == '"' || c == '\'' || c == '`') {
        name = string();
      } else {
        int start = pos;
        while (pos < s.length() && isLabelChar(s.charAt(pos), pos == start)) {
          pos++;
        }
        if (pos == start) {
          throw error(c == 0 ? "unexpected end of selector, expected a label name" : "expected a label name, got " + describe(c));
        }
        name = s.substring(start, pos);
      }
      skipSpace();
      Matcher.Type type;
      if (s.startsWith("=~", pos)) {
        type = Matcher.Type.REGEX;
        pos += 2;
      } else if (s.startsWith("!~", pos)) {
        type = Matcher.Type.NOT_REGEX;
        pos += 2;
      } else if (s.startsWith("!=", pos)) {
        type = Matcher.Type.NOT_EQUAL;
        pos += 2;
      } else if (peek() == '=') {
        type = Matcher.Type.EQUAL;
        pos++;
      } else {
        throw error("expected one of =, !=, =~, !~ after label " + name);
      }
      skipSpace();
      char q = peek();
      if (q != '"' && q != '\'' && q != '`') {
        throw error("expected a quoted value for label " + name);
      }
      String value = string();
      try {
        return Matcher.of(name, type, value);
      } catch (FlarestackException e) {
        throw FlarestackException.invalidArgument("invalid selector %s: %s", Matcher.quote(s), e.getMessage());
      }
    }

    private String string() {
      char quote = s.charAt(pos++);
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == quote) {
          return sb.toString();
        }
        if (c == '\\' && quote != '`') {
          if (pos >= s.length()) {
            throw error("unterminated escape");
          }
          char e = s.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case '\\', '"', '\'' -> sb.append(e);
            case 'x' -> sb.append((char) hex(2));
            case 'u' -> sb.append((char) hex(4));
            case 'U' -> sb.appendCodePoint(codePoint(hex(8)));
            default -> throw error("unknown escape sequence \\" + e);
          }
        } else {
          sb.append(c);
        }
      }
    }

    private int hex(int digits) {
      if (pos + digits > s.length()) {
        throw error("truncated escape sequence");
      }
      try {
        int v = Integer.parseUnsignedInt(s.substring(pos, pos + digits), 16);
        pos += digits;
        return v;
      } catch (NumberFormatException e) {
        throw error("invalid hex escape");
      }
    }

    private int codePoint(int v) {
      if (!Character.isValidCodePoint(v)) {
        pos -= 10; // the escape starts at the backslash
        throw error(String.format("\\U%08x is not a Unicode code point (the largest is \\U0010ffff)", v));
      }
      return v;
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : 0;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error(pos == s.length() ? "unexpected end of selector, expected '" + c + "'" : "expected '" + c + "', got " + describe(peek()));
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private FlarestackException error(String what) {
      return FlarestackException.invalidArgument(
          "invalid selector %s: %s at position %d", Matcher.quote(s), what, pos);
    }

    private static String describe(char c) {
      return c == 0 ? "end of input" : "'" + c + "'";
    }

    private static boolean isLabelChar(char c, boolean first) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    private static boolean isMetricChar(char c, boolean first) {
      return isLabelChar(c, first) || c == ':' || (!first && (c == '.' || c == '-'));
    }
  }
}
