package io.flarestack.common.edge.netty;

import java.util.concurrent.TimeUnit;

/** Counts requests from dispatch until their response is written, so stop can wait for them. Thread-safe. */
final class Inflight {
  private int count; // guarded by this

  synchronized void begin() {
    count++;
  }

  synchronized void end() {
    if (--count == 0) {
      notifyAll();
    }
  }

  synchronized int count() {
    return count;
  }

  /** Waits until no request is in flight or the deadline ({@link System#nanoTime()}) passes; returns whether idle. */
  synchronized boolean awaitZero(long deadlineNanos) throws InterruptedException {
    while (count > 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
