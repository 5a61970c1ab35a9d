package io.flarestack.ingester.flush;

import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.replica.ProfileKeySet;
import io.flarestack.common.model.replica.ReplicaChoice;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.query.HeadSource;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockFiles;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replica de-duplication on the servers' side, over three replicas that each missed some
 * pushes (as replication factor 3 with quorum writes leaves them): the keys a head reports equal
 * its block's; a querier-style two-phase read over the heads, and a store-gateway-style read
 * over the three replicas' blocks, each count every pushed profile exactly once — a profile
 * pushed twice counts twice. Each profile's value is a distinct power of two, so a total names
 * exactly the profiles it counted.
 */
class ReplicaReadTest {
  private static final String TYPE = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Labels A = Labels.of("__name__", "process_cpu", "service_name", "svc", "pod", "a");
  private static final Labels B = Labels.of("__name__", "process_cpu", "service_name", "svc", "pod", "b");

  /** One push: a series, a time (seconds) and a value. */
  private record Push(Labels labels, int second, long value) {
    Profile profile() {
      return TestPprof.cpu().timeMillis(second * 1000L).sample(value, "main", "work" + second).build();
    }
  }

  private static final List<Push> PUSHED = List.of(
      new Push(A, 1, 1L << 0), new Push(A, 2, 1L << 1), new Push(A, 3, 1L << 2), new Push(A, 4, 1L << 3),
      new Push(B, 1, 1L << 4), new Push(B, 2, 1L << 5), new Push(B, 3, 1L << 6),
      // The same labels and time pushed twice (a client's retry): two profiles, both count.
      new Push(A, 10, 1L << 7), new Push(A, 10, 1L << 7));

  /** Which pushes (indexes into PUSHED) each replica got: every push reached at least two. */
  private static final int[][] REPLICAS = {{0, 1, 2, 4, 5, 7, 8}, {0, 1, 3, 4, 6, 7, 8}, {1, 2, 3, 5, 6, 7}};

  @TempDir
  static Path dir;

  private static final QueryEngine engine = new QueryEngine();
  private static final List<ProfileSource> heads = new ArrayList<>();
  private static final List<ProfileSource> blocks = new ArrayList<>();

  @BeforeAll
  static void replicas() throws Exception {
    for (int r = 0; r < REPLICAS.length; r++) {
      Head h = new Head(0, new SimpleMeterRegistry());
      for (int i : REPLICAS[r]) {
        Push p = PUSHED.get(i);
        h.append("t", Requests.push(series(p.labels(), p.profile())));
      }
      heads.add(new HeadSource(h.find("t")));
      String ulid = Ulid.generate(1_000_000L + r, new Random(r));
      BlockMeta meta = HeadBlocks.write(h.find("t"), dir.resolve(ulid), ulid, new BlockWriter(1 << 20));
      blocks.add(new Block(meta, BlockFiles.local(dir.resolve(ulid), new ReadStats()), "t/" + ulid, e -> {
        throw new AssertionError(e);
      }));
    }
  }

  private static long expectedTotal() {
    return PUSHED.stream().mapToLong(Push::value).sum();
  }

  private static SelectProfilesRequest.Builder all() {
    return select("{service_name=\"svc\"}", TYPE, 0, 60_000);
  }

  private static long seriesTotal(List<? extends ProfileSource> sources, SelectProfilesRequest.Builder select) {
    long total = 0;
    SelectSeriesRequest req = Requests.series(select, 60_000);
    for (PartialSeries s : engine.selectSeries(sources, req).getSeriesList()) {
      for (PartialPoint p : s.getPointsList()) {
        total += (long) p.getSum();
      }
    }
    return total;
  }

  private static long treeTotal(List<? extends ProfileSource> sources, SelectProfilesRequest.Builder select) {
    return CallTree.fromProto(engine.mergeTree(sources, tree(select, 0)).getTree(), Cancellation.never()).total();
  }

  @Test
  void aHeadAndItsBlockReportTheSameKeys() {
    for (int r = 0; r < REPLICAS.length; r++) {
      ProfileKeys fromHead = engine.profileKeys(List.of(heads.get(r)), all().build());
      ProfileKeys fromBlock = engine.profileKeys(List.of(blocks.get(r)), all().build());
      assertThat(fromBlock).isEqualTo(fromHead);
      assertThat(ProfileKeySet.fromProto(fromHead).size()).isEqualTo(REPLICAS[r].length);
    }
  }

  @Test
  void withoutDeduplicationReplicasCountOnceEach() {
    long sumOfReplicas = 0;
    for (int[] replica : REPLICAS) {
      for (int i : replica) {
        sumOfReplicas += PUSHED.get(i).value();
      }
    }
    assertThat(seriesTotal(blocks, all())).isEqualTo(sumOfReplicas).isGreaterThan(expectedTotal());
  }

  @Test
  void aTwoPhaseReadOverTheHeadsCountsEveryPushOnce() {
    List<ProfileKeySet> held = new ArrayList<>();
    for (ProfileSource head : heads) {
      held.add(ProfileKeySet.fromProto(engine.profileKeys(List.of(head), all().build())));
    }
    List<ProfileKeySet> shares = ReplicaChoice.assign(held, null);
    long series = 0;
    long tree = 0;
    int assigned = 0;
    for (int r = 0; r < heads.size(); r++) {
      assigned += shares.get(r).size();
      SelectProfilesRequest.Builder mine = all().setKeep(shares.get(r).toProto());
      series += seriesTotal(List.of(heads.get(r)), mine);
      tree += treeTotal(List.of(heads.get(r)), mine);
    }
    // Eight distinct keys: the twice-pushed profile is one key held twice by its replicas.
    assertThat(assigned).isEqualTo(8);
    assertThat(series).isEqualTo(expectedTotal());
    assertThat(tree).isEqualTo(expectedTotal());
  }

  @Test
  void aReplicaLostAfterTheFirstPhaseIsReadFromTheOthers() {
    List<ProfileKeySet> held = new ArrayList<>();
    for (ProfileSource head : heads) {
      held.add(ProfileKeySet.fromProto(engine.profileKeys(List.of(head), all().build())));
    }
    List<ProfileKeySet> shares = ReplicaChoice.assign(held, null);
    long total = seriesTotal(List.of(heads.get(1)), all().setKeep(shares.get(1).toProto()))
        + seriesTotal(List.of(heads.get(2)), all().setKeep(shares.get(2).toProto()));
    // Replica 0 fails: its share goes to the others, who hold every key of it.
    held.set(0, null);
    assertThat(ReplicaChoice.missing(held, shares.get(0))).isZero();
    List<ProfileKeySet> again = ReplicaChoice.assign(held, shares.get(0));
    assertThat(again.get(0).isEmpty()).isTrue();
    total += seriesTotal(List.of(heads.get(1)), all().setKeep(again.get(1).toProto()))
        + seriesTotal(List.of(heads.get(2)), all().setKeep(again.get(2).toProto()));
    assertThat(total).isEqualTo(expectedTotal());
  }

  @Test
  void aStoreGatewayCountsItsReplicaBlocksOnce() {
    assertThat(seriesTotal(blocks, all().setDeduplicate(true))).isEqualTo(expectedTotal());
    assertThat(treeTotal(blocks, all().setDeduplicate(true))).isEqualTo(expectedTotal());
    // Its keys are the union, the twice-pushed profile twice.
    assertThat(ProfileKeySet.fromProto(engine.profileKeys(blocks, all().setDeduplicate(true).build())).size())
        .isEqualTo(PUSHED.size());
  }

  @Test
  void headsAndBlocksTogetherCountEveryPushOnce() {
    // Replica 0 still has its head; replicas 1 and 2 flushed (a store-gateway reads both blocks).
    List<ProfileKeySet> held = List.of(
        ProfileKeySet.fromProto(engine.profileKeys(List.of(heads.get(0)), all().build())),
        ProfileKeySet.fromProto(engine.profileKeys(blocks.subList(1, 3), all().setDeduplicate(true).build())));
    List<ProfileKeySet> shares = ReplicaChoice.assign(held, null);
    long total = seriesTotal(List.of(heads.get(0)), all().setKeep(shares.get(0).toProto()))
        + seriesTotal(blocks.subList(1, 3), all().setDeduplicate(true).setKeep(shares.get(1).toProto()));
    assertThat(total).isEqualTo(expectedTotal());
  }
}
