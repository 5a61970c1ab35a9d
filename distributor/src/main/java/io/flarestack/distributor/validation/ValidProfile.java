package io.flarestack.distributor.validation;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.model.tree.LongIntMap;
import java.util.List;

/**
 * A profile that passed {@link ProfileValidator}: every reference resolves, so later stages may
 * index without checks. Holds lookup tables from pprof ids to list positions. Not thread-safe
 * (the maps are mutable); owned by the push that built it.
 *
 * @param profile the parsed profile as received
 * @param timeNanos the profile time ({@code time_nanos}, or the receive time when it was 0)
 * @param strings the string table with over-long strings truncated (the profile's own list when
 *     nothing was truncated)
 * @param locationIndex location id to position in {@code profile.getLocationList()}
 * @param functionIndex function id to position in {@code profile.getFunctionList()}
 * @param mappingIndex mapping id to position in {@code profile.getMappingList()}
 */
public record ValidProfile(Profile profile, long timeNanos, List<String> strings, LongIntMap locationIndex,
    LongIntMap functionIndex, LongIntMap mappingIndex) {
  public ValidProfile {
    requireNonNull(profile, "profile is null");
    requireNonNull(strings, "strings is null");
    requireNonNull(locationIndex, "locationIndex is null");
    requireNonNull(functionIndex, "functionIndex is null");
    requireNonNull(mappingIndex, "mappingIndex is null");
  }
}
