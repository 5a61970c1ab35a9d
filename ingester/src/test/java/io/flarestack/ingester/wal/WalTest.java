package io.flarestack.ingester.wal;

import static io.flarestack.ingester.testing.Requests.push;
import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.SharedTestData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead log on a real directory: framing, replay, torn tails, rotation, failures. */
class WalTest {
  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");

  private static WalRecord record(int i) {
    Profile p = (i % 2 == 0 ? GO : JAVA).toBuilder().setTimeNanos(1_000_000_000L * (i + 1)).build();
    PushRequest r = push(series(Labels.of("__name__", "process_cpu", "service_name", "svc-" + (i % 3)), p));
    return new WalRecord("tenant-" + (i % 2), r);
  }

  private Wal started(long segmentBytes) throws IOException {
    Wal wal = Wal.open(dir, segmentBytes, registry);
    wal.replay((lsn, seg, r) -> {});
    wal.start(0);
    return wal;
  }

  private record Replayed(long lsn, long segment, WalRecord record) {}

  private List<Replayed> replay() throws IOException {
    List<Replayed> out = new ArrayList<>();
    Wal wal = Wal.open(dir, 1 << 20, registry);
    wal.replay((lsn, seg, r) -> out.add(new Replayed(lsn, seg, r)));
    return out;
  }

  private List<WalPosition> appendAll(Wal wal, int n) {
    List<CompletableFuture<WalPosition>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(wal.append(record(i)));
    }
    List<WalPosition> out = new ArrayList<>();
    for (CompletableFuture<WalPosition> f : futures) {
      out.add(f.join());
    }
    return out;
  }

  @Test
  void replaysEveryRecordInLogOrder() throws IOException {
    try (Wal wal = started(1 << 20)) {
      List<WalPosition> positions = appendAll(wal, 20);
      assertThat(positions).extracting(WalPosition::lsn).containsExactlyElementsOf(
          java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
    }
    List<Replayed> replayed = replay();
    assertThat(replayed).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(replayed.get(i).lsn()).isEqualTo(i + 1);
      assertThat(replayed.get(i).record()).isEqualTo(record(i));
    }
  }

  @Test
  void rotatesSegmentsBySizeAndReplaysAcrossThem() throws IOException {
    long recordBytes = record(0).encode().length;
    try (Wal wal = started(3 * recordBytes)) {
      for (int i = 0; i < 12; i++) {
        wal.append(record(i)).join(); // one record per group, so rotation happens between records
      }
      assertThat(wal.segments()).hasSizeGreaterThanOrEqualTo(3);
    }
    List<Replayed> replayed = replay();
    assertThat(replayed).extracting(r -> r.record()).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, 12).mapToObj(WalTest::record).toList());
    assertThat(replayed.stream().map(Replayed::segment).distinct().count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void tornLastRecordIsCutOffAndLaterAppendsSurvive() throws IOException {
    try (Wal wal = started(1 << 20)) {
      appendAll(wal, 5);
    }
    Path segment = onlySegment();
    long size = Files.size(segment);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(size - 7); // a crash in the middle of the last record's write
    }

    Wal wal = Wal.open(dir, 1 << 20, registry);
    List<WalRecord> first = new ArrayList<>();
    wal.replay((lsn, seg, r) -> first.add(r));
    assertThat(first).containsExactly(record(0), record(1), record(2), record(3));
    assertThat(registry.get("pyroscope.ingester.wal.corruptions").counter().count()).isEqualTo(1);
    long lastGood = Files.size(segment);
    assertThat(lastGood).isLessThan(size - 7);

    // The log keeps working: new records get fresh LSNs and replay finds old and new.
    wal.start(0);
    WalPosition p = wal.append(record(9)).join();
    assertThat(p.lsn()).isEqualTo(5);
    wal.close();
    assertThat(replay()).extracting(Replayed::record).containsExactly(record(0), record(1), record(2), record(3), record(9));
  }

  @Test
  void corruptRecordEndsReplayOfItsSegment() throws IOException {
    try (Wal wal = started(1 << 20)) {
      appendAll(wal, 6);
    }
    Path segment = onlySegment();
    long offsetOfFourth = SegmentFiles.HEADER_BYTES;
    for (int i = 0; i < 3; i++) {
      offsetOfFourth += SegmentFiles.FRAME_HEADER_BYTES + SegmentFiles.LSN_BYTES + record(i).encode().length;
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      long at = offsetOfFourth + 40; // inside the fourth record's payload
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
    assertThat(replay()).extracting(Replayed::record).containsExactly(record(0), record(1), record(2));
    assertThat(Files.size(segment)).isEqualTo(offsetOfFourth);
  }

  @Test
  void concurrentAppendsShareFsyncs() throws Exception {
    int writers = 8;
    int perWriter = 50;
    try (Wal wal = started(64 << 20)) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int w = 0; w < writers; w++) {
        int id = w;
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; i < perWriter; i++) {
              wal.append(record(id * perWriter + i)).join();
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
    }
    long syncs = registry.get("pyroscope.ingester.wal.records.per.fsync").summary().count();
    double records = registry.get("pyroscope.ingester.wal.records.per.fsync").summary().totalAmount();
    assertThat(records).isEqualTo(writers * perWriter);
    // Eight writers each waiting for their own record: a group commit makes them share syncs.
    assertThat(syncs).isLessThan(writers * perWriter);
    assertThat(replay()).hasSize(writers * perWriter);
  }

  @Test
  void unwritableDirectoryFailsTheAppendWithoutShowingThePathAndKeepsTheSegmentNumber() throws IOException {
    // Two records fill a segment (their framing adds a few bytes more).
    try (Wal wal = started(record(0).encode().length + record(1).encode().length)) {
      wal.append(record(0)).join();
      wal.append(record(1)).join();
      long filled = wal.activeSegment();
      // The next group needs a new segment, but the directory is gone and a file took its place.
      for (Path p : Files.list(dir).toList()) {
        Files.delete(p);
      }
      Files.delete(dir);
      Files.writeString(dir, "not a directory");
      for (int attempt = 0; attempt < 5; attempt++) {
        CompletableFuture<WalPosition> failed = wal.append(record(2 + attempt));
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
            .cause().isInstanceOf(FlarestackException.class)
            .hasMessageStartingWith("write-ahead log: the write failed (")
            .hasMessageEndingWith("); the push was not stored, retry later")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dir.toString()).doesNotContain("/"))
            .satisfies(e -> assertThat(((FlarestackException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
      }
      assertThat(registry.get("pyroscope.ingester.wal.write.failures").counter().count()).isEqualTo(5);

      // Once the directory is back the log recovers by itself, in the segment after the last one
      // written: the five failed attempts used up no segment numbers.
      Files.delete(dir);
      Files.createDirectories(dir);
      WalPosition recovered = wal.append(record(7)).join();
      assertThat(recovered.lsn()).isEqualTo(8);
      assertThat(recovered.segment()).isEqualTo(filled + 1);
    }
    assertThat(replay()).extracting(Replayed::record).containsExactly(record(7));
  }

  @Test
  void aSegmentFileInTheWayIsSkippedNotRetriedForever() throws IOException {
    // Two records fill a segment (their framing adds a few bytes more).
    try (Wal wal = started(record(0).encode().length + record(1).encode().length)) {
      wal.append(record(0)).join();
      wal.append(record(1)).join();
      long next = wal.activeSegment() + 1;
      Files.writeString(SegmentFiles.path(dir, next), "someone else's file");
      assertThatThrownBy(() -> wal.append(record(2)).join()).cause().isInstanceOf(FlarestackException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dir.toString()));
      assertThat(wal.append(record(3)).join().segment()).isEqualTo(next + 1);
    }
  }

  @Test
  void aFullDiskIsResourceExhaustedWithAPlainMessage() {
    // The JDK reports ENOSPC as an IOException with this text, directly or under a wrapper that
    // names the file; the client sees neither the wrapper nor the file.
    java.io.IOException enospc = new java.io.IOException("No space left on device");
    java.io.IOException wrapped = new java.io.IOException(
        "cannot create the segment file (" + dir.resolve("00000000000000000007.wal") + ": No space left on device)",
        new java.nio.file.FileSystemException(dir.resolve("00000000000000000007.wal").toString(), null,
            "No space left on device"));
    for (Exception e : List.of(enospc, wrapped)) {
      FlarestackException err = WalWriter.clientError(e);
      assertThat(err.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
      assertThat(err.getMessage())
          .isEqualTo("write-ahead log: no space left on device; the push was not stored, retry later");
    }
    FlarestackException readOnly = WalWriter.clientError(new java.io.IOException("cannot create the segment file",
        new java.nio.file.FileSystemException(dir.resolve("x.wal").toString(), null, "Read-only file system")));
    assertThat(readOnly.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(readOnly.getMessage())
        .isEqualTo("write-ahead log: the write failed (Read-only file system); the push was not stored, retry later");
  }

  @Test
  void deletesOnlyOlderInactiveSegments() throws IOException {
    long recordBytes = record(0).encode().length;
    try (Wal wal = started(2 * recordBytes)) {
      for (int i = 0; i < 8; i++) {
        wal.append(record(i)).join();
      }
      long active = wal.activeSegment();
      assertThat(wal.segments().size()).isGreaterThan(2);
      int deleted = wal.deleteSegmentsBefore(Long.MAX_VALUE);
      assertThat(wal.segments().keySet()).containsExactly(active);
      assertThat(deleted).isPositive();
      assertThat(wal.oldestLsn()).isEqualTo(wal.segments().get(active));
    }
    List<Replayed> left = replay();
    assertThat(left).isNotEmpty();
    assertThat(left.get(left.size() - 1).lsn()).isEqualTo(8);
  }

  private Path onlySegment() throws IOException {
    List<Long> segments = SegmentFiles.list(dir);
    assertThat(segments).hasSize(1);
    return SegmentFiles.path(dir, segments.get(0));
  }
}
