package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The uploads of a fleet between two times, in time order: every pod uploads each of its kinds
 * once per interval, at its own phase inside the interval (so uploads spread evenly). Go pods
 * upload {@link Kind#GO_CPU} and {@link Kind#GO_HEAP}; Java pods {@link Kind#JAVA_JFR} when JFR
 * is on, else {@link Kind#JAVA_CPU}. Deterministic; not thread-safe (one iterator per caller).
 */
public final class Schedule implements Iterable<Planned> {
  private final Fleet fleet;
  private final long startNanos;
  private final long endNanos;
  private final boolean jfr;
  private final Set<Kind> kinds;
  private final Set<String> services;

  /**
   * @param kinds kinds to keep (others are skipped; empty keeps all)
   * @param services service names to keep (empty keeps all)
   */
  public Schedule(Fleet fleet, long startNanos, long endNanos, boolean jfr, Set<Kind> kinds, Set<String> services) {
    this.fleet = requireNonNull(fleet, "fleet is null");
    if (endNanos < startNanos) {
      throw new IllegalArgumentException("end " + endNanos + " is before start " + startNanos);
    }
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.jfr = jfr;
    this.kinds = Set.copyOf(requireNonNull(kinds, "kinds is null"));
    this.services = Set.copyOf(requireNonNull(services, "services is null"));
  }

  /** The kinds a pod uploads each interval. */
  public List<Kind> kindsOf(Fleet.Pod pod) {
    List<Kind> all = pod.language() == Fleet.Language.GO
        ? List.of(Kind.GO_CPU, Kind.GO_HEAP)
        : List.of(jfr ? Kind.JAVA_JFR : Kind.JAVA_CPU);
    List<Kind> out = new ArrayList<>();
    for (Kind k : all) {
      if (kinds.isEmpty() || kinds.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  @Override
  public Iterator<Planned> iterator() {
    List<Fleet.Pod> pods = new ArrayList<>();
    for (Fleet.Pod p : fleet.pods()) {
      if (services.isEmpty() || services.contains(p.serviceName())) {
        pods.add(p);
      }
    }
    pods.sort(Comparator.comparingLong(fleet::phaseNanos).thenComparingInt(Fleet.Pod::id));
    long interval = fleet.workload().interval().toNanos();
    long firstRound = Math.floorDiv(startNanos, interval) * interval;
    return new Iterator<>() {
      private long round = firstRound;
      private int podIndex;
      private int kindIndex;
      private long seq;
      private Planned next = advance();

      private Planned advance() {
        while (round < endNanos && !pods.isEmpty()) {
          while (podIndex < pods.size()) {
            Fleet.Pod pod = pods.get(podIndex);
            List<Kind> ks = kindsOf(pod);
            if (kindIndex < ks.size()) {
              Kind k = ks.get(kindIndex++);
              long t = round + fleet.phaseNanos(pod);
              if (t >= startNanos && t < endNanos) {
                return new Planned(seq++, pod, k, t);
              }
              continue;
            }
            podIndex++;
            kindIndex = 0;
          }
          podIndex = 0;
          round += interval;
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Planned next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Planned p = next;
        next = advance();
        return p;
      }
    };
  }
}
