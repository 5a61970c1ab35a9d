package io.flarestack.common.model.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ReplicaChoiceTest {
  private record Key(long fp, long t) {}

  private static ProfileKeySet set(long... fpTimePairs) {
    ProfileKeySet.Builder b = new ProfileKeySet.Builder();
    for (int i = 0; i < fpTimePairs.length; i += 2) {
      b.add(fpTimePairs[i], fpTimePairs[i + 1]);
    }
    return b.build();
  }

  /** Every key of a set with its count, read back through the public lookups. */
  private static Map<Key, Integer> counts(ProfileKeySet s, List<Key> universe) {
    Map<Key, Integer> out = new HashMap<>();
    ProfileKeys p = s.toProto();
    int k = 0;
    for (int f = 0; f < p.getFingerprintsCount(); f++) {
      long t = 0;
      for (int i = 0; i < p.getCounts(f); i++, k++) {
        t = i == 0 ? p.getTimes(k) : t + p.getTimes(k);
        out.merge(new Key(p.getFingerprints(f), t), 1, Integer::sum);
      }
    }
    for (Key key : out.keySet()) {
      assertThat(universe).contains(key);
      assertThat(s.contains(key.fp(), key.t())).isTrue();
    }
    return out;
  }

  @Test
  void aSetSurvivesItsWireFormInOrder() {
    ProfileKeySet s = set(5, 30, -7, 10, 5, 10, 5, 30, Long.MIN_VALUE, Long.MAX_VALUE, -7, -3);
    ProfileKeys p = s.toProto();
    assertThat(p.getFingerprintsList()).containsExactly(Long.MIN_VALUE, -7L, 5L);
    assertThat(p.getCountsList()).containsExactly(1, 2, 3);
    assertThat(ProfileKeySet.fromProto(p).toProto()).isEqualTo(p);
    assertThat(s.size()).isEqualTo(6);
    assertThat(s.contains(-7, -3)).isTrue();
    assertThat(s.contains(-7, 11)).isFalse();
    assertThat(s.contains(6, 10)).isFalse();
  }

  @Test
  void malformedSetsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> ProfileKeySet.fromProto(ProfileKeys.newBuilder().addFingerprints(1).build()))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("1 fingerprints but 0 counts");
    assertThatThrownBy(() -> ProfileKeySet.fromProto(ProfileKeys.newBuilder()
        .addFingerprints(2).addCounts(1).addTimes(1).addFingerprints(1).addCounts(1).addTimes(1).build()))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("not strictly ascending");
    assertThatThrownBy(() -> ProfileKeySet.fromProto(ProfileKeys.newBuilder()
        .addFingerprints(2).addCounts(2).addTimes(5).addTimes(-1).build()))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("negative time difference -1");
    assertThatThrownBy(() -> ProfileKeySet.fromProto(ProfileKeys.newBuilder()
        .addFingerprints(2).addCounts(3).addTimes(5).build()))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("counts add up to 3 but there are 1 times");
  }

  @Test
  void theHolderWithMostCopiesReadsAKey() {
    ProfileKeySet a = set(1, 10, 1, 10);
    ProfileKeySet b = set(1, 10);
    List<ProfileKeySet> shares = ReplicaChoice.assign(List.of(b, a), null);
    assertThat(shares.get(0).isEmpty()).isTrue();
    assertThat(shares.get(1).size()).isEqualTo(1);
    assertThat(ReplicaChoice.union(List.of(a, b)).size()).isEqualTo(2);
  }

  @Test
  void unavailableSourcesGetNothingAndMissingKeysAreCounted() {
    ProfileKeySet a = set(1, 10, 2, 20);
    ProfileKeySet b = set(2, 20, 3, 30);
    List<ProfileKeySet> held = new ArrayList<>(List.of(a, b));
    held.set(0, null);
    List<ProfileKeySet> shares = ReplicaChoice.assign(held, null);
    assertThat(shares.get(0).isEmpty()).isTrue();
    assertThat(shares.get(1).size()).isEqualTo(2);
    assertThat(ReplicaChoice.missing(held, a)).isEqualTo(1); // (1, 10) was only in a
  }

  /**
   * Random replicas of random profiles, some pushed twice, each copy missing from some
   * replicas: every key is assigned to exactly one holder with the most copies, ties are spread,
   * and {@code keep} narrows the assignment to its keys.
   */
  @RepeatedTest(20)
  void everyKeyGoesToExactlyOneBestHolder() {
    Random random = new Random();
    long seed = random.nextLong();
    random = new Random(seed);
    int sources = 1 + random.nextInt(4);
    List<Key> universe = new ArrayList<>();
    List<ProfileKeySet.Builder> builders = new ArrayList<>();
    for (int s = 0; s < sources; s++) {
      builders.add(new ProfileKeySet.Builder());
    }
    Map<Key, int[]> copies = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      Key k = new Key(random.nextInt(8) - 4, random.nextInt(50));
      if (copies.containsKey(k)) {
        continue;
      }
      universe.add(k);
      int[] c = new int[sources];
      for (int s = 0; s < sources; s++) {
        c[s] = random.nextInt(3); // 0: this replica missed it; 2: pushed twice
        builders.get(s).add(k.fp(), k.t(), c[s]);
      }
      copies.put(k, c);
    }
    List<ProfileKeySet> held = new ArrayList<>();
    builders.forEach(b -> held.add(b.build()));
    ProfileKeySet.Builder keepBuilder = new ProfileKeySet.Builder();
    for (Key k : universe) {
      if (random.nextBoolean()) {
        keepBuilder.add(k.fp(), k.t());
      }
    }
    ProfileKeySet keep = keepBuilder.build();
    for (ProfileKeySet filter : new ProfileKeySet[] {null, keep}) {
      List<ProfileKeySet> shares = ReplicaChoice.assign(held, filter);
      Map<Key, Integer> assignedTo = new HashMap<>();
      int[] perSource = new int[sources];
      for (int s = 0; s < sources; s++) {
        for (Map.Entry<Key, Integer> e : counts(shares.get(s), universe).entrySet()) {
          assertThat(e.getValue()).as("seed %d: a share lists a key once", seed).isEqualTo(1);
          assertThat(assignedTo.put(e.getKey(), s)).as("seed %d: assigned twice", seed).isNull();
          perSource[s]++;
        }
      }
      for (Key k : universe) {
        int[] c = copies.get(k);
        int max = 0;
        for (int v : c) {
          max = Math.max(max, v);
        }
        boolean wanted = max > 0 && (filter == null || filter.contains(k.fp(), k.t()));
        assertThat(assignedTo.containsKey(k)).as("seed %d key %s", seed, k).isEqualTo(wanted);
        if (wanted) {
          assertThat(c[assignedTo.get(k)]).as("seed %d: a holder with most copies", seed).isEqualTo(max);
        }
      }
      if (filter == null && sources > 1) {
        long busy = java.util.Arrays.stream(perSource).filter(n -> n > 0).count();
        assertThat(busy).as("seed %d: ties are spread over the holders", seed).isGreaterThan(1);
      }
    }
    int unionSize = 0;
    for (int[] c : copies.values()) {
      unionSize += java.util.Arrays.stream(c).max().orElse(0);
    }
    assertThat(ReplicaChoice.union(held).size()).isEqualTo(unionSize);
  }
}
