/**
 * The in-memory head: per tenant ({@link io.flarestack.ingester.head.TenantHead}) a series
 * index, one symbol partition per service ({@link io.flarestack.ingester.head.SymbolPartition}:
 * de-duplicated strings, mappings, functions, locations and a parent-pointer stack tree), and
 * per series the profile rows ({@link io.flarestack.ingester.head.ProfileRow}).
 *
 * <p>Concurrency: pushes take short locks (index lock to create a series, a partition lock to
 * add symbols, a series lock to append a row); readers take none. Every structure is
 * append-only and published through volatile writes after its elements, so a reader that
 * reads the published length or view first sees a complete, immutable prefix.
 *
 * <p>Seams: {@link io.flarestack.ingester.head.TenantHead#prepare} /
 * {@link io.flarestack.ingester.head.TenantHead#commit} is where a write-ahead log goes (log
 * between the two; replay calls {@code append}); {@link io.flarestack.ingester.head.TenantHead#series()},
 * {@link io.flarestack.ingester.head.Series#rows()} and
 * {@link io.flarestack.ingester.head.SymbolPartition#view()} are what a block writer iterates.
 */
package io.flarestack.ingester.head;
