package io.flarestack.distributor.validation;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Series label rules (Pyroscope's {@code ValidateLabels} with label-name sanitisation disabled,
 * its default): at most {@code max_label_names_per_series} names, a non-empty {@code __name__},
 * a non-empty {@code service_name}, names and values within their byte limits, names made of
 * {@code [a-zA-Z0-9_.]} not starting with a digit, a {@code __name__} made of
 * {@code [a-zA-Z0-9_]} ({@link #isValidMetricName}), values in valid UTF-8 without control
 * characters other than tab ({@link #controlCharacter}), no duplicate names. A limit of 0
 * disables that check. Stateless and thread-safe.
 */
public final class LabelValidator {
  private LabelValidator() {}

  /**
   * Validates the labels a client sent with a profile and returns them as a sorted set with
   * {@code service_name} defaulted to {@code unknown_service} when missing or empty.
   *
   * @throws DiscardException invalid_argument naming the offending label and the limit
   */
  public static Labels validateRequest(List<LabelPair> pairs, Limits limits) {
    List<LabelPair> sorted = new ArrayList<>(pairs);
    sorted.sort(Comparator.comparing(LabelPair::getName));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).getName().equals(sorted.get(i - 1).getName())) {
        throw DiscardException.invalid(DiscardReason.DUPLICATE_LABEL_NAMES,
            "profile with labels '%s' has duplicate label name: '%s'", preview(format(sorted)), preview(sorted.get(i).getName()));
      }
    }
    Labels.Builder b = Labels.builder();
    for (LabelPair p : sorted) {
      b.set(p.getName(), p.getValue());
    }
    String service = b.get(LabelNames.SERVICE_NAME);
    if (service == null || service.isEmpty()) {
      b.set(LabelNames.SERVICE_NAME, LabelNames.UNKNOWN_SERVICE);
    }
    Labels labels = b.build();
    validateSeries(labels, limits);
    return labels;
  }

  /**
   * Validates the labels of one series (after sample labels were added).
   *
   * @throws DiscardException invalid_argument naming the offending label and the limit
   */
  public static void validateSeries(Labels labels, Limits limits) {
    int max = limits.maxLabelNamesPerSeries();
    if (max > 0 && labels.size() > max) {
      throw DiscardException.invalid(DiscardReason.MAX_LABEL_NAMES_PER_SERIES,
          "profile series '%s' has %d label names; limit %d (%s)", preview(labels.toString()), labels.size(), max,
          Limits.MAX_LABEL_NAMES_PER_SERIES.describe());
    }
    String name = labels.get(LabelNames.METRIC_NAME);
    if (name == null || name.isEmpty()) {
      throw DiscardException.invalid(DiscardReason.INVALID_LABELS,
          "invalid labels '%s' with error: invalid metric name: the label %s is missing or empty",
          preview(labels.toString()), LabelNames.METRIC_NAME);
    }
    if (!isValidMetricName(name)) {
      throw DiscardException.invalid(DiscardReason.INVALID_LABELS,
          "invalid labels '%s' with error: invalid metric name '%s' (the %s label is made of letters, digits and '_',"
              + " and does not start with a digit)", preview(labels.toString()), preview(name), LabelNames.METRIC_NAME);
    }
    String service = labels.get(LabelNames.SERVICE_NAME);
    if (service == null || service.isEmpty()) {
      throw DiscardException.invalid(DiscardReason.MISSING_LABELS,
          "invalid labels '%s' with error: service name is not provided", preview(labels.toString()));
    }
    int maxName = limits.maxLabelNameLength();
    int maxValue = limits.maxLabelValueLength();
    for (int i = 0; i < labels.size(); i++) {
      String n = labels.name(i);
      String v = labels.value(i);
      int nameBytes = utf8Length(n);
      if (maxName > 0 && nameBytes > maxName) {
        throw DiscardException.invalid(DiscardReason.LABEL_NAME_TOO_LONG,
            "profile with labels '%s' has label name too long: '%s' (%d bytes, limit %d, %s)",
            preview(labels.toString()), preview(n), nameBytes, maxName, Limits.MAX_LABEL_NAME_LENGTH.describe());
      }
      int valueBytes = utf8Length(v);
      if (maxValue > 0 && valueBytes > maxValue) {
        throw DiscardException.invalid(DiscardReason.LABEL_VALUE_TOO_LONG,
            "profile with labels '%s' has label value too long: label %s has a value of %d bytes ('%s'), limit %d (%s)",
            preview(labels.toString()), n, valueBytes, preview(v), maxValue, Limits.MAX_LABEL_VALUE_LENGTH.describe());
      }
      if (!isValidName(n)) {
        throw DiscardException.invalid(DiscardReason.INVALID_LABELS,
            "invalid labels '%s' with error: invalid label name '%s' (names are made of letters, digits, '_' and '.',"
                + " and do not start with a digit)", preview(labels.toString()), preview(n));
      }
      if (!isValidUtf16(v)) {
        throw DiscardException.invalid(DiscardReason.INVALID_LABELS,
            "invalid labels '%s' with error: invalid label value '%s' (not valid UTF-8)", preview(labels.toString()),
            preview(v));
      }
      int control = controlCharacter(v);
      if (control >= 0) {
        throw DiscardException.invalid(DiscardReason.INVALID_LABELS,
            "invalid labels '%s' with error: the value of label %s contains the control character U+%04X at index %d"
                + " (only tab is allowed)", preview(labels.toString().replaceAll("\\p{Cc}", "?")), n,
            (int) v.charAt(control), control);
      }
    }
  }

  /**
   * Whether {@code name} is accepted as a label name: Prometheus' legacy rule
   * {@code [a-zA-Z_][a-zA-Z0-9_]*} with dots also allowed anywhere, as Pyroscope accepts what its
   * (disabled by default) sanitiser would turn into a legacy name.
   */
  public static boolean isValidName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code name} is accepted as the {@code __name__} (profile) name: Prometheus' legacy
   * metric name rule {@code [a-zA-Z_][a-zA-Z0-9_]*}, which Pyroscope applies, without the colon
   * Prometheus also allows: the name is the first part of the {@code :}-separated profile type id,
   * so a colon would make the stored profile type unreadable.
   */
  public static boolean isValidMetricName(String name) {
    return LabelNames.isLegacyName(name);
  }


  /**
   * The index of the first C0 control character other than tab in {@code value}, or -1.
   * Pyroscope accepts any valid UTF-8; a NUL, line break or escape in a label value only breaks
   * selectors, logs and displays, and no agent sends one, while tabs do occur in values copied
   * from text, so tab stays allowed.
   */
  static int controlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t') {
        return i;
      }
    }
    return -1;
  }

  /** The UTF-8 encoded length of {@code s}, without encoding it. */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  // A Java string has a UTF-8 form unless it holds an unpaired surrogate.
  private static boolean isValidUtf16(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  // Messages stay short whatever the labels hold: they travel in gRPC trailers, whose size is
  // limited, and in logs.
  private static String preview(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "... (" + s.length() + " characters)";
  }

  private static String format(List<LabelPair> pairs) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(pairs.get(i).getName()).append("=\"").append(pairs.get(i).getValue()).append('"');
    }
    return sb.append('}').toString();
  }
}
