package io.flarestack.common.model.time;

import io.flarestack.common.errors.FlarestackException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Set;

/**
 * {@link AtTime}'s syntax read strictly, for {@code /ingest}: a value that does not parse,
 * overflows, names an unknown unit or lies before 1970 is refused with a message naming the
 * parameter and the value, where {@link AtTime} would silently read "now". Every form
 * {@link AtTime} documents keeps its meaning. Stateless and thread-safe.
 */
public final class StrictAtTime {
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

  private StrictAtTime() {}

  /**
   * Reads one time parameter (null means now) as Unix nanoseconds.
   *
   * @param param the parameter's name, for messages
   * @throws FlarestackException invalid_argument naming the parameter and its value
   */
  public static long parseNanos(String param, String text, long nowNanos) {
    if (text == null) {
      return nowNanos;
    }
    String s = AtTime.strip(text);
    if (s.isEmpty()) {
      throw FlarestackException.invalidArgument("%s is empty; %s", param, FORMS);
    }
    if (AtTime.allDigits(s)) {
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
        while (i < s.length() && AtTime.isDigit(s.charAt(i))) {
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

  /** A parameter's value as messages show it: quoted and cut at 40 characters. */
  public static String shown(String text) {
    if (text == null) {
      return "(absent: now)";
    }
    return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
  }
}
