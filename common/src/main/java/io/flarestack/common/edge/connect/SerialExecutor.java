package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor, as grpc-java
 * serializes the callbacks of one call. Thread-safe.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
  private boolean draining; // guarded by this

  SerialExecutor(Executor delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public void execute(Runnable task) {
    if (enqueue(task)) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain(); // the pool is stopping; the call must still complete
      }
    }
  }

  private synchronized boolean enqueue(Runnable task) {
    tasks.add(requireNonNull(task, "task is null"));
    if (draining) {
      return false;
    }
    draining = true;
    return true;
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("call callback failed", e);
      } catch (Error e) {
        boolean more;
        synchronized (this) {
          draining = false;
          more = !tasks.isEmpty();
        }
        if (more) {
          execute(() -> {}); // hand the remaining tasks to a fresh drain
        }
        throw e;
      }
    }
  }
}
