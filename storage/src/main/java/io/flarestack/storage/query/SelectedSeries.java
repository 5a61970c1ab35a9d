package io.flarestack.storage.query;

import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;

/**
 * One series a {@link Selection} covers.
 *
 * @param labels all labels, the ingester-added ones ({@code __profile_type__}, ...) included
 * @param profileType the series' profile type
 * @param period the pprof {@code period} of its profiles (the latest one seen)
 * @param partition the ordinal of its symbol partition within the selection
 */
public record SelectedSeries(Labels labels, ProfileType profileType, long period, int partition) {}
