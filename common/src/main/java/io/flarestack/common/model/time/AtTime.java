package io.flarestack.common.model.time;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The legacy Pyroscope time syntax of {@code /ingest?from=..&until=..} and
 * {@code /pyroscope/render?from=..&until=..} (Graphite's "at-time"):
 * <ul>
 *   <li>after removing {@code _}, {@code ,} and spaces, an all-digit value of length 8 that is a
 *       valid date {@code YYYYMMDD} (year after 1900) is midnight UTC of that date;
 *   <li>any other all-digit value is Unix time whose unit follows from its length: 13 digits
 *       milliseconds, 16 microseconds, 19 nanoseconds, anything else seconds;
 *   <li>everything else is "now" plus an optional signed offset after the first {@code +} (or,
 *       when there is none, the first {@code -}), e.g. {@code now-1h}, {@code now-1h30m},
 *       {@code now+10s}; what precedes the sign is ignored. Units by prefix: {@code s} seconds,
 *       {@code mon}/{@code M} 30 days, {@code min}/{@code m} minutes, {@code h} hours, {@code d}
 *       days, {@code w} weeks, {@code y} 365 days; an unknown unit counts as zero.
 * </ul>
 * Nothing here fails: input that cannot be read (including digits that overflow) means "now",
 * as clients of this API never get an error for a malformed time. Stateless and thread-safe.
 */
public final class AtTime {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private AtTime() {}

  /**
   * Parses {@code text} relative to {@code nowMillis}.
   *
   * @param text the parameter value; null or blank means now
   * @param nowMillis the current Unix time in milliseconds
   * @return Unix milliseconds (sub-millisecond input is truncated toward negative infinity)
   */
  public static long parseMillis(String text, long nowMillis) {
    return Math.floorDiv(parseNanos(text, nowMillis * NANOS_PER_MILLI), NANOS_PER_MILLI);
  }

  /**
   * Parses {@code text} relative to {@code nowNanos}, keeping nanosecond precision (the Go SDK
   * sends 19-digit nanosecond timestamps).
   *
   * @param text the parameter value; null or blank means now
   * @param nowNanos the current Unix time in nanoseconds
   * @return Unix nanoseconds
   */
  public static long parseNanos(String text, long nowNanos) {
    if (text == null) {
      return nowNanos;
    }
    String s = strip(text);
    if (!s.isEmpty() && allDigits(s)) {
      return parseDigits(s, nowNanos);
    }
    int sign = s.indexOf('+');
    if (sign < 0) {
      sign = s.indexOf('-');
    }
    if (sign < 0) {
      return nowNanos;
    }
    Long offset = parseOffsetSeconds(s.substring(sign));
    if (offset == null) {
      return nowNanos;
    }
    try {
      return Math.addExact(nowNanos, Math.multiplyExact(offset, NANOS_PER_SECOND));
    } catch (ArithmeticException e) {
      return nowNanos;
    }
  }

  private static long parseDigits(String s, long nowNanos) {
    if (s.length() == 8) {
      Long date = parseDate(s);
      if (date != null) {
        return date;
      }
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      return nowNanos; // too many digits for a long
    }
    try {
      return switch (s.length()) {
        case 13 -> Math.multiplyExact(v, NANOS_PER_MILLI);
        case 16 -> Math.multiplyExact(v, 1_000L);
        case 19 -> v;
        default -> Math.multiplyExact(v, NANOS_PER_SECOND);
      };
    } catch (ArithmeticException e) {
      return nowNanos;
    }
  }

  private static Long parseDate(String s) {
    int year = Integer.parseInt(s.substring(0, 4));
    int month = Integer.parseInt(s.substring(4, 6));
    int day = Integer.parseInt(s.substring(6, 8));
    if (year <= 1900) {
      return null;
    }
    try {
      return LocalDate.of(year, month, day).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * NANOS_PER_SECOND;
    } catch (DateTimeException e) {
      return null;
    }
  }

  // offset starts with '+' or '-', followed by repeated <digits><unit> groups, e.g. "-1h30m".
  private static Long parseOffsetSeconds(String offset) {
    int sign = offset.charAt(0) == '-' ? -1 : 1;
    int i = 1;
    long total = 0;
    try {
      while (i < offset.length()) {
        int start = i;
        while (i < offset.length() && isDigit(offset.charAt(i))) {
          i++;
        }
        long num = start == i ? 0 : Long.parseLong(offset.substring(start, i));
        int unitStart = i;
        while (i < offset.length() && !isDigit(offset.charAt(i))) {
          i++;
        }
        long multiplier = unitSeconds(offset.substring(unitStart, i));
        total = Math.addExact(total, Math.multiplyExact(Math.multiplyExact(num, multiplier), sign));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
    return total;
  }

  private static long unitSeconds(String unit) {
    if (unit.startsWith("s")) {
      return 1;
    }
    if (unit.startsWith("mon") || unit.startsWith("M")) {
      return 30L * 24 * 3600;
    }
    if (unit.startsWith("m")) {
      return 60;
    }
    if (unit.startsWith("h")) {
      return 3600;
    }
    if (unit.startsWith("d")) {
      return 24L * 3600;
    }
    if (unit.startsWith("w")) {
      return 7L * 24 * 3600;
    }
    if (unit.startsWith("y")) {
      return 365L * 24 * 3600;
    }
    return 0;
  }

  static String strip(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    String t = text.strip();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '_' && c != ',' && c != ' ') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
