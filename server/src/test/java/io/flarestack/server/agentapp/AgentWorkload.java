package io.flarestack.server.agentapp;

import io.pyroscope.labels.v2.LabelsSet;
import io.pyroscope.labels.v2.Pyroscope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The application JavaAgentIT profiles with the real pyroscope-java agent, in a child JVM: one
 * thread burns CPU in {@link #burn} under the dynamic label {@code controller=slow_controller},
 * one allocates, two contend for a monitor and two for a {@link ReentrantLock}. Runs until it is
 * destroyed, or exits after {@code args[0]} seconds should its parent be gone.
 */
public final class AgentWorkload {
  private static final Object MONITOR = new Object();
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static volatile long sink;

  private AgentWorkload() {}

  public static void main(String[] args) {
    long seconds = Long.parseLong(args[0]);
    start("burner", () -> {
      LabelsSet labels = new LabelsSet("controller", "slow_controller");
      while (true) {
        Pyroscope.LabelsWrapper.run(labels, () -> {
          sink += burn(5_000_000);
        });
      }
    });
    start("allocator", () -> {
      while (true) {
        sink += allocate();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    });
    for (int i = 0; i < 2; i++) {
      start("monitor-" + i, () -> {
        while (true) {
          synchronized (MONITOR) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
          }
        }
      });
      start("lock-" + i, () -> {
        while (true) {
          LOCK.lock();
          try {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
          } finally {
            LOCK.unlock();
          }
        }
      });
    }
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
    System.exit(0);
  }

  /** Pure arithmetic, so that it is the leaf of its samples. */
  static long burn(long n) {
    long x = 17;
    for (long i = 0; i < n; i++) {
      x = x * 6364136223846793005L + (i ^ (x >>> 29));
    }
    return x;
  }

  static long allocate() {
    byte[] b = new byte[64 << 10];
    b[b.length - 1] = 1;
    return b.length;
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
