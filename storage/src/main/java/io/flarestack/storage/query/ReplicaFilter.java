package io.flarestack.storage.query;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.replica.ProfileKeySet;
import io.flarestack.common.model.replica.ReplicaChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * Replica de-duplication on a server's side (see {@link ReplicaChoice} and docs/storage.md):
 * lists the profile keys a selection covers, and narrows sources to the profiles the querier
 * assigned to this server ({@code keep}) and, where this server's own sources are replicas of
 * each other ({@code deduplicate}: block copies uploaded by several ingesters), to one copy
 * among them.
 */
final class ReplicaFilter {
  private ReplicaFilter() {}

  /**
   * The keys of the profiles in {@code [from, to]} nanoseconds of the selected series: summed
   * over the sources when they are disjoint (an ingester's head windows and local blocks), or
   * their union when {@code sel.deduplicate()}. Respects {@code keep} when set.
   */
  static ProfileKeySet keys(List<? extends ProfileSource> sources, ProfileSelection sel, long from, long to,
      Cancellation cancel) {
    List<? extends ProfileSource> narrowed = sel.keep() == null ? sources : keepOnly(sources, sel.keep());
    if (sel.deduplicate()) {
      List<ProfileKeySet> held = new ArrayList<>(narrowed.size());
      for (ProfileSource source : narrowed) {
        held.add(keysOf(source, sel, from, to, cancel));
      }
      return ReplicaChoice.union(held);
    }
    ProfileKeySet.Builder all = new ProfileKeySet.Builder();
    for (ProfileSource source : narrowed) {
      collect(source, sel, from, to, cancel, all);
    }
    return all.build();
  }

  /**
   * The sources narrowed to the rows this server must count; the same list when the selection
   * asks for no de-duplication.
   */
  static List<? extends ProfileSource> apply(List<? extends ProfileSource> sources, ProfileSelection sel, long from,
      long to, Cancellation cancel) {
    if (!sel.deduplicate() && sel.keep() == null) {
      return sources;
    }
    if (!sel.deduplicate()) {
      return keepOnly(sources, sel.keep());
    }
    List<ProfileKeySet> held = new ArrayList<>(sources.size());
    for (ProfileSource source : sources) {
      held.add(keysOf(source, sel, from, to, cancel));
    }
    List<ProfileKeySet> kept = ReplicaChoice.assign(held, sel.keep());
    List<ProfileSource> out = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      if (!kept.get(i).isEmpty()) {
        out.add(new KeptSource(sources.get(i), kept.get(i)));
      }
    }
    return out;
  }

  private static List<ProfileSource> keepOnly(List<? extends ProfileSource> sources, ProfileKeySet keep) {
    List<ProfileSource> out = new ArrayList<>(sources.size());
    if (!keep.isEmpty()) {
      for (ProfileSource source : sources) {
        out.add(new KeptSource(source, keep));
      }
    }
    return out;
  }

  /** One source's keys; {@code null} when it cannot be read (it then holds nothing). */
  private static ProfileKeySet keysOf(ProfileSource source, ProfileSelection sel, long from, long to,
      Cancellation cancel) {
    ProfileKeySet.Builder b = new ProfileKeySet.Builder();
    try {
      collect(source, sel, from, to, cancel, b);
    } catch (SourceUnavailableException e) {
      return null; // logged and counted by the source; the read skips it too
    }
    return b.build();
  }

  private static void collect(ProfileSource source, ProfileSelection sel, long from, long to, Cancellation cancel,
      ProfileKeySet.Builder out) {
    cancel.checkNow();
    Selection s = source.select(sel.matchers(), from, to, false);
    List<SelectedSeries> series = s.series();
    if (series.isEmpty()) {
      return;
    }
    long[] fingerprints = new long[series.size()];
    for (int i = 0; i < fingerprints.length; i++) {
      fingerprints[i] = series.get(i).labels().fingerprint();
    }
    s.scan(false, false, (i, row) -> {
      cancel.check();
      long t = row.timeNanos();
      if (t >= from && t <= to) {
        out.add(fingerprints[i], t);
      }
    });
  }

  /** A source whose selections yield only the rows whose keys are in a set. */
  private record KeptSource(ProfileSource inner, ProfileKeySet kept) implements ProfileSource {
    @Override
    public Selection select(List<Matcher> matchers, long fromNanos, long toNanos,
        boolean exact) {
      return new KeptSelection(inner.select(matchers, fromNanos, toNanos, exact), kept);
    }

    @Override
    public SourceStats stats() {
      return inner.stats();
    }
  }

  private static final class KeptSelection implements Selection {
    private final Selection inner;
    private final ProfileKeySet kept;
    private final ProfileKeySet.Range[] ranges;

    KeptSelection(Selection inner, ProfileKeySet kept) {
      this.inner = inner;
      this.kept = kept;
      List<SelectedSeries> series = inner.series();
      this.ranges = new ProfileKeySet.Range[series.size()];
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = kept.range(series.get(i).labels().fingerprint());
      }
    }

    @Override
    public List<SelectedSeries> series() {
      return inner.series();
    }

    @Override
    public int partitionCount() {
      return inner.partitionCount();
    }

    @Override
    public Symbols symbols(int partition) {
      return inner.symbols(partition);
    }

    @Override
    public void scan(boolean samples, boolean spans, RowVisitor visitor) {
      inner.scan(samples, spans, (i, row) -> {
        if (kept.contains(ranges[i], row.timeNanos())) {
          visitor.row(i, row);
        }
      });
    }
  }
}
