package io.flarestack.ingester.flush;

import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.Ingester;
import io.flarestack.ingester.IngesterConfig;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.objstore.filesystem.FilesystemBucket;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Head windows are cut into blocks once they end, written locally, uploaded (meta.json last),
 * and the write-ahead log segments they cover are deleted; queries answer the same before and
 * after, and after a restart.
 */
class FlushTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final long HOUR = Duration.ofHours(1).toNanos();
  private static final Instant BASE = Instant.ofEpochSecond(10 * 3600);
  private static final long BASE_NANOS = 10 * HOUR;

  @TempDir
  Path dataDir;
  @TempDir
  Path bucketDir;

  private final ManualClock clock = new ManualClock(BASE);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final QueryEngine engine = new QueryEngine();
  private FilesystemBucket bucket;
  private Ingester ingester;

  private IngesterConfig config() {
    return IngesterConfig.defaults(dataDir).withWalSegmentBytes(64 << 10)
        .withBlocks(Duration.ofHours(1), Duration.ofMinutes(1)).withUploadedBlockRetention(Duration.ofDays(1));
  }

  @BeforeEach
  void start() throws Exception {
    bucket = new FilesystemBucket(bucketDir);
    ingester = new Ingester(config(), bucket, clock, registry);
    ingester.start();
  }

  @AfterEach
  void stop() {
    ingester.stop();
  }

  private void restart() throws Exception {
    ingester.stop();
    ingester = new Ingester(config(), bucket, clock, new SimpleMeterRegistry());
    ingester.start();
  }

  private void push(String service, Profile p, long timeNanos) {
    ingester.push("t", Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", service),
        p.toBuilder().setTimeNanos(timeNanos).build())));
  }

  /** Ten pushes in window 0 and ten in window 1, alternating Java and Go profiles. */
  private void pushTwoWindows() {
    for (int w = 0; w < 2; w++) {
      for (int i = 0; i < 10; i++) {
        long t = BASE_NANOS + w * HOUR + i * 60_000_000_000L;
        push(i % 2 == 0 ? "java-app" : "go-app", i % 2 == 0 ? JAVA : GO, t);
      }
    }
  }

  /** What the queries answer: the tree per service, the series by service and step. */
  private record Answers(Map<String, Long> tree, Map<String, Long> javaTree, SelectSeriesResponse series,
      SeriesResponse labels) {}

  private Answers answers(Set<String> exclude) {
    List<ProfileSource> sources = ingester.sources("t", exclude);
    long from = BASE_NANOS / 1_000_000;
    long to = from + 3 * 3_600_000;
    return new Answers(
        TreeFacts.collapsed(engine.mergeTree(sources, tree(select("{}", CPU, from, to), 0)).getTree()),
        TreeFacts.collapsed(engine.mergeTree(sources, tree(select("{service_name=\"java-app\"}", CPU, from, to), 0)).getTree()),
        engine.selectSeries(sources, Requests.series(select("{}", CPU, from, to), 600_000, "service_name")),
        engine.series(sources, SeriesRequest.newBuilder().setStart(from).setEnd(to).build()));
  }

  private Answers answers() {
    return answers(Set.of());
  }

  private List<Path> walSegments() throws Exception {
    try (Stream<Path> s = Files.list(dataDir.resolve("wal"))) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }

  private List<String> uploadedBlocks() throws Exception {
    List<String> out = new ArrayList<>();
    for (String dir : bucket.list("t/", false)) {
      if (bucket.exists(dir + BlockMeta.META_FILE)) {
        out.add(dir);
      }
    }
    return out;
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void endedWindowsBecomeUploadedBlocksAndTheirSegmentsGo() throws Exception {
    pushTwoWindows();
    Answers before = answers();
    assertThat(PprofFacts.total(JAVA, 0) * 10).isEqualTo(before.javaTree().values().stream().mapToLong(Long::longValue).sum());
    int segmentsBefore = walSegments().size();
    // Each window fills a segment of its own besides the one they share, so cutting window 0 frees some.
    assertThat(segmentsBefore).isGreaterThanOrEqualTo(3);

    clock.set(BASE.plus(Duration.ofHours(1)).plusSeconds(30)); // window 0 ended, but within the cut delay
    ingester.flushNow();
    assertThat(uploadedBlocks()).isEmpty();
    assertThat(ingester.head().heads("t")).hasSize(2);

    clock.set(BASE.plus(Duration.ofHours(1)).plusSeconds(61));
    ingester.flushNow();
    assertThat(uploadedBlocks()).hasSize(1);
    assertThat(ingester.head().heads("t")).hasSize(1);
    assertThat(answers()).isEqualTo(before);
    List<Path> left = walSegments();
    assertThat(left.size()).isLessThan(segmentsBefore);
    // What is left is what window 1's head needs.
    long oldestLeft = Long.parseLong(left.get(0).getFileName().toString().replace(".wal", ""));
    assertThat(oldestLeft).isLessThanOrEqualTo(ingester.head().heads("t").get(0).minSegment());

    clock.set(BASE.plus(Duration.ofHours(2)).plusSeconds(61));
    ingester.flushNow();
    assertThat(uploadedBlocks()).hasSize(2);
    assertThat(ingester.head().heads("t")).isEmpty();
    assertThat(answers()).isEqualTo(before);
    assertThat(walSegments()).hasSizeLessThanOrEqualTo(1); // at most the segment being written
    assertThat(counter("pyroscope.head.flushed.blocks", "status", "success")).isEqualTo(2);
    assertThat(counter("pyroscope.shipper.uploads", "tenant", "t", "component", "ingester")).isEqualTo(2);

    // A restart serves the same from the local blocks and replays nothing twice.
    restart();
    Answers after = answers();
    assertThat(after.tree()).isEqualTo(before.tree());
    assertThat(after.series()).isEqualTo(before.series());
    assertThat(after.labels()).isEqualTo(before.labels());
  }

  @Test
  void aCleanStopCutsEverythingAndARestartAnswersTheSame() throws Exception {
    pushTwoWindows();
    Answers before = answers();
    restart(); // the stop cuts both live windows into blocks
    assertThat(ingester.head().heads("t")).isEmpty();
    assertThat(ingester.store().localBlockIds()).hasSize(2);
    assertThat(answers()).isEqualTo(before);
  }

  @Test
  void leavingUploadsEveryWindowKeepsServingThemAndThenRefusesPushes() throws Exception {
    pushTwoWindows();
    long javaTotal = PprofFacts.total(JAVA, 0);
    List<LocalStore.BlockInfo> blocks = ingester.flushForLeaving(() -> {
      // Both windows are blocks already; a push from a distributor that has not seen LEAVING yet
      // is still taken, and goes into a block of its own.
      assertThat(ingester.head().heads("t")).isEmpty();
      push("java-app", JAVA, BASE_NANOS + 5);
    }, 1);

    assertThat(blocks).hasSize(3).allMatch(LocalStore.BlockInfo::uploaded).allMatch(b -> b.tenant().equals("t"));
    assertThat(uploadedBlocks()).containsExactlyInAnyOrderElementsOf(
        blocks.stream().map(b -> "t/" + b.id() + "/").toList());
    assertThat(ingester.head().heads("t")).isEmpty();
    // Still answering queries, with every profile it took: 5 Java pushes per window and the late one.
    assertThat(answers().javaTree().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(javaTotal * 11);
    // Once the store-gateways serve the blocks, the querier leaves them out here: nothing twice.
    Set<String> ids = Set.copyOf(blocks.stream().map(LocalStore.BlockInfo::id).toList());
    assertThat(answers(ids).tree()).isEmpty();

    assertThatThrownBy(() -> push("java-app", JAVA, BASE_NANOS + 6))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("ingester is leaving the ring and takes no more pushes");
  }

  @Test
  void lateProfilesForACutWindowGoToANewBlock() throws Exception {
    pushTwoWindows();
    clock.set(BASE.plus(Duration.ofHours(1)).plusSeconds(61));
    ingester.flushNow();
    push("java-app", JAVA, BASE_NANOS + 5); // late, for the window already cut
    Answers before = answers();
    assertThat(before.javaTree().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(PprofFacts.total(JAVA, 0) * 11);
    restart(); // cuts the late head and window 1 too
    assertThat(ingester.store().localBlockIds()).hasSize(3);
    assertThat(answers()).isEqualTo(before);
  }

  @Test
  void aBucketThatIsDownKeepsTheBlockLocalAndTheLog() throws Exception {
    pushTwoWindows();
    Answers before = answers();
    Path moved = bucketDir.resolveSibling(bucketDir.getFileName() + "-away");
    Files.move(bucketDir, moved);
    Files.writeString(bucketDir, "not a directory"); // every upload now fails
    int segments = walSegments().size();

    clock.set(BASE.plus(Duration.ofHours(2)).plusSeconds(61));
    ingester.flushNow();
    assertThat(ingester.store().pendingUploads()).isEqualTo(2); // the first upload failed, the pass stopped
    assertThat(counter("pyroscope.shipper.upload.failures", "tenant", "t", "component", "ingester")).isEqualTo(1);
    assertThat(answers()).isEqualTo(before);
    assertThat(walSegments().size()).isGreaterThanOrEqualTo(segments - 1); // pinned by the blocks not uploaded

    Files.delete(bucketDir);
    Files.move(moved, bucketDir);
    ingester.flushNow();
    assertThat(ingester.store().pendingUploads()).isZero();
    assertThat(uploadedBlocks()).hasSize(2);
    assertThat(walSegments()).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void blocksOnDiskCoverTheirRecordsEvenWithoutTheFlushMarks() throws Exception {
    // No upload (the bucket is a file), so the log keeps every segment.
    Path moved = bucketDir.resolveSibling(bucketDir.getFileName() + "-away");
    Files.move(bucketDir, moved);
    Files.writeString(bucketDir, "not a directory");
    pushTwoWindows();
    Answers before = answers();
    ingester.stop(); // cuts both windows into local blocks
    // As if the process had died right after renaming the blocks into place.
    Files.delete(dataDir.resolve("flushed.json"));
    ingester = new Ingester(config(), bucket, clock, new SimpleMeterRegistry());
    ingester.start();
    assertThat(ingester.head().heads("t")).isEmpty(); // replay applied nothing twice
    assertThat(answers()).isEqualTo(before);
    Files.delete(bucketDir);
    Files.move(moved, bucketDir);
  }

  @Test
  void uploadedBlocksAreRetiredAfterTheRetention() throws Exception {
    pushTwoWindows();
    clock.set(BASE.plus(Duration.ofHours(1)).plusSeconds(61));
    ingester.flushNow();
    assertThat(ingester.store().localBlockIds()).hasSize(1);
    Path local = dataDir.resolve("local").resolve(ingester.store().localBlockIds().get(0));
    assertThat(local).isDirectory();

    clock.advance(Duration.ofDays(1)); // window 1 is cut and uploaded now; window 0's block retires
    ingester.flushNow();
    assertThat(local).doesNotExist();
    assertThat(ingester.store().localBlockIds()).hasSize(1).doesNotContain(local.getParent().getFileName() + "/"
        + local.getFileName());
    Answers left = answers();
    assertThat(left.javaTree().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(PprofFacts.total(JAVA, 0) * 5);
  }

  @Test
  void blocksReadFromTheStoreGatewayAreLeftOut() throws Exception {
    pushTwoWindows();
    clock.set(BASE.plus(Duration.ofHours(1)).plusSeconds(61));
    ingester.flushNow();
    String block = uploadedBlocks().get(0).split("/")[1];
    Answers withoutWindow0 = answers(Set.of(block));
    assertThat(withoutWindow0.javaTree().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(PprofFacts.total(JAVA, 0) * 5);
  }
}
