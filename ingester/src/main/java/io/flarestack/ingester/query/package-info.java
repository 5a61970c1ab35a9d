/**
 * Queries over the head: {@link io.flarestack.ingester.query.HeadQuerier} answers MergeTree,
 * MergePprof, SelectSeries and the metadata RPCs from lock-free snapshots. Samples are summed
 * per stack-tree node in a {@code long[]} (no hashing per sample); call-site filters are
 * evaluated once per node; trees and pprofs are built from the nodes with a value.
 */
package io.flarestack.ingester.query;
