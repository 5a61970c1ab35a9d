package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a speedscope profile's weights become counts and a sample rate (Pyroscope's speedscope
 * units): weights are multiplied by 100 to keep two decimals, and when the upload's
 * {@code sampleRate} is the default 100 the unit decides the rate so that a count converts back to
 * the right duration ({@code seconds} 100 Hz, {@code milliseconds} 100 kHz, {@code microseconds}
 * 100 MHz, {@code none} 10 kHz, i.e. one unit is 10 ms). {@code nanoseconds} keep their value as
 * counts at 1 GHz, one count per nanosecond: Pyroscope's 100 GHz rate overflows and rounds every
 * value to zero. {@code bytes} stay byte counts with no rate. A rate given explicitly (not 100) is
 * kept.
 *
 * @param multiplier what a weight is multiplied by to become a count
 * @param sampleRate the rate handed to the text conversion
 */
record SpeedscopeScale(long multiplier, long sampleRate) {
  static final String PROFILE_NAME = "profile_name";
  private static final long PRECISION = 100;

  static SpeedscopeScale of(String unit, long requestedRate) {
    if (unit.equals("bytes")) {
      return new SpeedscopeScale(1, requestedRate == 100 ? 0 : requestedRate);
    }
    if (requestedRate != 100) {
      return new SpeedscopeScale(PRECISION, requestedRate);
    }
    return switch (unit) {
      case "nanoseconds" -> new SpeedscopeScale(1, 1_000_000_000L);
      case "microseconds" -> new SpeedscopeScale(PRECISION, PRECISION * 1_000_000L);
      case "milliseconds" -> new SpeedscopeScale(PRECISION, PRECISION * 1_000L);
      case "seconds" -> new SpeedscopeScale(PRECISION, PRECISION);
      default -> new SpeedscopeScale(PRECISION, PRECISION * 100); // "none"
    };
  }

  /** The weights as rounded counts; zero counts are dropped. */
  Map<String, Long> counts(Map<String, Double> weights) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      double scaled = e.getValue() * multiplier;
      if (scaled >= Long.MAX_VALUE) {
        throw FlarestackException.invalidArgument("the weight %s of stack %s is too large", e.getValue(), e.getKey());
      }
      long n = Math.round(scaled);
      if (n > 0) {
        out.put(e.getKey(), n);
      }
    }
    return out;
  }
}
