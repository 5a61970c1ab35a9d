package io.flarestack.ingester.wal;

/**
 * Where a record landed in the log.
 *
 * @param lsn the record's log sequence number: unique, increasing in log order, never reused
 * @param segment the number of the segment file holding it
 */
public record WalPosition(long lsn, long segment) {}
