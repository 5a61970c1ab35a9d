package io.flarestack.common.model;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;

/**
 * One Prometheus label matcher. A missing label matches as the empty string, so
 * {@code k!="v"} selects series without {@code k} and {@code k=""} selects only those.
 * Regular expressions use RE2 syntax, as in Prometheus and Pyroscope, are fully anchored, let
 * {@code .} match newlines, and match in time linear in the value (see {@link LabelRegex}).
 * Immutable and thread-safe.
 */
public final class Matcher {
  /** The four Prometheus operators. */
  public enum Type {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String operator;

    Type(String operator) {
      this.operator = operator;
    }

    public String operator() {
      return operator;
    }
  }

  private final String name;
  private final Type type;
  private final String value;
  private final LabelRegex regex; // REGEX and NOT_REGEX only

  private Matcher(String name, Type type, String value) {
    this.name = requireNonNull(name, "name is null");
    this.type = requireNonNull(type, "type is null");
    this.value = requireNonNull(value, "value is null");
    this.regex = type == Type.REGEX || type == Type.NOT_REGEX ? LabelRegex.compile(name, value) : null;
  }

  /**
   * Creates a matcher.
   *
   * @throws FlarestackException invalid_argument when a regular expression is not valid RE2
   *     syntax or exceeds the limits of {@link LabelRegex}; the message names the pattern, the
   *     label and the reason
   */
  public static Matcher of(String name, Type type, String value) {
    return new Matcher(name, type, value);
  }

  public static Matcher equal(String name, String value) {
    return new Matcher(name, Type.EQUAL, value);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String value() {
    return value;
  }

  /** Whether a label value (use "" for a missing label) satisfies this matcher. */
  public boolean matches(String labelValue) {
    return switch (type) {
      case EQUAL -> value.equals(labelValue);
      case NOT_EQUAL -> !value.equals(labelValue);
      case REGEX -> regex.matches(labelValue);
      case NOT_REGEX -> !regex.matches(labelValue);
    };
  }

  public boolean matches(Labels labels) {
    return matches(labels.getOrEmpty(name));
  }

  /** Whether the empty string (a missing label) satisfies this matcher. */
  public boolean matchesEmpty() {
    return matches("");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matcher m && m.name.equals(name) && m.type == type && m.value.equals(value);
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + type.hashCode()) * 31 + value.hashCode();
  }

  @Override
  public String toString() {
    String n = LabelNames.isLegacyName(name) ? name : quote(name);
    return n + type.operator + quote(value);
  }

  /** Longer text is cut to this many characters in error messages. */
  private static final int MESSAGE_TEXT_LIMIT = 200;

  /** {@link #quote}, cut after {@value #MESSAGE_TEXT_LIMIT} characters (with the full length) for messages. */
  static String abbreviate(String s) {
    if (s.length() <= MESSAGE_TEXT_LIMIT) {
      return quote(s);
    }
    int cut = Character.isHighSurrogate(s.charAt(MESSAGE_TEXT_LIMIT - 1)) ? MESSAGE_TEXT_LIMIT - 1 : MESSAGE_TEXT_LIMIT;
    return quote(s.substring(0, cut)) + "... (" + s.length() + " characters)";
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
