package io.flarestack.common.model;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper estimate of what an RE2 pattern costs once compiled, read from its text before RE2/J
 * sees it (RE2/J allocates the whole expanded program and recurses while compiling and matching,
 * so the estimate has to come first). Counted repetitions multiply: {@code x{n,m}} counts
 * {@code x} m times plus m-n nested optional copies (counted twice as branches, see below).
 *
 * <ul>
 *   <li>{@code size}: program instructions, which bound compile time and memory;
 *   <li>{@code branches}: instructions that consume no input (alternations, optional and repeated
 *       items, groups, anchors). They bound both how many alternatives a match follows at once and
 *       how deeply RE2/J recurses while compiling and matching.
 * </ul>
 *
 * <p>The scan follows RE2 syntax loosely (escapes, classes, groups, flags, counted repetitions):
 * text it cannot read is counted as a literal and left for RE2/J to reject. Stateless.
 */
final class RegexCost {
  /** Estimates saturate here, far above any limit, so that multiplying cannot overflow. */
  private static final long CAP = 1L << 40;

  private RegexCost() {}

  /** The estimate for one pattern. */
  record Cost(long size, long branches) {}

  /** One open group: the finished part of its current alternative, and its last item. */
  private static final class Frame {
    final boolean capture;
    long size;
    long branches;
    long lastSize;
    long lastBranches;

    Frame(boolean capture) {
      this.capture = capture;
    }

    void item(long itemSize, long itemBranches) {
      size = add(size, lastSize);
      branches = add(branches, lastBranches);
      lastSize = itemSize;
      lastBranches = itemBranches;
    }

    long totalSize() {
      return add(add(size, lastSize), capture ? 2 : 0);
    }

    long totalBranches() {
      return add(add(branches, lastBranches), capture ? 2 : 0);
    }
  }

  static Cost of(String re) {
    Deque<Frame> stack = new ArrayDeque<>();
    Frame top = new Frame(false);
    int n = re.length();
    int i = 0;
    while (i < n) {
      char c = re.charAt(i);
      switch (c) {
        case '\\' -> {
          i = escape(re, i, top);
          continue;
        }
        case '[' -> {
          i = classEnd(re, i);
          top.item(1, 0);
          continue;
        }
        case '(' -> {
          int flagsEnd = flagsOnly(re, i);
          if (flagsEnd > 0) {
            i = flagsEnd; // (?i) and the like: no group
            continue;
          }
          stack.push(top);
          if (i + 1 < n && re.charAt(i + 1) == '?') {
            // (?:re), (?flags:re), (?P<name>re) or (?<name>re): skip to the group's content
            boolean named = i + 2 < n && (re.charAt(i + 2) == 'P' || re.charAt(i + 2) == '<');
            int open = re.indexOf(named ? '>' : ':', i + 2);
            top = new Frame(named);
            i = open < 0 ? i + 2 : open + 1;
          } else {
            top = new Frame(true);
            i++;
          }
          continue;
        }
        case ')' -> {
          if (!stack.isEmpty()) {
            Frame group = top;
            top = stack.pop();
            top.item(group.totalSize(), group.totalBranches());
          }
        }
        case '|' -> {
          top.item(0, 0);
          top.size = add(top.size, 1);
          top.branches = add(top.branches, 1);
        }
        case '*', '+', '?' -> {
          top.lastSize = add(top.lastSize, 1);
          top.lastBranches = add(top.lastBranches, 1);
        }
        case '{' -> {
          int end = repeat(re, i, top);
          if (end > 0) {
            i = end;
            continue;
          }
          top.item(1, 0); // not a repetition: a literal brace
        }
        case '^', '$' -> top.item(1, 1);
        default -> top.item(1, 0);
      }
      i++;
    }
    while (!stack.isEmpty()) { // unbalanced: RE2/J rejects it; count what is there
      Frame group = top;
      top = stack.pop();
      top.item(group.totalSize(), group.totalBranches());
    }
    return new Cost(top.totalSize(), top.totalBranches());
  }

  /** Counts the escape at {@code i} and returns the index after it. */
  private static int escape(String re, int i, Frame top) {
    int n = re.length();
    if (i + 1 >= n) {
      top.item(1, 0);
      return n;
    }
    char e = re.charAt(i + 1);
    int j = i + 2;
    switch (e) {
      case 'Q' -> {
        int end = re.indexOf("\\E", j);
        int stop = end < 0 ? n : end;
        for (int k = j; k < stop; k++) {
          top.item(1, 0);
        }
        return end < 0 ? n : end + 2;
      }
      case 'p', 'P', 'x' -> {
        if (j < n && re.charAt(j) == '{') {
          int close = re.indexOf('}', j);
          j = close < 0 ? n : close + 1;
        } else {
          j = Math.min(n, j + (e == 'x' ? 2 : 1));
        }
        top.item(1, 0);
      }
      case 'b', 'B', 'A', 'z' -> top.item(1, 1);
      default -> top.item(1, 0);
    }
    return j;
  }

  /** The index after the character class that starts at {@code i}. */
  private static int classEnd(String re, int i) {
    int n = re.length();
    int j = i + 1;
    if (j < n && re.charAt(j) == '^') {
      j++;
    }
    if (j < n && re.charAt(j) == ']') {
      j++; // a leading ']' is a literal
    }
    while (j < n) {
      char c = re.charAt(j);
      if (c == ']') {
        return j + 1;
      }
      if (c == '\\') {
        j += 2;
      } else if (c == '[' && j + 1 < n && re.charAt(j + 1) == ':') {
        int close = re.indexOf(":]", j + 2);
        j = close < 0 ? j + 1 : close + 2;
      } else {
        j++;
      }
    }
    return n;
  }

  /** For {@code (?flags)} at {@code i}, the index after it; otherwise 0. */
  private static int flagsOnly(String re, int i) {
    int n = re.length();
    if (i + 1 >= n || re.charAt(i + 1) != '?') {
      return 0;
    }
    int j = i + 2;
    while (j < n && (Character.isLetter(re.charAt(j)) || re.charAt(j) == '-')) {
      j++;
    }
    return j > i + 2 && j < n && re.charAt(j) == ')' ? j + 1 : 0;
  }

  /**
   * Applies the counted repetition {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code i} to the
   * last item and returns the index after it, or 0 when the text is no repetition.
   */
  private static int repeat(String re, int i, Frame top) {
    int n = re.length();
    int j = i + 1;
    int minStart = j;
    while (j < n && isDigit(re.charAt(j))) {
      j++;
    }
    if (j == minStart || j - minStart > 6 || j >= n) {
      return 0;
    }
    long min = Long.parseLong(re, minStart, j, 10);
    long max = min;
    boolean unbounded = false;
    if (re.charAt(j) == ',') {
      j++;
      int maxStart = j;
      while (j < n && isDigit(re.charAt(j))) {
        j++;
      }
      if (j - maxStart > 6) {
        return 0;
      }
      if (j == maxStart) {
        unbounded = true;
      } else {
        max = Long.parseLong(re, maxStart, j, 10);
      }
    }
    if (j >= n || re.charAt(j) != '}') {
      return 0;
    }
    long copies = unbounded ? min + 1 : Math.max(min, max);
    long optional = copies - min;
    top.lastSize = add(mul(top.lastSize, copies), optional);
    // RE2 nests the optional copies one inside the next, and RE2/J recurses through that nesting
    // with about twice the stack of other branches: count each twice.
    top.lastBranches = add(mul(top.lastBranches, copies), 2 * optional);
    return j + 1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  private static long mul(long a, long b) {
    return a == 0 || b == 0 ? 0 : (a > CAP / b ? CAP : Math.min(CAP, a * b));
  }
}
