package io.flarestack.distributor.testing;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One daemon scheduler for the push-deadline timers of every distributor built in tests. */
public final class TestScheduler {
  public static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "test-push-deadlines");
    t.setDaemon(true);
    return t;
  });

  private TestScheduler() {}
}
