package io.flarestack.ingester.head;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;

/**
 * How pushed series labels become stored series labels: the control labels {@code __delta__},
 * {@code __otel__} and {@code __order__} are dropped, {@code __service_name__} copies
 * {@code service_name}, and each sample type adds {@code __profile_type__}, {@code __type__},
 * {@code __unit__} and, when the pprof has a period type, {@code __period_type__} and
 * {@code __period_unit__}.
 */
final class SeriesLabels {
  private static final String ALLOC_OBJECTS = "alloc_objects";
  private static final String ALLOC_SPACE = "alloc_space";
  private static final String MEMORY = "memory";

  private SeriesLabels() {}

  /**
   * The pushed labels without control labels, plus {@code __service_name__}.
   *
   * @throws FlarestackException invalid_argument when {@code __name__} is missing or empty
   */
  static Labels base(Labels pushed) {
    String name = pushed.get(LabelNames.METRIC_NAME);
    if (name == null || name.isEmpty()) {
      throw FlarestackException.invalidArgument("series %s has no %s label", pushed, LabelNames.METRIC_NAME);
    }
    Labels.Builder b = pushed.toBuilder().remove(LabelNames.DELTA).remove(LabelNames.OTEL).remove(LabelNames.ORDER);
    String service = pushed.get(LabelNames.SERVICE_NAME);
    if (service != null) {
      b.set(LabelNames.SERVICE_NAME_PRIVATE, service);
    }
    return b.build();
  }

  /** The symbol partition a series' profiles go to. */
  static String partitionKey(Labels pushed) {
    String service = pushed.get(LabelNames.SERVICE_NAME);
    return service == null || service.isEmpty() ? LabelNames.UNKNOWN_SERVICE : service;
  }

  static ProfileType profileType(String name, Profile p, int sampleType) {
    ValueType vt = p.getSampleType(sampleType);
    String periodType = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getType()) : "";
    String periodUnit = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getUnit()) : "";
    return new ProfileType(name, p.getStringTable((int) vt.getType()), p.getStringTable((int) vt.getUnit()),
        periodType, periodUnit);
  }

  static Labels forType(Labels base, ProfileType type, boolean hasPeriodType) {
    Labels.Builder b = base.toBuilder()
        .set(LabelNames.PROFILE_TYPE, type.id())
        .set(LabelNames.TYPE, type.sampleType())
        .set(LabelNames.UNIT, type.sampleUnit());
    if (hasPeriodType) {
      b.set(LabelNames.PERIOD_TYPE, type.periodType()).set(LabelNames.PERIOD_UNIT, type.periodUnit());
    }
    return b.build();
  }

  /** Pyroscope's server-side delta rule (§2.2 step 9 of the wire contract). */
  static boolean cumulative(Labels pushed, ProfileType type) {
    return !"false".equals(pushed.get(LabelNames.DELTA))
        && MEMORY.equals(type.name())
        && (ALLOC_OBJECTS.equals(type.sampleType()) || ALLOC_SPACE.equals(type.sampleType()));
  }
}
