package io.flarestack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LabelRegexTest {
  /** The attack report's D2 value: 2,040 'a' and a '!' (under the 2,048-character label limit). */
  private static final String BOMB_VALUE = "a".repeat(2040) + "!";

  // The @Timeout guards against a hang only; nothing here measures time.
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void attackReportPatternsAnswerCorrectlyOnTheLongValue() {
    // Every pattern is anchored at both ends and can only end in 'a' or 'z' or be all 'a', so none
    // matches a value ending in '!'; each matches a value of only 'a' (or ending in 'z').
    String allA = "a".repeat(2040);
    for (String re : List.of("(.*a){12}$", "(a|a)+$", "(a+)+$")) {
      Matcher m = Matcher.of("long", Matcher.Type.REGEX, re);
      assertThat(m.matches(BOMB_VALUE)).as(re).isFalse();
      assertThat(m.matches(allA)).as(re).isTrue();
      assertThat(Matcher.of("long", Matcher.Type.NOT_REGEX, re).matches(BOMB_VALUE)).as(re).isTrue();
    }
    Matcher z = Matcher.of("long", Matcher.Type.REGEX, ".*.*.*.*.*.*.*.*z");
    assertThat(z.matches(BOMB_VALUE)).isFalse();
    assertThat(z.matches(allA + "z")).isTrue();
    // (.*a){12} needs at least 12 'a', the last one at the end.
    Matcher twelve = Matcher.of("long", Matcher.Type.REGEX, "(.*a){12}$");
    assertThat(twelve.matches("a".repeat(11))).isFalse();
    assertThat(twelve.matches("xa".repeat(12))).isTrue();
  }

  @Test
  void perlAndJavaOnlySyntaxIsRefusedNamingRe2() {
    assertRefused("(a)\\1", "backreferences are not supported (RE2 syntax)");
    assertRefused("(?=a)", "lookahead assertions are not supported (RE2 syntax)");
    assertRefused("a(?!b)", "lookahead assertions are not supported (RE2 syntax)");
    assertRefused("(?<=a)b", "lookbehind assertions are not supported (RE2 syntax)");
    assertRefused("(?<!a)b", "lookbehind assertions are not supported (RE2 syntax)");
    assertRefused("a++", "possessive quantifiers are not supported (RE2 syntax)");
    assertRefused("a{2}+", "possessive quantifiers are not supported (RE2 syntax)");
    assertRefused("(?>a)", "atomic groups are not supported (RE2 syntax)");
    assertRefused("a\\Z", "RE2 syntax");
    assertRefused("(", "RE2 syntax");
    assertRefused("a**", "RE2 syntax");
    assertRefused("a{1001}", "RE2 syntax");
  }

  @Test
  void fullyAnchoredWithDotMatchingNewline() {
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a.*").matches("ba")).isFalse();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a.*").matches("ab")).isTrue();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a").matches("ab")).isFalse();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "b").matches("ab")).isFalse();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a[0-9]").matches("a1x")).isFalse();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "[0-9]x").matches("a1x")).isFalse();
    // Leftmost-first alternation must still find the whole-value match.
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a|ab").matches("ab")).isTrue();
    assertThat(LabelRegex.engine("k", "a|ab").matches("ab")).isTrue();
    assertThat(LabelRegex.engine("k", "(a|ab)(c|bcd)").matches("abcd")).isTrue();
    // Prometheus compiles ^(?s:re)$: '.' takes a newline, '$' is the end of the value only.
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a.b").matches("a\nb")).isTrue();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a.*").matches("a\n\n")).isTrue();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a$").matches("a\n")).isFalse();
    // A pattern is parsed on its own, so it cannot close the implicit group.
    assertRefused("a)(b", "RE2 syntax");
  }

  @Test
  void notRegexMirrorsRegexAndMissingLabelsMatchAsEmpty() {
    List<String> patterns = List.of("", ".*", ".+", "a.*", ".*a", ".*a.*", "a|b|", "a|b", "(a|b)", "(?:a)", "a?", "[ab]+",
        "a\\.b", "(?i)A", "\\d*");
    List<String> values = List.of("", "a", "b", "ab", "ba", "a.b", "axb", "A", "123", "\n");
    for (String re : patterns) {
      Matcher eq = Matcher.of("k", Matcher.Type.REGEX, re);
      Matcher ne = Matcher.of("k", Matcher.Type.NOT_REGEX, re);
      for (String v : values) {
        assertThat(ne.matches(v)).as("%s vs %s", re, v).isEqualTo(!eq.matches(v));
      }
      assertThat(eq.matchesEmpty()).as(re).isEqualTo(eq.matches(Labels.of("other", "x")));
      assertThat(ne.matchesEmpty()).as(re).isEqualTo(ne.matches(Labels.of("other", "x")));
    }
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "").matchesEmpty()).isTrue();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "a|").matchesEmpty()).isTrue();
    assertThat(Matcher.of("k", Matcher.Type.REGEX, ".+").matchesEmpty()).isFalse();
    assertThat(Matcher.of("k", Matcher.Type.NOT_REGEX, ".+").matchesEmpty()).isTrue();
  }

  @Test
  void commonShapesSkipTheEngine() {
    for (String re : List.of("", ".*", ".+", "abc", "a|b|c", "(a|b)", "(?:a|b|)", "api-.*", ".*-prod", ".*prod.*",
        "a\\.b\\|c", "\\(x\\)", "é😀|x")) {
      assertThat(LabelRegex.compile("k", re).optimised()).as(re).isTrue();
    }
    for (String re : List.of("a.*|b", ".*a|b.*", "a.", "a*", "ab+", ".*?", ".**", "(a)(b)", "(?i)abc", "(?i:abc)",
        "^abc$", "a.+", "\\d", "a{2}", "[ab]", "(a|b).*", "\\pL.*", "a\\", "(a", "a)", "(?P<x>a)")) {
      assertThat(LabelRegex.fastPath(re)).as(re).isNull();
    }
  }

  /**
   * Property: each shortcut answers as RE2/J does, over seeded random patterns of the optimised
   * shapes and values built from the same characters (so both answers occur often).
   */
  @Test
  void optimisedShapesAgreeWithTheEngine() {
    Random random = new Random(20261210L);
    String[] pieces = {"a", "b", "ab", "-", ".", "|", "*", "(", ")", "\\", "\n", "é", "😀", "x", "prod", ""};
    int matched = 0;
    int unmatched = 0;
    for (int p = 0; p < 2_000; p++) {
      List<String> literals = new ArrayList<>();
      int count = 1 + random.nextInt(4);
      for (int i = 0; i < count; i++) {
        literals.add(randomText(random, pieces, 3));
      }
      String re = switch (random.nextInt(8)) {
        case 0 -> ".*";
        case 1 -> ".+";
        case 2 -> escape(literals.get(0));
        case 3 -> escape(literals.get(0)) + ".*";
        case 4 -> ".*" + escape(literals.get(0));
        case 5 -> ".*" + escape(literals.get(0)) + ".*";
        case 6 -> String.join("|", literals.stream().map(LabelRegexTest::escape).toList());
        default -> (random.nextBoolean() ? "(" : "(?:") + String.join("|", literals.stream().map(LabelRegexTest::escape).toList())
            + ")";
      };
      LabelRegex fast = LabelRegex.compile("k", re);
      LabelRegex engine = LabelRegex.engine("k", re);
      assertThat(fast.optimised()).as(re).isTrue();
      assertThat(engine.optimised()).isFalse();
      for (int v = 0; v < 30; v++) {
        String value = switch (random.nextInt(4)) {
          case 0 -> randomText(random, pieces, 4);
          case 1 -> literals.get(random.nextInt(count));
          case 2 -> randomText(random, pieces, 2) + literals.get(random.nextInt(count)) + randomText(random, pieces, 2);
          default -> random.nextBoolean() ? literals.get(0) + randomText(random, pieces, 2)
              : randomText(random, pieces, 2) + literals.get(0);
        };
        boolean expected = engine.matches(value);
        assertThat(fast.matches(value)).as("%s vs %s", re, value).isEqualTo(expected);
        if (expected) {
          matched++;
        } else {
          unmatched++;
        }
      }
    }
    assertThat(matched).isGreaterThan(10_000);
    assertThat(unmatched).isGreaterThan(10_000);
  }

  /**
   * Property: whatever random text of metacharacters the shortcut takes is valid RE2 and answers
   * as RE2/J does; what it leaves goes to the engine, which accepts or refuses it.
   */
  @Test
  void shortcutTakesOnlyValidPatterns() {
    Random random = new Random(7L);
    String[] pieces = {"a", "b", ".", "*", "+", "?", "|", "(", ")", "(?:", "\\", "\\.", "\\*", "{", "}", "[", "]", "^", "$",
        "\\d", "\n"};
    String[] valuePieces = {"a", "b", ".", "*", "|", "(", ")", "\\", "\n", "x"};
    int taken = 0;
    for (int p = 0; p < 20_000; p++) {
      String re = randomText(random, pieces, 6);
      LabelRegex fast = LabelRegex.fastPath(re);
      if (fast == null) {
        continue;
      }
      taken++;
      LabelRegex engine = LabelRegex.engine("k", re); // throws if the shortcut took an invalid pattern
      for (int v = 0; v < 20; v++) {
        String value = randomText(random, valuePieces, 5);
        assertThat(fast.matches(value)).as("%s vs %s", re, value).isEqualTo(engine.matches(value));
      }
    }
    assertThat(taken).isGreaterThan(500);
  }

  @Test
  void overLongPatternsAreRefusedNamingTheLimit() {
    String tooLong = "a".repeat(LabelRegex.MAX_LENGTH) + ".";
    assertThatThrownBy(() -> Matcher.of("k", Matcher.Type.REGEX, tooLong))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("16385 characters long", "limit of 16384", "label k")
              .hasSizeLessThan(500); // the pattern is abbreviated
        });
    // At the limit, a literal alternation (no engine) and a pattern for the engine both compile.
    StringBuilder alternatives = new StringBuilder();
    for (int i = 0; alternatives.length() < LabelRegex.MAX_LENGTH - 10; i++) {
      alternatives.append(i == 0 ? "" : "|").append("v").append(i);
    }
    assertThat(Matcher.of("k", Matcher.Type.REGEX, alternatives.toString()).matches("v1000")).isTrue();
    String engine = "[a-z]" + "b".repeat(LabelRegex.MAX_LENGTH - 5);
    assertThat(Matcher.of("k", Matcher.Type.REGEX, engine).matches("a" + "b".repeat(LabelRegex.MAX_LENGTH - 5))).isTrue();
  }

  @Test
  void patternsExpandingPastTheLimitsAreRefused() {
    assertRefused("(".repeat(10_000) + "a" + ")".repeat(10_000), "limit of 16384");
    assertRefused("(".repeat(5_000) + "a" + ")".repeat(5_000), "more than 1000 branches");
    assertRefused("a?".repeat(1001), "more than 1000 branches");
    assertRefused("(?:a?|b){501}", "more than 1000 branches");
    assertRefused("a{2,1000}", "more than 1000 branches"); // 998 optional copies, nested
    assertRefused("((((a{100}){100}){100}){100})", "more than 1000 branches"); // each group's capture counts
    assertRefused("(?:(?:(?:a{100}){100}){100}){100}", "more than 100000 RE2 instructions");
    assertRefused("(?:[a-z]{1000}){101}", "more than 100000 RE2 instructions");
    StringBuilder alternatives = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      alternatives.append(i == 0 ? "" : "|").append("v").append(i).append(".*");
    }
    assertRefused(alternatives.toString(), "more than 1000 branches");
    // Deep non-capturing groups cost nothing: RE2 flattens them.
    assertThat(Matcher.of("k", Matcher.Type.REGEX, "(?:".repeat(4_000) + "a" + ")".repeat(4_000)).matches("a")).isTrue();
  }

  /**
   * The cost limits keep RE2/J's recursion small: the most recursive shapes at the limits
   * compile and match on a thread with half of the JVM's default 1 MiB stack.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void patternsAtTheLimitsRunOnHalfADefaultStack() throws Exception {
    List<String> atLimit = List.of(
        "(".repeat(500) + "a" + ")".repeat(500),
        "a?".repeat(1000),
        "()".repeat(500),
        ".*".repeat(999) + "a",
        "(?:".repeat(1000) + "a" + ")*".repeat(1000),
        "a{0,500}",
        "(?:a?|b){500}",
        "^".repeat(1000),
        "(?:[a-z]{1000}){100}");
    String value = "a".repeat(2048);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Boolean> answers = new ArrayList<>();
    Thread t = new Thread(null, () -> {
      try {
        for (int round = 0; round < 3; round++) { // again once the JIT has compiled RE2/J
          answers.clear();
          for (String re : atLimit) {
            LabelRegex r = LabelRegex.compile("k", re);
            answers.add(r.matches(value) || r.matches("aa") || r.matches("a") || r.matches(""));
          }
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "small-stack", 512 << 10);
    t.start();
    t.join();
    assertThat(failure.get()).isNull();
    // Each can match one of the values: "", "a", "aa" or 2,048 'a' ((?:[a-z]{1000}){100} needs
    // 100,000 letters, so it is the one that cannot).
    assertThat(answers).containsExactly(true, true, true, true, true, true, true, true, false);
    for (String re : atLimit) {
      assertThat(RegexCost.of(re).branches()).as(re).isLessThanOrEqualTo(LabelRegex.MAX_BRANCHES);
    }
  }

  /** Property: the estimate bounds RE2/J's real program size (from above, up to its fixed parts). */
  @Test
  void costEstimateBoundsTheCompiledProgram() {
    Random random = new Random(11L);
    String[] pieces = {"a", "b", "[a-c]", "\\d", ".", "*", "+", "?", "|", "(", ")", "(?:", "{2}", "{1,3}", "{2,}", "^", "$",
        "\\b", "(?i)", "\\pL", "[[:alpha:]]", "\\Qa*\\E"};
    int compiled = 0;
    for (int p = 0; p < 20_000; p++) {
      String re = randomText(random, pieces, 8);
      Pattern compiledPattern;
      try {
        compiledPattern = Pattern.compile(re, Pattern.DOTALL);
      } catch (RuntimeException e) {
        continue;
      }
      compiled++;
      // RE2/J adds a few instructions of its own (the whole-match group, match, fail).
      assertThat(RegexCost.of(re).size() + 5).as(re).isGreaterThanOrEqualTo(compiledPattern.programSize());
    }
    assertThat(compiled).isGreaterThan(2_000);
  }

  private static void assertRefused(String re, String reason) {
    assertThatThrownBy(() -> Matcher.of("my_label", Matcher.Type.REGEX, re))
        .as(re)
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("invalid regular expression", "label my_label", reason);
          if (re.length() < 100) {
            assertThat(e.getMessage()).contains(Matcher.quote(re));
          }
        });
  }

  private static String randomText(Random random, String[] pieces, int maxPieces) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      sb.append(pieces[random.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  /** A literal as RE2 syntax: ASCII punctuation escaped, everything else as is. */
  private static String escape(String literal) {
    StringBuilder sb = new StringBuilder();
    literal.codePoints().forEach(c -> {
      if (c < 0x80 && c > 0x20 && !Character.isLetterOrDigit(c)) {
        sb.append('\\');
      }
      sb.appendCodePoint(c);
    });
    return sb.toString();
  }
}
