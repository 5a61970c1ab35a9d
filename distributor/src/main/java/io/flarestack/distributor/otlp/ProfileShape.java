package io.flarestack.distributor.otlp;

import io.flarestack.common.errors.FlarestackException;
import io.opentelemetry.proto.profiles.v1development.Profile;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;

/**
 * What an OTLP profile's sample type and period make of it in Pyroscope's model (§7 of the
 * reference): the profile name ({@code __name__}), the pprof sample type and how sample values
 * are converted.
 *
 * <ul>
 *   <li>{@code samples:count:cpu:nanoseconds} (eBPF CPU samples) becomes {@code cpu:nanoseconds}
 *       named {@code process_cpu}, each value multiplied by the period;
 *   <li>{@code off_cpu:nanoseconds} without a period is named {@code off_cpu}, and a sample's
 *       several values (one per timestamp) are summed, since a pprof sample has one value per
 *       sample type;
 *   <li>anything else is named after its period type ({@code itimer:ns:itimer:ns} gives
 *       {@code itimer}), which is empty when the profile has no period: such a profile then
 *       fails the distributor's "invalid metric name" check, as in Pyroscope.
 * </ul>
 *
 * @param metricName the {@code __name__} label
 * @param sampleType the pprof sample type name
 * @param sampleUnit its unit
 * @param periodType the period type name, or null when the profile has none
 * @param periodUnit its unit, or null
 * @param conversion how sample values are converted
 */
record ProfileShape(String metricName, String sampleType, String sampleUnit, String periodType, String periodUnit,
    Conversion conversion) {

  /** How the values of one OTLP sample become the single pprof value. */
  enum Conversion { NONE, SAMPLES_TO_NANOS, SUM_EVENTS }

  /**
   * @throws FlarestackException invalid_argument when the profile has no sample type or its
   *     strings are out of the dictionary
   */
  static ProfileShape of(Profile p, ProfilesDictionary d) {
    if (!p.hasSampleType()) {
      throw FlarestackException.invalidArgument("the profile has no sample_type");
    }
    String type = Dictionary.string(d, p.getSampleType().getTypeStrindex(), "sample type");
    String unit = Dictionary.string(d, p.getSampleType().getUnitStrindex(), "sample unit");
    String periodType = null;
    String periodUnit = null;
    if (p.hasPeriodType()) {
      periodType = Dictionary.string(d, p.getPeriodType().getTypeStrindex(), "period type");
      periodUnit = Dictionary.string(d, p.getPeriodType().getUnitStrindex(), "period unit");
    }
    boolean hasPeriod = periodType != null && p.getPeriod() != 0;
    String pt = hasPeriod ? periodType : "";
    String pu = hasPeriod ? periodUnit : "";
    if (type.equals("samples") && unit.equals("count") && pt.equals("cpu") && pu.equals("nanoseconds")) {
      return new ProfileShape("process_cpu", "cpu", "nanoseconds", periodType, periodUnit, Conversion.SAMPLES_TO_NANOS);
    }
    if (type.equals("off_cpu") && unit.equals("nanoseconds") && pt.isEmpty() && pu.isEmpty()) {
      return new ProfileShape("off_cpu", type, unit, periodType, periodUnit, Conversion.SUM_EVENTS);
    }
    return new ProfileShape(pt, type, unit, periodType, periodUnit, Conversion.NONE);
  }
}
