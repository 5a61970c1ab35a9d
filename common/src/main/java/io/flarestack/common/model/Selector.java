package io.flarestack.common.model;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Prometheus series selector such as {@code {service_name="api", env!~"dev|test"}}
 * or, in the legacy render query, {@code process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name="x"}}
 * (see {@link #parse} and {@link #parseWithMetricName}).
 * Matchers inside one selector are AND-ed. {@code {}} selects everything. Immutable.
 *
 * @param metricName the text before the braces, or null when there is none
 * @param matchers the label matchers, in the order written
 */
public record Selector(String metricName, List<Matcher> matchers) {
  public static final Selector ALL = new Selector(null, List.of());
  /** The longest selector text accepted, in characters (all of them together for {@link #parseAll}). */
  public static final int MAX_LENGTH = 65_536;

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
   * Parses a label selector, as in the {@code label_selector} and {@code matchers} fields of the
   * Querier API: braces holding comma-separated matchers, {@code {}} for everything. Label names
   * may be quoted; strings use double quotes, single quotes or backticks with Go escapes.
   *
   * <p>A bare word or a name before the braces is refused: Prometheus would read {@code word} as
   * {@code {__name__="word"}}, but no client of this API sends one, and accepting it silently
   * selected every series.
   *
   * @throws FlarestackException invalid_argument naming the selector and the position of the
   *     error, or the limit ({@link #MAX_LENGTH}, or one of a regular expression's)
   */
  public static Selector parse(String text) {
    requireNonNull(text, "text is null");
    checkLength(text);
    return new Parser(text, false).parse();
  }

  /**
   * Parses a selector that may start with a metric name (letters, digits, {@code _}, {@code :},
   * and {@code .} or {@code -} after the first character), as the legacy render query
   * {@code process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name="x"}}, where it holds the
   * profile type; the braces may then be left out. Otherwise as {@link #parse}.
   *
   * @throws FlarestackException invalid_argument as {@link #parse}
   */
  public static Selector parseWithMetricName(String text) {
    requireNonNull(text, "text is null");
    checkLength(text);
    return new Parser(text, true).parse();
  }

  /**
   * Parses each label selector ({@link #parse}); an empty list or only {@code {}} entries means
   * "everything".
   *
   * @throws FlarestackException invalid_argument as {@link #parse}, or when the selectors together
   *     are longer than {@link #MAX_LENGTH}
   */
  public static List<Selector> parseAll(List<String> texts) {
    long total = 0;
    for (String t : texts) {
      total += t.length();
    }
    if (total > MAX_LENGTH) {
      throw FlarestackException.invalidArgument("the %d label selectors are %d characters long together, over the "
          + "limit of %d characters", texts.size(), total, MAX_LENGTH);
    }
    List<Selector> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(parse(t));
    }
    return out;
  }

  private static void checkLength(String text) {
    if (text.length() > MAX_LENGTH) {
      throw FlarestackException.invalidArgument("invalid selector %s: it is %d characters long, over the limit of %d "
          + "characters", Matcher.abbreviate(text), text.length(), MAX_LENGTH);
    }
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
    private final boolean metricName;
    private int pos;

    Parser(String s, boolean metricName) {
      this.s = s;
      this.metricName = metricName;
    }

    Selector parse() {
      skipSpace();
      if (pos == s.length()) {
        throw error("empty selector");
      }
      String metric = null;
      if (s.charAt(pos) != '{' && !metricName) {
        int end = pos;
        while (end < s.length() && isMetricChar(s.charAt(end), end == pos)) {
          end++;
        }
        String word = end > pos ? s.substring(pos, end) : "...";
        String label = word.indexOf(':') >= 0 ? LabelNames.PROFILE_TYPE : "__name__";
        throw error("a label selector is a list of matchers in braces, such as {service_name=\"api\"}, with no name "
            + "before them (to select by that name write {" + label + "=" + Matcher.abbreviate(word) + "})");
      }
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
        throw FlarestackException.invalidArgument("invalid selector %s: %s", Matcher.abbreviate(s), e.getMessage());
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
          "invalid selector %s: %s at position %d", Matcher.abbreviate(s), what, pos);
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
