package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A zone-aware read across a whole ring counts failures by zone instead (dskit's
 * {@code MaxUnavailableZones}): data is replicated to different zones, so any number of calls may
 * fail as long as they fail in at most {@code maxUnavailableZones} zones, and every instance of
 * the other zones must succeed. Such a set has {@code maxErrors} 0.
 *
 * @param instances healthy instances, distinct
 * @param maxErrors how many calls may fail while the operation still succeeds
 * @param maxUnavailableZones in how many zones (the instances' {@code zone}) calls may fail; 0
 *     means failures are counted per instance against {@code maxErrors}
 */
public record ReplicationSet(List<InstanceDesc> instances, int maxErrors, int maxUnavailableZones) {
  public ReplicationSet {
    instances = List.copyOf(requireNonNull(instances, "instances is null"));
    if (maxErrors < 0 || (maxErrors > 0 && maxErrors >= instances.size())) {
      throw new IllegalArgumentException("maxErrors " + maxErrors + " out of range for " + instances.size() + " instances");
    }
    int zones = zoneSizes(instances).size();
    if (maxUnavailableZones < 0 || (maxUnavailableZones > 0 && maxUnavailableZones >= zones)) {
      throw new IllegalArgumentException("maxUnavailableZones " + maxUnavailableZones + " out of range for " + zones
          + " zones");
    }
    if (maxUnavailableZones > 0 && maxErrors > 0) {
      throw new IllegalArgumentException("a set counts failures by instance (maxErrors " + maxErrors + ") or by zone"
          + " (maxUnavailableZones " + maxUnavailableZones + "), not both");
    }
  }

  /** A set whose failures count per instance. */
  public ReplicationSet(List<InstanceDesc> instances, int maxErrors) {
    this(instances, maxErrors, 0);
  }

  /**
   * How many calls must succeed at the least: all but {@code maxErrors}; for a set counted by
   * zone, the instances of its smallest zones but {@code maxUnavailableZones}.
   */
  public int minSuccess() {
    if (maxUnavailableZones == 0) {
      return instances.size() - maxErrors;
    }
    List<Integer> sizes = new ArrayList<>(zoneSizes(instances).values());
    Collections.sort(sizes);
    int needed = 0;
    for (int i = 0; i < sizes.size() - maxUnavailableZones; i++) {
      needed += sizes.get(i);
    }
    return needed;
  }

  private static Map<String, Integer> zoneSizes(List<InstanceDesc> instances) {
    Map<String, Integer> sizes = new HashMap<>();
    for (InstanceDesc i : instances) {
      sizes.merge(i.getZone(), 1, Integer::sum);
    }
    return sizes;
  }

  /** The instances' addresses, in order. */
  public List<String> addresses() {
    return instances.stream().map(InstanceDesc::getAddr).toList();
  }

  /**
   * Calls every instance through {@code executor} and returns as soon as {@link #minSuccess()}
   * calls succeeded, with their results in completion order. For a set counted by zone, it returns
   * once every instance of all zones but {@code maxUnavailableZones} succeeded, with the results
   * of the zones whose calls all succeeded, zone by zone in completion order. Calls still running
   * go on (a write still reaches every replica); their results are dropped. There is no timeout here: each call
   * must bound itself (a gRPC deadline). With a direct executor ({@code Runnable::run}) the calls
   * run one after another on the caller's thread.
   *
   * @throws FlarestackException as soon as more than {@link #maxErrors()} calls failed (for a set
   *     counted by zone: calls in more than {@link #maxUnavailableZones()} zones): the
   *     failure that crossed the limit, classified by {@link FlarestackException#from}, so an
   *     ingester's invalid-argument stays a 400; the other failures are attached as suppressed.
   *     {@link ErrorCode#CANCELED} when the waiting thread is interrupted.
   */
  public <T> List<T> doUntilQuorum(Executor executor, Function<InstanceDesc, T> call) {
    requireNonNull(executor, "executor is null");
    requireNonNull(call, "call is null");
    if (instances.isEmpty()) {
      return List.of();
    }
    // Calls are tracked in groups: one per instance, or one per zone for a set counted by zone.
    // A group succeeds once all its calls did; the set once all groups but the tolerated ones did.
    int[] groupOf = new int[instances.size()];
    Map<String, Integer> zones = new LinkedHashMap<>();
    for (int i = 0; i < instances.size(); i++) {
      groupOf[i] = maxUnavailableZones == 0 ? i : zones.computeIfAbsent(instances.get(i).getZone(), z -> zones.size());
    }
    int groups = maxUnavailableZones == 0 ? instances.size() : zones.size();
    int[] sizes = new int[groups];
    for (int g : groupOf) {
      sizes[g]++;
    }
    Quorum<T> quorum = new Quorum<>(sizes, maxUnavailableZones == 0 ? maxErrors : maxUnavailableZones);
    for (int i = 0; i < instances.size(); i++) {
      InstanceDesc instance = instances.get(i);
      int group = groupOf[i];
      try {
        executor.execute(() -> quorum.run(group, () -> call.apply(instance)));
      } catch (RejectedExecutionException e) {
        quorum.failure(group, e);
      }
    }
    return quorum.await();
  }

  /** Counts outcomes per group and completes once the quorum is reached or lost. Thread-safe. */
  private static final class Quorum<T> {
    private final int[] pending; // calls not yet succeeded, per group
    private final boolean[] failed; // per group
    private final List<List<T>> groupResults = new ArrayList<>();
    private final int maxFailedGroups;
    private final int neededGroups;
    private int succeededGroups;
    private int failedGroups;
    private final List<T> results = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final CompletableFuture<List<T>> outcome = new CompletableFuture<>();

    Quorum(int[] sizes, int maxFailedGroups) {
      this.pending = sizes.clone();
      this.failed = new boolean[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        groupResults.add(new ArrayList<>());
      }
      this.maxFailedGroups = maxFailedGroups;
      this.neededGroups = sizes.length - maxFailedGroups;
    }

    void run(int group, Supplier<T> call) {
      T result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        failure(group, e);
        return;
      } catch (Error e) {
        failure(group, e);
        throw e;
      }
      synchronized (this) {
        if (failed[group]) {
          return;
        }
        groupResults.get(group).add(result);
        if (--pending[group] > 0) {
          return;
        }
        results.addAll(groupResults.get(group));
        if (++succeededGroups == neededGroups) {
          outcome.complete(Collections.unmodifiableList(new ArrayList<>(results))); // results may be null
        }
      }
    }

    synchronized void failure(int group, Throwable t) {
      failures.add(t);
      if (failed[group]) {
        return;
      }
      failed[group] = true;
      if (++failedGroups == maxFailedGroups + 1) {
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
