package io.flarestack.storegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.storegateway.v1.BlockRef;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.objstore.filesystem.FilesystemBucket;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.QueryEngine;
import io.flarestack.storegateway.testing.PprofBlocks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store-gateway over a real filesystem bucket holding blocks of real profiles: discovery
 * (meta.json = complete), answers equal to the inputs, and corrupt or missing files skipped
 * with a metric rather than failing a query.
 */
class StoreGatewayTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final long T0 = 1_700_000_000_000L;

  @TempDir
  Path bucketDir;
  @TempDir
  Path work;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final QueryEngine engine = new QueryEngine();
  private final Random random = new Random(3);
  private FilesystemBucket bucket;
  private StoreGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    bucket = new FilesystemBucket(bucketDir);
    gateway = new StoreGateway(new StoreGatewayConfig(1, "", Duration.ofHours(1)), bucket, Clock.systemUTC(), registry);
  }

  @AfterEach
  void tearDown() {
    gateway.stop();
  }

  private String ulid(long ms) {
    return Ulid.generate(ms, random);
  }

  /** A block with {@code n} profiles of the service, one a second from {@code startMs}. */
  private BlockMeta upload(String service, Profile p, long startMs, int n) throws Exception {
    PprofBlocks b = new PprofBlocks();
    for (int i = 0; i < n; i++) {
      b.add(Labels.of("__name__", "process_cpu", "service_name", service), p, (startMs + i * 1000L) * 1_000_000L,
          "id-" + i);
    }
    return b.upload(bucket, "t", ulid(startMs), work);
  }

  private Map<String, Long> tree(String selector, List<String> only) {
    SelectProfilesRequest.Builder sel = SelectProfilesRequest.newBuilder().setLabelSelector(selector)
        .setProfileTypeId(CPU).setStart(T0 - 1000).setEnd(T0 + 3_600_000).addAllBlocks(only);
    FunctionTree t = engine.mergeTree(gateway.sources("t", sel.getStart(), sel.getEnd(), only),
        MergeTreeRequest.newBuilder().setSelect(sel).build()).getTree();
    return TreeFacts.collapsed(t);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void answersFromCompleteBlocksOnly() throws Exception {
    BlockMeta java = upload("java-app", JAVA, T0, 3);
    BlockMeta go = upload("go-app", GO, T0 + 600_000, 2);
    // A block whose upload stopped before meta.json: invisible.
    BlockMeta half = new PprofBlocks().add(Labels.of("__name__", "process_cpu", "service_name", "java-app"), JAVA,
        T0 * 1_000_000L, "x").write(work.resolve("half"), ulid(T0));
    for (BlockMeta.FileInfo f : half.files()) {
      bucket.upload("t/" + half.ulid() + "/" + f.relPath(), Files.readAllBytes(work.resolve("half").resolve(f.relPath())));
    }
    gateway.start();

    assertThat(gateway.plan("t", 0, 0)).extracting(BlockRef::getId).containsExactlyInAnyOrder(java.ulid(), go.ulid());
    assertThat(gateway.plan("t", T0 + 500_000, T0 + 700_000)).extracting(BlockRef::getId).containsExactly(go.ulid());
    assertThat(gateway.plan("t", 0, 0)).allSatisfy(b -> assertThat(b.getSourcesList()).containsExactly(b.getId()));
    assertThat(tree("{service_name=\"java-app\"}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 3));
    assertThat(tree("{service_name=\"go-app\"}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(GO, 1), 2));
    // The querier's plan names the blocks to read: only those are read.
    assertThat(tree("{}", List.of(go.ulid()))).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(GO, 1), 2));
    assertThat(engine.labelValues(gateway.sources("t", 0, 0, List.of()),
        LabelValuesRequest.newBuilder().setName("service_name").build()).getNamesList())
        .containsExactly("go-app", "java-app");

    // Once its meta.json lands, the next sync sees the half block.
    bucket.upload("t/" + half.ulid() + "/meta.json", Files.readAllBytes(work.resolve("half").resolve("meta.json")));
    assertThat(gateway.sync("test")).isTrue();
    assertThat(gateway.plan("t", 0, 0)).hasSize(3);
    assertThat(tree("{service_name=\"java-app\"}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 4));
    assertThat(counter("pyroscope.bucket.store.block.loads")).isEqualTo(3);
    assertThat(counter("pyroscope.bucket.store.block.load.failures")).isZero();
  }

  @Test
  void corruptOrMissingFilesSkipTheBlockWithAMetric() throws Exception {
    BlockMeta good = upload("java-app", JAVA, T0, 2);
    BlockMeta badSymbols = upload("java-app", JAVA, T0 + 10_000, 1);
    BlockMeta shortParquet = upload("java-app", JAVA, T0 + 20_000, 1);
    BlockMeta badMeta = upload("java-app", JAVA, T0 + 30_000, 1);
    BlockMeta noIndex = upload("java-app", JAVA, T0 + 40_000, 1);
    // Flip bytes in the middle of the symbols file.
    try (RandomAccessFile f = new RandomAccessFile(
        bucketDir.resolve("t").resolve(badSymbols.ulid()).resolve("symbols.sym").toFile(), "rw")) {
      f.seek(f.length() / 3);
      f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }
    // Cut profiles.parquet short.
    try (RandomAccessFile f = new RandomAccessFile(
        bucketDir.resolve("t").resolve(shortParquet.ulid()).resolve("profiles.parquet").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    bucket.upload("t/" + badMeta.ulid() + "/meta.json", "{\"ulid\": 42".getBytes(StandardCharsets.UTF_8));
    bucket.delete("t/" + noIndex.ulid() + "/series.idx");
    gateway.start();

    assertThat(counter("pyroscope.bucket.store.block.load.failures")).isEqualTo(1); // the meta.json, at sync
    assertThat(gateway.plan("t", 0, 0)).extracting(BlockRef::getId).doesNotContain(badMeta.ulid());
    // Queries skip the blocks they cannot read and answer from the others.
    assertThat(tree("{service_name=\"java-app\"}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 2));
    assertThat(counter("pyroscope.bucket.store.block.load.failures")).isEqualTo(4);
    // Found broken once, they are no longer offered to the querier.
    assertThat(gateway.plan("t", 0, 0)).extracting(BlockRef::getId).containsExactly(good.ulid());
    assertThat(tree("{service_name=\"java-app\"}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 2));
    assertThat(counter("pyroscope.bucket.store.block.load.failures")).isEqualTo(4);
  }

  @Test
  void aCompactedBlockHidesTheBlocksItWasMadeOf() throws Exception {
    BlockMeta a = upload("java-app", JAVA, T0, 1);
    BlockMeta b = upload("java-app", JAVA, T0 + 1000, 1);
    // A level-2 block holding both (its content here: the same two profiles).
    PprofBlocks both = new PprofBlocks();
    both.add(Labels.of("__name__", "process_cpu", "service_name", "java-app"), JAVA, T0 * 1_000_000L, "0");
    both.add(Labels.of("__name__", "process_cpu", "service_name", "java-app"), JAVA, (T0 + 1000) * 1_000_000L, "1");
    String id = ulid(T0 + 5000);
    BlockMeta l1 = both.write(work.resolve(id), id);
    BlockMeta l2 = new BlockMeta(l1.ulid(), l1.minTime(), l1.maxTime(), l1.stats(), l1.files(),
        new BlockMeta.Compaction(2, List.of(a.ulid(), b.ulid()),
            List.of(new BlockMeta.Parent(a.ulid(), a.minTime(), a.maxTime()),
                new BlockMeta.Parent(b.ulid(), b.minTime(), b.maxTime()))),
        l1.version(), l1.format(), l1.labels(), "compactor");
    for (BlockMeta.FileInfo f : l2.files()) {
      bucket.upload("t/" + id + "/" + f.relPath(), Files.readAllBytes(work.resolve(id).resolve(f.relPath())));
    }
    bucket.upload("t/" + id + "/meta.json", l2.toJson());
    gateway.start();

    List<BlockRef> plan = gateway.plan("t", 0, 0);
    assertThat(plan).extracting(BlockRef::getId).containsExactly(id);
    assertThat(plan.get(0).getSourcesList()).containsExactlyInAnyOrder(a.ulid(), b.ulid());
    assertThat(tree("{}", List.of())).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 2));
  }
}
