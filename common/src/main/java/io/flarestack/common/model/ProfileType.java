package io.flarestack.common.model;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;

/**
 * A profile type {@code name:sample_type:sample_unit:period_type:period_unit}, e.g.
 * {@code process_cpu:cpu:nanoseconds:cpu:nanoseconds}. Period parts may be empty.
 */
public record ProfileType(String name, String sampleType, String sampleUnit, String periodType, String periodUnit) {
  public ProfileType {
    requireNonNull(name, "name is null");
    requireNonNull(sampleType, "sampleType is null");
    requireNonNull(sampleUnit, "sampleUnit is null");
    requireNonNull(periodType, "periodType is null");
    requireNonNull(periodUnit, "periodUnit is null");
  }

  /** The five-part id, as stored in {@code __profile_type__}. */
  public String id() {
    return name + ':' + sampleType + ':' + sampleUnit + ':' + periodType + ':' + periodUnit;
  }

  /**
   * Parses an id of 5 parts, or 6 (a historical trailing {@code delta} part is ignored).
   *
   * @throws FlarestackException invalid_argument naming the id when it has another shape
   */
  public static ProfileType parse(String id) {
    String[] parts = id.split(":", -1);
    if ((parts.length != 5 && parts.length != 6) || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw FlarestackException.invalidArgument(
          "profile type must be of the form <name>:<sample type>:<sample unit>:<period type>:<period unit>, got %s",
          id.isEmpty() ? "an empty string" : '"' + id + '"');
    }
    return new ProfileType(parts[0], parts[1], parts[2], parts[3], parts[4]);
  }

  public io.flarestack.api.types.v1.ProfileType toProto() {
    return io.flarestack.api.types.v1.ProfileType.newBuilder()
        .setID(id())
        .setName(name)
        .setSampleType(sampleType)
        .setSampleUnit(sampleUnit)
        .setPeriodType(periodType)
        .setPeriodUnit(periodUnit)
        .build();
  }
}
