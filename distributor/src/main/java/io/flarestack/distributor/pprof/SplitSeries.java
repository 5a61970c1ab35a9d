package io.flarestack.distributor.pprof;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.model.Labels;

/**
 * One series cut out of a pushed profile.
 *
 * @param labels the series labels (request labels plus the group's sample labels)
 * @param profile the normalised profile of that series
 */
public record SplitSeries(Labels labels, Profile profile) {
  public SplitSeries {
    requireNonNull(labels, "labels is null");
    requireNonNull(profile, "profile is null");
  }
}
