package io.flarestack.storage.block;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the ranged reads and bytes a reader fetched. Thread-safe. */
public final class ReadStats {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  void record(long n) {
    requests.incrementAndGet();
    bytes.addAndGet(n);
  }

  public long requests() {
    return requests.get();
  }

  public long bytes() {
    return bytes.get();
  }
}
