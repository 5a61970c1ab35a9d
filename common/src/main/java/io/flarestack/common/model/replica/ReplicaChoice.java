package io.flarestack.common.model.replica;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which copy of each profile a replica-de-duplicated read counts. The servers (or, in a
 * store-gateway, the blocks) a read covers each report the keys they hold; every key is then
 * read from exactly one holder: the one with the most copies (a profile really pushed twice is
 * twice in every replica that got both pushes), and among equal holders one picked by the key's
 * hash, so replicas share the reading. The choice depends only on the sets and their order, so
 * two servers computing it over the same sets agree. Stateless.
 */
public final class ReplicaChoice {
  private ReplicaChoice() {}

  /**
   * Assigns keys to holders.
   *
   * @param held per source, the keys it holds; a {@code null} entry is a source that cannot be
   *     read: it holds nothing and is assigned nothing
   * @param keep when not null, only keys in it are assigned
   * @return per source (same order), the keys it must read, each once
   */
  public static List<ProfileKeySet> assign(List<ProfileKeySet> held, ProfileKeySet keep) {
    int n = held.size();
    ProfileKeySet.Appender[] out = new ProfileKeySet.Appender[n];
    for (int s = 0; s < n; s++) {
      out[s] = new ProfileKeySet.Appender();
    }
    Cursor wanted = keep == null ? null : new Cursor(keep);
    walk(held, (fp, t, counts) -> {
      if (wanted != null && !wanted.seek(fp, t)) {
        return;
      }
      out[pick(fp, t, counts)].add(fp, t);
    });
    List<ProfileKeySet> result = new ArrayList<>(n);
    for (ProfileKeySet.Appender a : out) {
      result.add(a.build());
    }
    return result;
  }

  /**
   * The keys of several replicas as one set: each key as many times as its holder with the most
   * copies has it.
   *
   * @param held per source, its keys; {@code null} entries are skipped
   */
  public static ProfileKeySet union(List<ProfileKeySet> held) {
    ProfileKeySet.Appender out = new ProfileKeySet.Appender();
    walk(held, (fp, t, counts) -> {
      int max = 0;
      for (int c : counts) {
        max = Math.max(max, c);
      }
      for (int i = 0; i < max; i++) {
        out.add(fp, t);
      }
    });
    return out.build();
  }

  /**
   * How many keys of {@code wanted} (counted once each) no source of {@code held} has.
   * {@code null} entries hold nothing.
   */
  public static int missing(List<ProfileKeySet> held, ProfileKeySet wanted) {
    List<ProfileKeySet> all = new ArrayList<>(held);
    all.add(wanted);
    int w = all.size() - 1;
    int[] missing = {0};
    walk(all, (fp, t, counts) -> {
      if (counts[w] == 0) {
        return;
      }
      for (int s = 0; s < w; s++) {
        if (counts[s] > 0) {
          return;
        }
      }
      missing[0]++;
    });
    return missing[0];
  }

  /** The holder of a key: most copies first, then a hash of the key among equals. */
  private static int pick(long fp, long t, int[] counts) {
    int max = 0;
    int ties = 0;
    for (int c : counts) {
      if (c > max) {
        max = c;
        ties = 1;
      } else if (c == max && c > 0) {
        ties++;
      }
    }
    int chosen = (int) Long.remainderUnsigned(mix(fp * 31 + t), ties);
    for (int s = 0; s < counts.length; s++) {
      if (counts[s] == max && chosen-- == 0) {
        return s;
      }
    }
    throw new IllegalStateException("no holder");
  }

  /** A 64-bit finaliser (SplitMix64's): spreads near keys over the holders. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @FunctionalInterface
  private interface KeyVisitor {
    /** {@code counts[s]}: how many copies source s holds; valid during the call only. */
    void key(long fp, long t, int[] counts);
  }

  /** Visits every distinct key of the sets in order, with its count in each set. */
  private static void walk(List<ProfileKeySet> sets, KeyVisitor visitor) {
    int n = sets.size();
    Cursor[] cursors = new Cursor[n];
    for (int s = 0; s < n; s++) {
      cursors[s] = sets.get(s) == null ? null : new Cursor(sets.get(s));
    }
    int[] counts = new int[n];
    while (true) {
      boolean any = false;
      long fp = 0;
      long t = 0;
      for (Cursor c : cursors) {
        if (c != null && !c.done() && (!any || c.compareTo(fp, t) < 0)) {
          any = true;
          fp = c.fp();
          t = c.t();
        }
      }
      if (!any) {
        return;
      }
      for (int s = 0; s < n; s++) {
        counts[s] = cursors[s] == null ? 0 : cursors[s].take(fp, t);
      }
      visitor.key(fp, t, counts);
    }
  }

  /** A position in a set. */
  private static final class Cursor {
    private final ProfileKeySet set;
    private int f;
    private int k;

    Cursor(ProfileKeySet set) {
      this.set = set;
      skipEmpty();
    }

    boolean done() {
      return f >= set.fingerprintCount();
    }

    long fp() {
      return set.fingerprint(f);
    }

    long t() {
      return set.time(k);
    }

    int compareTo(long fp2, long t2) {
      int c = Long.compare(fp(), fp2);
      return c != 0 ? c : Long.compare(t(), t2);
    }

    /** Consumes the copies of (fp, t) at the cursor; returns how many there were. */
    int take(long fp2, long t2) {
      int n = 0;
      while (!done() && fp() == fp2 && t() == t2) {
        n++;
        k++;
        skipEmpty();
      }
      return n;
    }

    /** Moves past keys below (fp, t); whether (fp, t) is next. */
    boolean seek(long fp2, long t2) {
      while (!done() && compareTo(fp2, t2) < 0) {
        k++;
        skipEmpty();
      }
      return !done() && fp() == fp2 && t() == t2;
    }

    private void skipEmpty() {
      while (f < set.fingerprintCount() && k >= set.end(f)) {
        f++;
      }
    }
  }
}
