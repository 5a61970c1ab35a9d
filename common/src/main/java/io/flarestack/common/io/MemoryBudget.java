package io.flarestack.common.io;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that all requests in flight may hold together for their bodies and decoded forms
 * ({@code -server.max-inflight-request-bytes}). Each request draws on it through its own
 * {@link RequestMemory}, which gives everything back when the request ends, so a flood of large
 * requests is answered 429 instead of exhausting the heap. Thread-safe and lock-free.
 */
public final class MemoryBudget {
  /** The flag that sets the capacity, as messages name it. */
  public static final String FLAG = "-server.max-inflight-request-bytes";

  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  /**
   * @param capacity the bytes all requests together may hold; positive
   * @throws IllegalArgumentException when the capacity is not positive
   */
  public MemoryBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("the in-flight request memory budget must be positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** A new, empty reservation for one request; close it when the request ends. */
  public RequestMemory open() {
    return new RequestMemory(this);
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes held by requests in flight now. */
  public long used() {
    return used.get();
  }

  /** Takes {@code bytes} if they fit under the capacity; never blocks. */
  boolean tryTake(long bytes) {
    while (true) {
      long u = used.get();
      if (bytes > capacity - u) {
        return false;
      }
      if (used.compareAndSet(u, u + bytes)) {
        return true;
      }
    }
  }

  void give(long bytes) {
    used.addAndGet(-bytes);
  }
}
