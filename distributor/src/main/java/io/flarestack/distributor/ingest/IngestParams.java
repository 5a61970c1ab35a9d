package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.time.AtTime;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Set;

/**
 * The {@code from}, {@code until} and {@code sampleRate} parameters of {@code /ingest}, read
 * strictly. Pyroscope reads them leniently (anything it cannot read means "now" or 100); here a
 * value that does not parse, overflows, is 0 or negative where that means nothing, or a
 * {@code from} after {@code until} is refused with a message naming the parameter and the value,
 * so that a broken client learns about it instead of having its profiles stamped "now".
 *
 * <p>Every form real agents send keeps working, with Pyroscope's meaning ({@link AtTime}): Unix
 * time whose unit follows the digit count (10 digits seconds as pyroscope-java and
 * @pyroscope/nodejs send, 13 milliseconds, 16 microseconds, 19 nanoseconds as pyroscope-go
 * sends, other lengths seconds), {@code YYYYMMDD}, {@code now}, and {@code now} with signed
 * offsets such as {@code now-1h} or {@code now-1h30m} (the reference may be left out:
 * {@code -1h}); {@code _}, {@code ,} and spaces are ignored as in Pyroscope. An absent parameter
 * means now (times) or 100 (sample rate), as in Pyroscope. Stateless.
 */
final class IngestParams {
  /** The largest {@code sampleRate}: above 1 GHz a sample's period would be below 1 ns. */
  static final long MAX_SAMPLE_RATE = 1_000_000_000L;
  static final long DEFAULT_SAMPLE_RATE = 100;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final Set<String> SECONDS = Set.of("s", "sec", "secs", "second", "seconds");
  private static final Set<String> MINUTES = Set.of("m", "min", "mins", "minute", "minutes");
  private static final Set<String> HOURS = Set.of("h", "hour", "hours");
  private static final Set<String> DAYS = Set.of("d", "day", "days");
  private static final Set<String> WEEKS = Set.of("w", "week", "weeks");
  private static final Set<String> MONTHS = Set.of("M", "mon", "month", "months");
  private static final Set<String> YEARS = Set.of("y", "year", "years");
  private static final String FORMS = "use Unix time (10 digits: seconds, 13: milliseconds, 16: microseconds,"
      + " 19: nanoseconds), YYYYMMDD, or now with an optional offset such as now-1h";

  private IngestParams() {}

  /** A profile's time range in Unix nanoseconds, {@code from <= until}. */
  record Range(long fromNanos, long untilNanos) {}

  /**
   * Reads {@code from} and {@code until} (null means now).
   *
   * @throws FlarestackException invalid_argument naming the parameter and its value
   */
  static Range range(String from, String until, long nowNanos) {
    long f = time("from", from, nowNanos);
    long u = time("until", until, nowNanos);
    if (f > u) {
      throw FlarestackException.invalidArgument("from (%s, %d ns) is after until (%s, %d ns)", shown(from), f,
          shown(until), u);
    }
    return new Range(f, u);
  }

  /**
   * Reads one time parameter (null means now).
   *
   * @throws FlarestackException invalid_argument naming the parameter and its value
   */
  static long time(String param, String text, long nowNanos) {
    if (text == null) {
      return nowNanos;
    }
    String s = strip(text);
    if (s.isEmpty()) {
      throw FlarestackException.invalidArgument("%s is empty; %s", param, FORMS);
    }
    if (allDigits(s)) {
      checkDigits(param, text, s);
    } else {
      checkRelative(param, text, s, nowNanos);
    }
    long nanos = AtTime.parseNanos(text, nowNanos);
    if (nanos <= 0) {
      throw FlarestackException.invalidArgument("%s %s is not after 1970-01-01; %s", param, shown(text), FORMS);
    }
    return nanos;
  }

  /**
   * Reads {@code sampleRate} (null means {@value #DEFAULT_SAMPLE_RATE}); 0 is allowed and keeps
   * CPU and wall uploads as sample counts, as in Pyroscope.
   *
   * @throws FlarestackException invalid_argument naming the value and the range
   */
  static long sampleRate(String text) {
    if (text == null) {
      return DEFAULT_SAMPLE_RATE;
    }
    String s = text.strip();
    if (s.isEmpty() || !allDigits(s)) {
      throw FlarestackException.invalidArgument(
          "sampleRate %s is not a whole number of samples per second between 0 and %d", shown(text), MAX_SAMPLE_RATE);
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      v = Long.MAX_VALUE; // more digits than a long holds
    }
    if (v > MAX_SAMPLE_RATE) {
      throw FlarestackException.invalidArgument("sampleRate %s exceeds the limit of %d samples per second", shown(text),
          MAX_SAMPLE_RATE);
    }
    return v;
  }

  private static void checkDigits(String param, String text, String s) {
    if (s.length() == 8 && isDate(s)) {
      return;
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw FlarestackException.invalidArgument("%s %s has too many digits for a timestamp; %s", param, shown(text), FORMS);
    }
    long scale = switch (s.length()) {
      case 13 -> 1_000_000L;
      case 16 -> 1_000L;
      case 19 -> 1L;
      default -> NANOS_PER_SECOND;
    };
    try {
      Math.multiplyExact(v, scale);
    } catch (ArithmeticException e) {
      throw FlarestackException.invalidArgument("%s %s is too large for a timestamp in nanoseconds; %s", param,
          shown(text), FORMS);
    }
  }

  // [now] ( [+-] (<digits><unit>)+ )?
  private static void checkRelative(String param, String text, String s, long nowNanos) {
    int i = s.startsWith("now") ? 3 : 0;
    if (i == s.length()) {
      return; // now
    }
    char sign = s.charAt(i);
    if ((sign != '+' && sign != '-') || i + 1 == s.length()) {
      throw notATime(param, text);
    }
    i++;
    long seconds = 0;
    try {
      while (i < s.length()) {
        int start = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        int unitStart = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
          i++;
        }
        if (start == unitStart || unitStart == i) {
          throw notATime(param, text); // a number without a unit, or a unit without a number
        }
        long unit = unitSeconds(s.substring(unitStart, i));
        if (unit == 0) {
          throw FlarestackException.invalidArgument("%s %s has the unknown time unit \"%s\"; units: s, m (or min), h, d,"
              + " w, M (or mon), y", param, shown(text), s.substring(unitStart, i));
        }
        seconds = Math.addExact(seconds, Math.multiplyExact(Long.parseLong(s.substring(start, unitStart)), unit));
      }
      Math.addExact(nowNanos, Math.multiplyExact(sign == '-' ? -seconds : seconds, NANOS_PER_SECOND));
    } catch (ArithmeticException | NumberFormatException e) {
      throw FlarestackException.invalidArgument("%s %s is too far from now for a timestamp in nanoseconds", param,
          shown(text));
    }
  }

  private static long unitSeconds(String unit) {
    if (SECONDS.contains(unit)) {
      return 1;
    }
    if (MONTHS.contains(unit)) {
      return 30L * 24 * 3600;
    }
    if (MINUTES.contains(unit)) {
      return 60;
    }
    if (HOURS.contains(unit)) {
      return 3600;
    }
    if (DAYS.contains(unit)) {
      return 24L * 3600;
    }
    if (WEEKS.contains(unit)) {
      return 7L * 24 * 3600;
    }
    if (YEARS.contains(unit)) {
      return 365L * 24 * 3600;
    }
    return 0;
  }

  private static boolean isDate(String s) {
    int year = Integer.parseInt(s.substring(0, 4));
    if (year <= 1900) {
      return false;
    }
    try {
      LocalDate.of(year, Integer.parseInt(s.substring(4, 6)), Integer.parseInt(s.substring(6, 8)));
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  private static FlarestackException notATime(String param, String text) {
    return FlarestackException.invalidArgument("%s %s is not a time; %s", param, shown(text), FORMS);
  }

  // As AtTime reads it: '_', ',' and spaces do not count.
  private static String strip(String text) {
    String t = text.strip();
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '_' && c != ',' && c != ' ') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String shown(String text) {
    if (text == null) {
      return "(absent: now)";
    }
    return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
  }
}
