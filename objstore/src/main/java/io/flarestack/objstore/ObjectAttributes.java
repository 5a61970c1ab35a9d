package io.flarestack.objstore;

import java.time.Instant;

/**
 * What a bucket knows about one object.
 *
 * @param size bytes
 * @param lastModified the last write, as the backend reports it
 */
public record ObjectAttributes(long size, Instant lastModified) {}
