package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The legacy text upload formats, as stacks with counts (identical stacks summed, first-seen
 * order): "folded" (also "collapsed", "groups") has lines {@code root;frame;leaf <count>}, where
 * the last space separates an integer count (empty lines are skipped; a line without a count is
 * refused, where Pyroscope skips it); "lines" has
 * one stack per line, each counting 1. Stateless.
 */
public final class CollapsedStacks {
  private CollapsedStacks() {}

  /**
   * Parses a folded body.
   *
   * @throws FlarestackException invalid_argument when the body is not UTF-8, or a non-empty line
   *     has no count or a count that is not a non-negative integer (the message names the line)
   */
  public static Map<String, Long> parseFolded(byte[] body) {
    String text = utf8(body);
    Map<String, Long> stacks = new LinkedHashMap<>();
    int lineNo = 0;
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      lineNo++;
      String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = end + 1;
      if (line.isEmpty()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        // Pyroscope skips such lines; a stack without its count is a broken upload, not a sample
        // to drop silently (real agents always write counts).
        throw FlarestackException.invalidArgument(
            "line %d: \"%s\" has no count (expected \"frame;frame;leaf <count>\", the count after the last space)",
            lineNo, preview(line));
      }
      String stack = line.substring(0, space);
      String count = line.substring(space + 1);
      long n;
      try {
        n = Long.parseLong(count);
      } catch (NumberFormatException e) {
        throw FlarestackException.invalidArgument("line %d: the count \"%s\" is not an integer (expected \"frame;frame;leaf <count>\")",
            lineNo, preview(count));
      }
      if (n < 0) {
        throw FlarestackException.invalidArgument("line %d: the count %d is negative", lineNo, n);
      }
      if (!stack.isEmpty()) {
        stacks.merge(stack, n, CollapsedStacks::sum);
      }
    }
    return stacks;
  }

  /**
   * Parses a "lines" body: every non-empty line is one sample of its stack.
   *
   * @throws FlarestackException invalid_argument when the body is not UTF-8
   */
  public static Map<String, Long> parseLines(byte[] body) {
    String text = utf8(body);
    Map<String, Long> stacks = new LinkedHashMap<>();
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = end + 1;
      if (!line.isEmpty()) {
        stacks.merge(line, 1L, CollapsedStacks::sum);
      }
    }
    return stacks;
  }

  private static long sum(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw FlarestackException.invalidArgument("the counts of one stack add up to more than %d", Long.MAX_VALUE);
    }
  }

  private static String utf8(byte[] body) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw FlarestackException.invalidArgument("the body is not valid UTF-8 text (%d bytes)", body.length);
    }
  }

  private static String preview(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
