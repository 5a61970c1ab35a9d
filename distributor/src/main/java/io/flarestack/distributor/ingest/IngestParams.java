package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.time.AtTime;
import io.flarestack.common.model.time.StrictAtTime;

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

  private IngestParams() {}

  /** A profile's time range in Unix nanoseconds, {@code from <= until}. */
  record Range(long fromNanos, long untilNanos) {}

  /**
   * Reads {@code from} and {@code until} (null means now).
   *
   * @throws FlarestackException invalid_argument naming the parameter and its value
   */
  static Range range(String from, String until, long nowNanos) {
    long f = StrictAtTime.parseNanos("from", from, nowNanos);
    long u = StrictAtTime.parseNanos("until", until, nowNanos);
    if (f > u) {
      throw FlarestackException.invalidArgument("from (%s, %d ns) is after until (%s, %d ns)",
          StrictAtTime.shown(from), f, StrictAtTime.shown(until), u);
    }
    return new Range(f, u);
  }

  /**
   * Reads one time parameter (null means now).
   *
   * @throws FlarestackException invalid_argument naming the parameter and its value
   */

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
    if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw FlarestackException.invalidArgument(
          "sampleRate %s is not a whole number of samples per second between 0 and %d", StrictAtTime.shown(text),
          MAX_SAMPLE_RATE);
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      v = Long.MAX_VALUE; // more digits than a long holds
    }
    if (v > MAX_SAMPLE_RATE) {
      throw FlarestackException.invalidArgument("sampleRate %s exceeds the limit of %d samples per second",
          StrictAtTime.shown(text), MAX_SAMPLE_RATE);
    }
    return v;
  }









}
