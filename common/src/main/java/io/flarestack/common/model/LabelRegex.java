package io.flarestack.common.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A label matcher's regular expression with Prometheus semantics: RE2 syntax, fully anchored
 * (the whole value must match), {@code .} matching newlines too, as Prometheus compiles
 * {@code ^(?s:<re>)$}. Matching takes time linear in the value (RE2/J, no backtracking).
 *
 * <p>Common shapes skip the engine: {@code .*}, {@code .+}, a literal or literal alternation
 * ({@code a|b|c}, optionally in one group), a literal prefix {@code abc.*}, suffix
 * {@code .*abc} or infix {@code .*abc.*}. Everything else runs on RE2/J, after a bound on the
 * pattern's length and estimated cost ({@link RegexCost}) so that compiling stays small.
 *
 * <p>Immutable and thread-safe.
 */
final class LabelRegex {
  /** The longest pattern accepted, in characters. */
  static final int MAX_LENGTH = 16_384;
  /** The most zero-width steps (alternations, optional and repeated items, groups) after expansion. */
  static final long MAX_BRANCHES = 1_000;
  /** The largest program after expanding counted repetitions, in RE2 instructions. */
  static final long MAX_PROGRAM_SIZE = 100_000;

  private static final String METACHARS = "\\.+*?()|[]{}^$";
  // fastPath's tokens besides literal runs (Strings)
  private static final Object DOT_STAR = new Object();
  private static final Object DOT_PLUS = new Object();
  private static final Object ALT = new Object();

  private enum Kind { ANY, NON_EMPTY, SET, PREFIX, SUFFIX, CONTAINS, ENGINE }

  private final Kind kind;
  private final String literal; // PREFIX, SUFFIX, CONTAINS
  private final Set<String> set; // SET
  private final Pattern pattern; // ENGINE

  private LabelRegex(Kind kind, String literal, Set<String> set, Pattern pattern) {
    this.kind = kind;
    this.literal = literal;
    this.set = set;
    this.pattern = pattern;
  }

  /**
   * Compiles a pattern for the matcher on {@code label}.
   *
   * @throws FlarestackException invalid_argument naming the pattern, the label and the reason:
   *     syntax RE2 does not accept, or a pattern over one of this class's limits
   */
  static LabelRegex compile(String label, String re) {
    if (re.length() > MAX_LENGTH) {
      throw invalid(label, re, "it is %d characters long, over the limit of %d for a regular expression",
          re.length(), MAX_LENGTH);
    }
    LabelRegex fast = fastPath(re);
    return fast != null ? fast : engine(label, re);
  }

  /** Compiles for RE2/J without looking for a shortcut (tests compare the two). */
  static LabelRegex engine(String label, String re) {
    RegexCost.Cost cost = RegexCost.of(re);
    if (cost.branches() > MAX_BRANCHES) {
      throw invalid(label, re, "it is too complex: its alternations, groups and repetitions expand to more than "
          + "%d branches (limit for RE2 label matchers)", MAX_BRANCHES);
    }
    if (cost.size() > MAX_PROGRAM_SIZE) {
      throw invalid(label, re, "it is too large: its repetitions expand to more than %d RE2 instructions "
          + "(limit for RE2 label matchers)", MAX_PROGRAM_SIZE);
    }
    Pattern p;
    try {
      p = Pattern.compile(re, Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      // RE2/J puts "(?s)" before the pattern for DOTALL, which shows in (and, for a stray ')',
      // garbles) its message; the same syntax error without the flag reads as Go's would.
      PatternSyntaxException plain = e;
      try {
        Pattern.compile(re);
      } catch (PatternSyntaxException withoutFlag) {
        plain = withoutFlag;
      }
      throw invalid(label, re, "%s", reason(plain));
    } catch (StackOverflowError e) {
      // A backstop only: the cost limits above keep RE2/J's recursion far below a default stack.
      throw invalid(label, re, "it nests too deeply to compile (RE2 label matchers)");
    }
    return new LabelRegex(Kind.ENGINE, null, null, p);
  }

  /** Whether the whole of {@code value} matches. */
  boolean matches(String value) {
    return switch (kind) {
      case ANY -> true;
      case NON_EMPTY -> !value.isEmpty();
      case SET -> set.contains(value);
      case PREFIX -> value.startsWith(literal);
      case SUFFIX -> value.endsWith(literal);
      case CONTAINS -> value.contains(literal);
      case ENGINE -> pattern.matches(value);
    };
  }

  /** Whether matching skips the regex engine (for tests). */
  boolean optimised() {
    return kind != Kind.ENGINE;
  }

  /**
   * Recognises the shapes that need no engine, or returns null. Only text made of literal
   * characters, escaped punctuation, {@code |}, {@code .*} and {@code .+} (in the positions
   * listed in the class comment) and one optional enclosing group qualifies, so every pattern
   * taken here is valid RE2 and means exactly what the shortcut does.
   */
  static LabelRegex fastPath(String re) {
    String body = re;
    if (re.endsWith(")") && !escaped(re, re.length() - 1)) {
      if (re.startsWith("(?:")) {
        body = re.substring(3, re.length() - 1);
      } else if (re.startsWith("(") && !re.startsWith("(?")) {
        body = re.substring(1, re.length() - 1);
      } else {
        return null;
      }
    }
    List<Object> tokens = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int n = body.length();
    int i = 0;
    while (i < n) {
      char c = body.charAt(i);
      char next = i + 1 < n ? body.charAt(i + 1) : 0;
      if (c == '.') {
        if ((next != '*' && next != '+') || isQuantifier(i + 2 < n ? body.charAt(i + 2) : 0)) {
          return null;
        }
        flush(lit, tokens);
        tokens.add(next == '*' ? DOT_STAR : DOT_PLUS);
        i += 2;
        continue;
      }
      if (c == '|') {
        flush(lit, tokens);
        tokens.add(ALT);
        i++;
        continue;
      }
      char literalChar;
      if (c == '\\') {
        if (next < 0x21 || next > 0x7e || Character.isLetterOrDigit(next)) {
          return null;
        }
        literalChar = next;
        i += 2;
      } else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
        if (isQuantifier(i + 2 < n ? body.charAt(i + 2) : 0)) {
          return null;
        }
        lit.append(c).append(next); // one code point, as RE2 reads it
        i += 2;
        continue;
      } else if (METACHARS.indexOf(c) >= 0 || Character.isSurrogate(c)) {
        return null; // a lone surrogate is no character RE2 can read
      } else {
        literalChar = c;
        i++;
      }
      if (isQuantifier(i < n ? body.charAt(i) : 0)) {
        return null; // the quantifier applies to this character alone
      }
      lit.append(literalChar);
    }
    flush(lit, tokens);
    return shape(tokens);
  }

  private static LabelRegex shape(List<Object> tokens) {
    for (int i = tokens.size() - 1; i > 0; i--) {
      if (tokens.get(i) == DOT_STAR && tokens.get(i - 1) == DOT_STAR) {
        tokens.remove(i); // .*.* is .*
      }
    }
    if (tokens.contains(ALT)) {
      List<String> alternatives = new ArrayList<>();
      String current = "";
      for (Object t : tokens) {
        if (t == ALT) {
          alternatives.add(current);
          current = "";
        } else if (t instanceof String s) {
          current = s;
        } else {
          return null;
        }
      }
      alternatives.add(current);
      return new LabelRegex(Kind.SET, null, Set.copyOf(alternatives), null);
    }
    int size = tokens.size();
    if (size == 0) {
      return new LabelRegex(Kind.SET, null, Set.of(""), null);
    }
    Object first = tokens.get(0);
    Object last = tokens.get(size - 1);
    if (size == 1) {
      if (first == DOT_STAR) {
        return new LabelRegex(Kind.ANY, null, null, null);
      }
      if (first == DOT_PLUS) {
        return new LabelRegex(Kind.NON_EMPTY, null, null, null);
      }
      return new LabelRegex(Kind.SET, null, Set.of((String) first), null);
    }
    if (size == 2 && first instanceof String s && last == DOT_STAR) {
      return new LabelRegex(Kind.PREFIX, s, null, null);
    }
    if (size == 2 && first == DOT_STAR && last instanceof String s) {
      return new LabelRegex(Kind.SUFFIX, s, null, null);
    }
    if (size == 3 && first == DOT_STAR && tokens.get(1) instanceof String s && last == DOT_STAR) {
      return new LabelRegex(Kind.CONTAINS, s, null, null);
    }
    return null;
  }

  private static void flush(StringBuilder lit, List<Object> tokens) {
    if (lit.length() > 0) {
      tokens.add(lit.toString());
      lit.setLength(0);
    }
  }

  private static boolean isQuantifier(char c) {
    return c == '*' || c == '+' || c == '?' || c == '{';
  }

  /** Whether the character at {@code i} follows an odd number of backslashes. */
  private static boolean escaped(String s, int i) {
    int backslashes = 0;
    for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** RE2/J's complaint, reworded for the Perl and Java constructs RE2 leaves out on purpose. */
  private static String reason(PatternSyntaxException e) {
    String fragment = e.getPattern() == null ? "" : e.getPattern();
    String description = e.getDescription() == null ? "invalid syntax" : e.getDescription();
    String what;
    if (fragment.length() >= 2 && fragment.charAt(0) == '\\'
        && ((fragment.charAt(1) >= '1' && fragment.charAt(1) <= '9') || fragment.charAt(1) == 'k' || fragment.charAt(1) == 'g')) {
      what = "backreferences are not supported";
    } else if (fragment.startsWith("(?=") || fragment.startsWith("(?!")) {
      what = "lookahead assertions are not supported";
    } else if (fragment.startsWith("(?<=") || fragment.startsWith("(?<!")) {
      what = "lookbehind assertions are not supported";
    } else if (fragment.equals("stack underflow")) {
      what = "unexpected )"; // RE2/J's words for what Go reports as this
      fragment = "";
    } else if (fragment.startsWith("(?>")) {
      what = "atomic groups are not supported";
    } else if (fragment.length() >= 2 && fragment.endsWith("+")
        && "*+?}".indexOf(fragment.charAt(fragment.length() - 2)) >= 0) {
      what = "possessive quantifiers are not supported";
    } else {
      what = description;
    }
    if (fragment.length() > 40) {
      fragment = fragment.substring(0, Character.isHighSurrogate(fragment.charAt(39)) ? 39 : 40) + "...";
    }
    return what + " (RE2 syntax)" + (fragment.isEmpty() ? "" : ": `" + fragment + "`");
  }

  private static FlarestackException invalid(String label, String re, String format, Object... args) {
    return FlarestackException.invalidArgument("invalid regular expression %s for label %s: %s",
        Matcher.abbreviate(re), label, String.format(format, args));
  }
}
