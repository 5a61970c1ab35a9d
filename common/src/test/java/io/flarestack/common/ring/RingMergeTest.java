package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.kv.MergeableCodec;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RingMergeTest {
  private static final InstanceState[] STATES = {InstanceState.ACTIVE, InstanceState.LEAVING, InstanceState.PENDING,
      InstanceState.JOINING, InstanceState.LEFT};

  private final RingMerge codec = new RingMerge();

  @Test
  void gossipMergeIsTheJoinOfTheEntries() {
    // Small pools of ids, times and tokens, so ties and overlaps are frequent.
    SplittableRandom random = new SplittableRandom(20240611);
    for (int trial = 0; trial < 2000; trial++) {
      RingDesc x = randomRing(random);
      RingDesc y = randomRing(random);
      RingDesc z = randomRing(random);

      RingDesc xy = merged(x, y);
      assertThat(xy).as("trial %d: x+y is the per-instance maximum", trial).isEqualTo(expectedJoin(x, y));
      assertThat(merged(y, x)).as("trial %d: commutative", trial).isEqualTo(xy);
      assertThat(merged(xy, y)).as("trial %d: idempotent", trial).isEqualTo(xy);
      assertThat(codec.merge(bytes(xy), bytes(x), false, 0)).as("trial %d: nothing new in x", trial).isNull();
      assertThat(merged(xy, z)).as("trial %d: associative", trial).isEqualTo(merged(x, merged(y, z)))
          .isEqualTo(expectedJoin(x, y, z));
    }
  }

  @Test
  void changeHoldsOnlyTheInstancesThatChanged() {
    RingDesc current = ring(instance("a", InstanceState.ACTIVE, 1000, 1), instance("b", InstanceState.ACTIVE, 1000, 2));
    RingDesc incoming = ring(instance("a", InstanceState.ACTIVE, 2000, 1), instance("b", InstanceState.ACTIVE, 1000, 2),
        instance("c", InstanceState.JOINING, 500, 3));

    MergeableCodec.Merge merge = codec.merge(bytes(current), bytes(incoming), false, 0);

    assertThat(decode(merge.change())).isEqualTo(ring(instance("a", InstanceState.ACTIVE, 2000, 1),
        instance("c", InstanceState.JOINING, 500, 3)));
    assertThat(decode(merge.value())).isEqualTo(incoming);
  }

  @Test
  void mergingIntoAnAbsentKeyTakesEverything() {
    RingDesc incoming = ring(instance("a", InstanceState.ACTIVE, 1000, 1));

    MergeableCodec.Merge merge = codec.merge(null, bytes(incoming), false, 0);

    assertThat(decode(merge.value())).isEqualTo(incoming);
    assertThat(decode(merge.change())).isEqualTo(incoming);
  }

  @Test
  void aRemovedInstanceBecomesATombstoneThatALateHeartbeatCannotResurrect() {
    RingDesc current = ring(instance("x", InstanceState.ACTIVE, 4_000, 7, 8), instance("y", InstanceState.ACTIVE, 4_000, 9));
    RingDesc update = ring(instance("y", InstanceState.ACTIVE, 4_000, 9)); // x removed by a local update at 10s

    MergeableCodec.Merge removal = codec.merge(bytes(current), bytes(update), true, 10_000);

    InstanceDesc tombstone = instance("x", InstanceState.LEFT, 10_000); // heartbeat second 10, no tokens
    assertThat(decode(removal.change())).isEqualTo(ring(tombstone));
    assertThat(decode(removal.value()).getInstancesMap()).containsEntry("x", tombstone);
    // A heartbeat x sent at 9.5s, before the removal, arrives late, by gossip or by a local update.
    RingDesc late = ring(instance("x", InstanceState.ACTIVE, 9_500, 7, 8));
    assertThat(codec.merge(removal.value(), bytes(late), false, 11_000)).isNull();
    RingDesc lateUpdate = ring(instance("x", InstanceState.ACTIVE, 9_500, 7, 8), instance("y", InstanceState.ACTIVE, 4_000, 9));
    assertThat(codec.merge(removal.value(), bytes(lateUpdate), true, 11_000)).isNull();
    assertThat(decode(codec.visible(removal.value())).getInstancesMap()).containsOnlyKeys("y");
    // A heartbeat from after the removal (x is alive after all) does bring it back.
    RingDesc later = ring(instance("x", InstanceState.ACTIVE, 10_001, 7, 8));
    assertThat(decode(codec.merge(removal.value(), bytes(later), false, 11_000).value()).getInstancesMap().get("x"))
        .isEqualTo(instance("x", InstanceState.ACTIVE, 10_001, 7, 8));
  }

  @Test
  void aTombstoneIsStampedNoEarlierThanTheEntryItReplaces() {
    // The local clock runs behind the writer of the entry: the tombstone must still win.
    RingDesc current = ring(instance("x", InstanceState.ACTIVE, 20_000, 1));

    MergeableCodec.Merge removal = codec.merge(bytes(current), bytes(RingDesc.getDefaultInstance()), true, 15_000);

    assertThat(decode(removal.value()).getInstancesMap().get("x").getUpdatedAtMillis()).isEqualTo(20_000);
    assertThat(codec.merge(removal.value(), bytes(current), false, 0)).as("LEFT wins the tie").isNull();
  }

  @Test
  void aLocalUpdateLeavesTombstonesAlone() {
    RingDesc current = ring(instance("x", InstanceState.LEFT, 5_000), instance("y", InstanceState.ACTIVE, 5_000, 1));
    RingDesc update = ring(instance("y", InstanceState.ACTIVE, 5_000, 1)); // as read: tombstones are not visible

    assertThat(codec.merge(bytes(current), bytes(update), true, 9_000)).isNull();
  }

  @Test
  void leftWinsTiesInEitherOrder() {
    RingDesc active = ring(instance("x", InstanceState.ACTIVE, 5_000, 1, 2));
    RingDesc left = ring(instance("x", InstanceState.LEFT, 5_000));

    assertThat(merged(active, left)).isEqualTo(left);
    assertThat(merged(left, active)).isEqualTo(left);
  }

  @Test
  void aLeftEntryLosesItsTokens() {
    RingDesc withTokens = ring(instance("x", InstanceState.LEFT, 5_000, 1, 2));

    assertThat(merged(RingDesc.getDefaultInstance(), withTokens)).isEqualTo(ring(instance("x", InstanceState.LEFT, 5_000)));
  }

  @Test
  void aLocalUpdateNeedsALaterTimeWhileGossipBreaksTiesTheSameWayEverywhere() {
    InstanceDesc first = instance("x", InstanceState.ACTIVE, 5_000, 1).toBuilder().setAddr("10.0.0.1:9095").build();
    InstanceDesc second = instance("x", InstanceState.ACTIVE, 5_000, 1).toBuilder().setAddr("10.0.0.2:9095").build();

    assertThat(codec.merge(bytes(ring(first)), bytes(ring(second)), true, 9_000)).isNull();
    assertThat(codec.merge(bytes(ring(second)), bytes(ring(first)), true, 9_000)).isNull();
    // Same time, same length: the encodings differ first at the address's last digit, '2' > '1'.
    assertThat(merged(ring(first), ring(second))).isEqualTo(ring(second));
    assertThat(merged(ring(second), ring(first))).isEqualTo(ring(second));
  }

  @Test
  void theHeartbeatSecondOrdersEntriesWrittenWithoutMilliseconds() {
    InstanceDesc old = instance("x", InstanceState.ACTIVE, 0, 1).toBuilder().setTimestamp(10).build(); // 10 000 ms
    InstanceDesc newer = instance("x", InstanceState.LEAVING, 9_999, 1);

    assertThat(merged(ring(newer), ring(old))).isEqualTo(ring(old));
    assertThat(merged(ring(old), ring(newer))).isEqualTo(ring(old));
  }

  @Test
  void tokenConflictsResolveTheSameWayInEveryMergeOrder() {
    // Token 7: a and b both ACTIVE, the lower id a keeps it. Token 8: c is LEAVING, so d keeps it
    // although c is lower. Token 9: c and e both LEAVING, the lower id c keeps it.
    RingDesc one = ring(instance("a", InstanceState.ACTIVE, 1_000, 7, 100), instance("c", InstanceState.LEAVING, 1_000, 8, 9, 300));
    RingDesc two = ring(instance("b", InstanceState.ACTIVE, 1_000, 7, 200), instance("d", InstanceState.ACTIVE, 1_000, 8));
    RingDesc three = ring(instance("e", InstanceState.LEAVING, 1_000, 9, 500));
    RingDesc expected = ring(instance("a", InstanceState.ACTIVE, 1_000, 7, 100), instance("b", InstanceState.ACTIVE, 1_000, 200),
        instance("c", InstanceState.LEAVING, 1_000, 9, 300), instance("d", InstanceState.ACTIVE, 1_000, 8),
        instance("e", InstanceState.LEAVING, 1_000, 500));

    for (List<RingDesc> order : List.of(List.of(one, two, three), List.of(one, three, two), List.of(two, one, three),
        List.of(two, three, one), List.of(three, one, two), List.of(three, two, one))) {
      RingDesc all = merged(merged(order.get(0), order.get(1)), order.get(2));
      assertThat(decode(codec.visible(bytes(all)))).isEqualTo(expected);
    }
  }

  @Test
  void visibleStripsTombstones() {
    RingDesc stored = ring(instance("x", InstanceState.LEFT, 5_000), instance("y", InstanceState.LEAVING, 4_000, 1),
        instance("z", InstanceState.PENDING, 4_000));

    assertThat(decode(codec.visible(bytes(stored)))).isEqualTo(ring(instance("y", InstanceState.LEAVING, 4_000, 1),
        instance("z", InstanceState.PENDING, 4_000)));
    assertThat(codec.visible(null)).isNull();
  }

  @Test
  void expiryDropsOnlyTombstonesOlderThanTheCutoff() {
    RingDesc stored = ring(instance("old-left", InstanceState.LEFT, 1_000), instance("new-left", InstanceState.LEFT, 3_000),
        instance("edge-left", InstanceState.LEFT, 2_000), instance("old-active", InstanceState.ACTIVE, 500, 1));

    RingDesc kept = decode(codec.expireTombstones(bytes(stored), 2_000));

    assertThat(kept.getInstancesMap()).containsOnlyKeys("new-left", "edge-left", "old-active");
    assertThat(codec.expireTombstones(null, 2_000)).isNull();
  }

  @Test
  void equalRingsEncodeToEqualBytesWhateverTheInsertionOrder() {
    InstanceDesc a = instance("a", InstanceState.ACTIVE, 1, 1);
    InstanceDesc b = instance("b", InstanceState.ACTIVE, 1, 2);
    RingDesc ab = RingDesc.newBuilder().putInstances("a", a).putInstances("b", b).build();
    RingDesc ba = RingDesc.newBuilder().putInstances("b", b).putInstances("a", a).build();

    assertThat(codec.visible(bytes(ab))).isEqualTo(codec.visible(bytes(ba)));
  }

  @Test
  void aValueThatIsNotARingFailsToDecode() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    assertThatThrownBy(() -> codec.merge(garbage, bytes(RingDesc.getDefaultInstance()), false, 0))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not a ring descriptor");
  }

  // --- the oracle, written independently of RingMerge ---

  /** Per instance, the input entry with the greatest (time, LEFT, encoding), as RingMerge documents. */
  private static RingDesc expectedJoin(RingDesc... rings) {
    Comparator<InstanceDesc> order = Comparator.<InstanceDesc>comparingLong(
            i -> i.getUpdatedAtMillis() != 0 ? i.getUpdatedAtMillis() : i.getTimestamp() * 1000)
        .thenComparing(i -> i.getState() == InstanceState.LEFT)
        .thenComparing(InstanceDesc::toByteArray, Arrays::compareUnsigned);
    Map<String, InstanceDesc> best = new TreeMap<>();
    for (RingDesc r : rings) {
      r.getInstancesMap().forEach((id, i) -> best.merge(id, i, (a, b) -> order.compare(a, b) >= 0 ? a : b));
    }
    return RingDesc.newBuilder().putAllInstances(best).build();
  }

  private static RingDesc randomRing(SplittableRandom random) {
    RingDesc.Builder b = RingDesc.newBuilder();
    for (String id : List.of("a", "b", "c", "d")) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      InstanceState state = STATES[random.nextInt(STATES.length)];
      int[] tokens = state == InstanceState.LEFT ? new int[0] : random.ints(random.nextInt(4), 0, 12).toArray();
      InstanceDesc i = instance(id, state, random.nextInt(4) * 1000L, tokens);
      if (random.nextInt(4) == 0) {
        i = i.toBuilder().setAddr(id + "-restarted:9095").build();
      }
      if (random.nextInt(5) == 0) {
        i = i.toBuilder().setUpdatedAtMillis(0).setTimestamp(random.nextInt(4)).build(); // an old writer
      }
      b.putInstances(id, i);
    }
    return b.build();
  }

  private RingDesc merged(RingDesc current, RingDesc incoming) {
    MergeableCodec.Merge m = codec.merge(bytes(current), bytes(incoming), false, 0);
    return m == null ? current : decode(m.value());
  }

  static InstanceDesc instance(String id, InstanceState state, long updatedAtMillis, int... tokens) {
    InstanceDesc.Builder b = InstanceDesc.newBuilder().setId(id).setAddr(id + ":9095").setState(state)
        .setTimestamp(updatedAtMillis / 1000).setUpdatedAtMillis(updatedAtMillis);
    for (int t : tokens) {
      b.addTokens(t);
    }
    return b.build();
  }

  static RingDesc ring(InstanceDesc... instances) {
    RingDesc.Builder b = RingDesc.newBuilder();
    for (InstanceDesc i : instances) {
      b.putInstances(i.getId(), i);
    }
    return b.build();
  }

  private static byte[] bytes(RingDesc ring) {
    return ring.toByteArray();
  }

  private static RingDesc decode(byte[] value) {
    try {
      return RingDesc.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
