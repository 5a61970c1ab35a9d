package io.flarestack.querier.api;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.flarestack.api.querier.v1.ProfileFormat;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.series.Steps;
import io.flarestack.querier.QueryRange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Request checks shared by the Querier API methods, beyond time ranges ({@link
 * io.flarestack.querier.QueryRange}) and node budgets: enum values, output formats, steps, limits
 * and group-by sizes. Each failure is {@code invalid_argument} naming the field and the value (or
 * {@code unimplemented} for a known feature Flarestack does not build). Stateless and
 * thread-safe.
 */
final class RequestChecks {
  /**
   * The most label names a {@code group_by} may list. A series has at most {@code
   * max_label_names_per_series} (30 by default) labels, so this leaves ample room while keeping
   * a request from making every series' grouping key cost thousands of lookups.
   */
  static final int MAX_GROUP_BY = 100;

  private RequestChecks() {}

  /**
   * Refuses any enum field, at any depth of {@code request}, holding a number its enum does not
   * define (binary protobuf and JSON numbers keep such values; they must not silently mean the
   * default).
   *
   * @throws FlarestackException invalid_argument naming the field path, the value and the known values
   */
  static void knownEnums(Message request) {
    knownEnums(request, "");
  }

  private static void knownEnums(Message m, String prefix) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String path = prefix + f.getName();
      if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        for (Object v : values(f, e.getValue())) {
          EnumValueDescriptor value = (EnumValueDescriptor) v;
          if (f.getEnumType().findValueByNumber(value.getNumber()) == null) {
            throw FlarestackException.invalidArgument("invalid value %d for %s: %s has no such value; use one of %s",
                value.getNumber(), path, f.getEnumType().getFullName(), known(f));
          }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        for (Object v : values(f, e.getValue())) {
          knownEnums((Message) v, path + ".");
        }
      }
    }
  }

  private static List<?> values(FieldDescriptor f, Object value) {
    return f.isRepeated() ? (List<?>) value : List.of(value);
  }

  private static String known(FieldDescriptor f) {
    StringJoiner j = new StringJoiner(", ");
    for (EnumValueDescriptor v : f.getEnumType().getValues()) {
      j.add(v.getName());
    }
    return j.toString();
  }

  /**
   * The output format of SelectMergeStacktraces.
   *
   * @throws FlarestackException unimplemented for {@code PROFILE_FORMAT_DOT}; invalid_argument for
   *     a number that is no format
   */
  static void format(ProfileFormat format, int number) {
    if (format == ProfileFormat.UNRECOGNIZED) {
      throw FlarestackException.invalidArgument(
          "invalid value %d for format: use PROFILE_FORMAT_FLAMEGRAPH, PROFILE_FORMAT_TREE or PROFILE_FORMAT_PPROF", number);
    }
    if (format == ProfileFormat.PROFILE_FORMAT_DOT) {
      throw FlarestackException.unimplemented("format PROFILE_FORMAT_DOT is not implemented in Flarestack (Pyroscope"
          + " serves it only with its v2 query backend); use PROFILE_FORMAT_FLAMEGRAPH, PROFILE_FORMAT_TREE or"
          + " PROFILE_FORMAT_PPROF");
    }
  }

  /**
   * Profile and trace id selectors, which Pyroscope serves only with its v2 query backend.
   *
   * @throws FlarestackException unimplemented when either is set
   */
  static void noIdSelectors(int profileIds, int traceIds) {
    if (profileIds > 0) {
      throw FlarestackException.unimplemented("profile_id_selector is not implemented in Flarestack (Pyroscope serves it"
          + " only with its v2 query backend); select profiles by labels and time instead");
    }
    if (traceIds > 0) {
      throw FlarestackException.unimplemented("trace_id_selector is not implemented in Flarestack (Pyroscope serves it"
          + " only with its v2 query backend); use span_selector instead");
    }
  }

  /**
   * SelectSeries' step, in seconds: finite and at least 1 ms (Pyroscope's minimum).
   *
   * @throws FlarestackException invalid_argument naming the value
   */
  static void step(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      throw FlarestackException.invalidArgument("step must be a finite number of seconds, got %s", seconds);
    }
    if (!(seconds >= 0.001)) {
      throw FlarestackException.invalidArgument("step must be at least 0.001 seconds, got %s", seconds);
    }
  }

  /**
   * The step SelectSeries uses. The first point also covers the step before {@code start}
   * ({@link Steps}), so a step of 10 years would read 10 years of profiles for a 1-hour range:
   * a step longer than both the range and {@code max_query_length} is cut to the longer of the
   * two, which still gives a single point. Steps within the range are never changed.
   */
  static long boundedStep(long stepMillis, QueryRange range, Limits limits) {
    Duration maxLength = limits.maxQueryLength();
    if (maxLength.isZero()) {
      return stepMillis;
    }
    long rangeMillis = range.end() - range.start();
    return Math.min(stepMillis, Math.max(rangeMillis + 1, maxLength.toMillis()));
  }

  /**
   * SelectSeries' top-N {@code limit}: 0 (or absent) keeps every series.
   *
   * @throws FlarestackException invalid_argument when negative
   */
  static void limit(long limit) {
    if (limit < 0) {
      throw FlarestackException.invalidArgument("limit must not be negative, got %d", limit);
    }
  }

  /**
   * SelectSeries' {@code group_by}: at most {@link #MAX_GROUP_BY} label names.
   *
   * @throws FlarestackException invalid_argument naming the count and the limit
   */
  static void groupBy(List<String> names) {
    if (names.size() > MAX_GROUP_BY) {
      throw FlarestackException.invalidArgument("group_by lists %d label names; at most %d are allowed", names.size(),
          MAX_GROUP_BY);
    }
  }
}
