package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A bucket on the heap, for tests and single-process development. Objects are immutable byte
 * arrays replaced atomically, so readers see an old or a new object, never a mix. Thread-safe.
 */
public final class MemoryBucket implements Bucket {
  private record StoredObject(byte[] data, Instant lastModified) {}

  private final ConcurrentSkipListMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
  private final Clock clock;

  /** A bucket stamping writes with {@code clock}. */
  public MemoryBucket(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A bucket stamping writes with the system clock. */
  public MemoryBucket() {
    this(Clock.systemUTC());
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public InputStream get(String key) throws IOException {
    return new ByteArrayInputStream(find(key).data());
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    ObjectKeys.checkRange(key, offset, length);
    byte[] data = find(key).data();
    int from = (int) Math.min(offset, data.length);
    int to = (int) Math.min(data.length, from + Math.min(length, data.length));
    return new ByteArrayInputStream(data, from, to - from);
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    ObjectKeys.checkKey(key);
    if (length > Integer.MAX_VALUE - 8) {
      throw new IOException(name() + ": object " + key + " of " + length + " bytes is too large for a memory bucket");
    }
    byte[] bytes = new ExactLengthInputStream(key, data, length).readAllBytes();
    objects.put(key, new StoredObject(bytes, clock.instant()));
  }

  @Override
  public void delete(String key) {
    objects.remove(ObjectKeys.checkKey(key));
  }

  @Override
  public boolean exists(String key) {
    return objects.containsKey(ObjectKeys.checkKey(key));
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    StoredObject o = find(key);
    return new ObjectAttributes(o.data().length, o.lastModified());
  }

  @Override
  public List<String> list(String prefix, boolean recursive) {
    ObjectKeys.checkPrefix(prefix);
    return ObjectKeys.listing(prefix, objects.tailMap(prefix).keySet().stream()
        .takeWhile(k -> k.startsWith(prefix)).toList(), recursive);
  }

  @Override
  public void close() {}

  private StoredObject find(String key) throws ObjectNotFoundException {
    StoredObject o = objects.get(ObjectKeys.checkKey(key));
    if (o == null) {
      throw new ObjectNotFoundException(name(), key);
    }
    return o;
  }
}
