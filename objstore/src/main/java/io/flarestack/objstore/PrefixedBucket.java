package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines a bucket to the keys below a prefix ({@code storage.prefix}), so several clusters or
 * environments can share one bucket: key {@code k} is stored as {@code <prefix>/k} and listings
 * show keys relative to the prefix. Thread-safe when the wrapped bucket is.
 */
public final class PrefixedBucket implements Bucket {
  private final Bucket delegate;
  private final String prefix;

  /**
   * @param prefix a relative path such as {@code team-a} or {@code env/prod}, with or without a
   *     trailing {@code /}; segments follow the {@link ObjectKeys} rules
   * @throws IllegalArgumentException for an empty or malformed prefix
   */
  public PrefixedBucket(Bucket delegate, String prefix) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(prefix, "prefix is null");
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    if (p.equals("/")) {
      throw new IllegalArgumentException("storage prefix must not be empty");
    }
    this.prefix = ObjectKeys.checkPrefix(p);
  }

  /** The prefix, ending in {@code /}. */
  public String prefix() {
    return prefix;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public InputStream get(String key) throws IOException {
    return delegate.get(full(key));
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    return delegate.getRange(full(key), offset, length);
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    delegate.upload(full(key), data, length);
  }

  @Override
  public void delete(String key) throws IOException {
    delegate.delete(full(key));
  }

  @Override
  public boolean exists(String key) throws IOException {
    return delegate.exists(full(key));
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    return delegate.attributes(full(key));
  }

  @Override
  public List<String> list(String listPrefix, boolean recursive) throws IOException {
    ObjectKeys.checkPrefix(listPrefix);
    List<String> keys = delegate.list(prefix + listPrefix, recursive);
    List<String> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      out.add(k.substring(prefix.length()));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  private String full(String key) {
    return prefix + ObjectKeys.checkKey(key);
  }
}
