package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The instances to call for one key or operation, and how many of those calls may fail: with
 * replication factor 3 a write needs 2 successes, so {@code maxErrors} is 1. Immutable.
 *
 * @param instances healthy instances, distinct
 * @param maxErrors how many calls may fail while the operation still succeeds
 */
public record ReplicationSet(List<InstanceDesc> instances, int maxErrors) {
  public ReplicationSet {
    instances = List.copyOf(requireNonNull(instances, "instances is null"));
    if (maxErrors < 0 || (maxErrors > 0 && maxErrors >= instances.size())) {
      throw new IllegalArgumentException("maxErrors " + maxErrors + " out of range for " + instances.size() + " instances");
    }
  }

  /** How many calls must succeed. */
  public int minSuccess() {
    return instances.size() - maxErrors;
  }

  /** The instances' addresses, in order. */
  public List<String> addresses() {
    return instances.stream().map(InstanceDesc::getAddr).toList();
  }

  /**
   * Calls every instance through {@code executor} and returns as soon as {@link #minSuccess()}
   * calls succeeded, with their results in completion order. Calls still running go on (a write
   * still reaches every replica); their results are dropped. There is no timeout here: each call
   * must bound itself (a gRPC deadline). With a direct executor ({@code Runnable::run}) the calls
   * run one after another on the caller's thread.
   *
   * @throws FlarestackException as soon as more than {@link #maxErrors()} calls failed: the
   *     failure that crossed the limit, classified by {@link FlarestackException#from}, so an
   *     ingester's invalid-argument stays a 400; the other failures are attached as suppressed.
   *     {@link ErrorCode#CANCELED} when the waiting thread is interrupted.
   */
  public <T> List<T> doUntilQuorum(Executor executor, Function<InstanceDesc, T> call) {
    requireNonNull(executor, "executor is null");
    requireNonNull(call, "call is null");
    Quorum<T> quorum = new Quorum<>(minSuccess(), maxErrors);
    if (minSuccess() == 0) {
      return List.of();
    }
    for (InstanceDesc instance : instances) {
      try {
        executor.execute(() -> quorum.run(() -> call.apply(instance)));
      } catch (RejectedExecutionException e) {
        quorum.failure(e);
      }
    }
    return quorum.await();
  }

  /** Counts outcomes and completes once the quorum is reached or lost. Thread-safe. */
  private static final class Quorum<T> {
    private final int needed;
    private final int maxErrors;
    private final List<T> results = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final CompletableFuture<List<T>> outcome = new CompletableFuture<>();

    Quorum(int needed, int maxErrors) {
      this.needed = needed;
      this.maxErrors = maxErrors;
    }

    void run(Supplier<T> call) {
      T result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        failure(e);
        return;
      } catch (Error e) {
        failure(e);
        throw e;
      }
      synchronized (this) {
        results.add(result);
        if (results.size() == needed) {
          outcome.complete(Collections.unmodifiableList(new ArrayList<>(results))); // results may be null
        }
      }
    }

    synchronized void failure(Throwable t) {
      failures.add(t);
      if (failures.size() == maxErrors + 1) {
        FlarestackException e = FlarestackException.from(t);
        for (Throwable other : failures) {
          if (other != t) {
            e.addSuppressed(other);
          }
        }
        outcome.completeExceptionally(e);
      }
    }

    List<T> await() {
      try {
        return outcome.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlarestackException(ErrorCode.CANCELED, "interrupted while waiting for a quorum", e);
      } catch (ExecutionException e) {
        throw (FlarestackException) e.getCause();
      }
    }
  }
}
