package io.flarestack.common.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An object store bucket: the one storage SPI every backend (filesystem, S3, GCS, Azure Blob)
 * implements and every reader and writer of blocks uses. Keys are {@code /}-separated paths
 * without a leading slash (e.g. {@code tenant/01HXYZ.../meta.json}); "directories" exist only as
 * key prefixes. Implementations are thread-safe and never log credentials.
 *
 * <p>Failure: a missing object is {@link ObjectNotFoundException}; every other failure is an
 * {@link IOException} whose message names the bucket, the operation and the key.
 */
public interface Bucket extends AutoCloseable {
  /** A short name for metrics and logs, e.g. {@code filesystem}, {@code s3}. */
  String name();

  /**
   * Streams a whole object. The caller closes the stream.
   *
   * @throws ObjectNotFoundException when the key does not exist
   */
  InputStream get(String key) throws IOException;

  /**
   * Streams {@code length} bytes from {@code offset}. A range reaching past the end returns the
   * bytes up to the end. The caller closes the stream.
   *
   * @throws ObjectNotFoundException when the key does not exist
   * @throws IllegalArgumentException when offset or length is negative
   */
  InputStream getRange(String key, long offset, long length) throws IOException;

  /**
   * Writes an object, replacing any previous one; readers see either the old or the new object,
   * never a partial one.
   *
   * @param length the number of bytes {@code data} yields
   */
  void upload(String key, InputStream data, long length) throws IOException;

  /** Writes an object from memory (small files such as {@code meta.json}). */
  default void upload(String key, byte[] data) throws IOException {
    upload(key, new java.io.ByteArrayInputStream(data), data.length);
  }

  /** Deletes an object. Deleting a missing key is not an error. */
  void delete(String key) throws IOException;

  /** Whether an object exists at exactly this key. */
  boolean exists(String key) throws IOException;

  /**
   * Size and modification time of an object.
   *
   * @throws ObjectNotFoundException when the key does not exist
   */
  ObjectAttributes attributes(String key) throws IOException;

  /**
   * Keys under {@code prefix} (a "directory" ending in {@code /}, or "" for the root), sorted.
   * Non-recursive: direct children only, sub-directories as their prefix ending in {@code /}.
   * Recursive: every object key below the prefix.
   */
  List<String> list(String prefix, boolean recursive) throws IOException;

  /** Releases clients and connections. */
  @Override
  void close() throws IOException;
}
