package io.flarestack.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An object store bucket: the one storage SPI every backend (filesystem, S3, GCS, Azure Blob)
 * implements and every reader and writer of blocks uses. Keys are {@code /}-separated paths
 * without a leading slash (e.g. {@code tenant/01HXYZ.../meta.json}); "directories" exist only as
 * key prefixes. Keys follow {@link ObjectKeys} on every backend (no empty, {@code .} or
 * {@code ..} segment); a key or prefix breaking them is an {@link IllegalArgumentException}.
 * Implementations are thread-safe and never log credentials. {@code AbstractBucketContractTest}
 * in this module's tests is the executable form of this contract.
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
   * never a partial one. The caller closes {@code data}.
   *
   * @param length the number of bytes {@code data} yields; data ending earlier or going on longer
   *     fails the upload with an {@link IOException} and leaves any previous object in place
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
   * Keys starting with {@code prefix}, sorted in {@link String} order. The prefix is usually a
   * "directory" ending in {@code /}, or "" for the root; a prefix that is not a directory (e.g.
   * {@code tenant/01H}) matches the names in its directory that start with its last part, as in
   * S3. Non-recursive: the matching direct children, sub-directories as their prefix ending in
   * {@code /}. Recursive: every matching object key at any depth. A prefix matching nothing
   * lists nothing (no error).
   */
  List<String> list(String prefix, boolean recursive) throws IOException;

  /** Releases clients and connections. */
  @Override
  void close() throws IOException;
}
