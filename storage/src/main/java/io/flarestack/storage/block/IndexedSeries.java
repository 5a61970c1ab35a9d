package io.flarestack.storage.block;

import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;

/**
 * One series of a block, as its series index describes it: its rows are
 * {@code [firstRow, firstRow + rowCount)} of {@code profiles.parquet}, sorted by time.
 *
 * @param fingerprint {@link Labels#fingerprint()}, stored so readers can de-duplicate without hashing
 * @param partition the ordinal of its symbol partition in {@code symbols.sym}
 * @param period the pprof period of its latest profile
 * @param minTimeNanos the time of its first row
 * @param maxTimeNanos the time of its last row
 */
public record IndexedSeries(Labels labels, ProfileType profileType, long fingerprint, int partition, long period,
    long firstRow, int rowCount, long minTimeNanos, long maxTimeNanos) {}
