package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole storage path in one process: pushes across several head windows, the windows cut
 * into blocks and uploaded, the store-gateway serving them, the querier merging ingester and
 * store-gateway without counting anything twice. Flame graphs, pprofs, series and labels are
 * identical before and after the cut, and the write-ahead log segments are gone afterwards.
 * Time is a manual clock, so "before the cut" is certain; the flusher and the store-gateway
 * sync still run on their own threads.
 */
class BlockCutIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir
  Path dir;

  private record Answers(SelectMergeStacktracesResponse flamegraph, Map<String, Long> pprof,
      SelectSeriesResponse series, SeriesResponse labels, LabelValuesResponse services) {}

  private static Answers query(TestServer s) throws Exception {
    long start = T.minusSeconds(3600).toEpochMilli();
    long end = T.plusSeconds(3600).toEpochMilli();
    return new Answers(
        s.connect("/querier.v1.QuerierService/SelectMergeStacktraces", SelectMergeStacktracesRequest.newBuilder()
            .setProfileTypeID(CPU).setLabelSelector("{}").setStart(start).setEnd(end).build(),
            SelectMergeStacktracesResponse.parser()),
        PprofFacts.collapsed(s.connect("/querier.v1.QuerierService/SelectMergeProfile",
            SelectMergeProfileRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("{service_name=\"java-app\"}")
                .setStart(start).setEnd(end).build(), Profile.parser()), 0),
        s.connect("/querier.v1.QuerierService/SelectSeries", SelectSeriesRequest.newBuilder().setProfileTypeID(CPU)
            .setLabelSelector("{}").setStart(start).setEnd(end).addGroupBy("service_name").setStep(10).build(),
            SelectSeriesResponse.parser()),
        s.connect("/querier.v1.QuerierService/Series", SeriesRequest.newBuilder().setStart(start).setEnd(end)
            .addLabelNames("service_name").addLabelNames("__profile_type__").build(), SeriesResponse.parser()),
        s.connect("/querier.v1.QuerierService/LabelValues", LabelValuesRequest.newBuilder().setName("service_name")
            .setStart(start).setEnd(end).build(), LabelValuesResponse.parser()));
  }

  private static void push(TestServer s, String service, Profile p, Instant at) throws Exception {
    RawProfileSeries series = RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addSamples(RawSample.newBuilder().setID(UUID.randomUUID().toString()).setRawProfile(
            ByteString.copyFrom(PprofFacts.withTime(p, at.toEpochMilli() * 1_000_000L).toByteArray())))
        .build();
    s.connect("/push.v1.PusherService/Push", PushRequest.newBuilder().addSeries(series).build(), PushResponse.parser());
  }

  private static double metric(TestServer s, String series) throws Exception {
    HttpResponse<byte[]> r = s.get("/metrics");
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(TestServer.text(r));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private long count(Path root, String suffix) throws Exception {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    } catch (java.io.UncheckedIOException e) {
      return -1; // a file went away while walking (an upload renamed its temporary file): look again
    }
  }

  @Test
  void queriesAnswerTheSameBeforeAndAfterTheCut() throws Exception {
    ManualClock clock = new ManualClock(T);
    Path data = dir.resolve("data");
    Path bucket = dir.resolve("bucket");
    try (TestServer s = TestServer.start(clock, "-pyroscopedb.data-path=" + data, "-storage.filesystem.dir=" + bucket,
        "-pyroscopedb.max-block-duration=10s", "-pyroscopedb.block-cut-delay=1m",
        "-pyroscopedb.wal-segment-size=64KiB", "-blocks-storage.bucket-store.sync-interval=100ms")) {
      // 24 pushes over the last 40 s: four 10 s windows, two services.
      for (int i = 0; i < 24; i++) {
        Instant at = T.minusMillis(40_000 - i * 1_650L);
        push(s, i % 2 == 0 ? "java-app" : "go-app", i % 2 == 0 ? JAVA : GO, at);
      }
      Answers before = query(s);
      // Before: every profile is in the heads (nothing is cut while the clock stands still).
      assertThat(count(bucket, "meta.json")).isZero();
      assertThat(before.pprof()).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 12));
      // Several log segments, so that "at most the one being written" below shows deletions.
      assertThat(count(data.resolve("wal"), ".wal")).isGreaterThanOrEqualTo(3);

      clock.advance(Duration.ofMinutes(2)); // every window ended more than the cut delay ago
      Poll.until("four blocks uploaded", Duration.ofSeconds(60), () -> count(bucket, "meta.json"), n -> n == 4);
      Poll.until("the covered log segments deleted", Duration.ofSeconds(60), () -> count(data.resolve("wal"), ".wal"),
          n -> n >= 0 && n <= 1);
      Poll.until("the store-gateway to see the four blocks", Duration.ofSeconds(60),
          () -> metric(s, "pyroscope_bucket_store_blocks_loaded"), n -> n == 4);

      s.awaitReady(); // the ring saw the clock jump too: wait for the next heartbeat
      Answers after = query(s);
      assertThat(after.pprof()).isEqualTo(before.pprof());
      assertThat(after.series()).isEqualTo(before.series());
      assertThat(after.labels()).isEqualTo(before.labels());
      assertThat(after.services()).isEqualTo(before.services());
      assertThat(after.flamegraph()).isEqualTo(before.flamegraph());
      // The blocks were read from the bucket by the store-gateway (and left out at the ingester).
      assertThat(metric(s, "pyroscope_bucket_store_read_bytes_total")).isPositive();
      assertThat(metric(s, "pyroscope_head_flushed_blocks_total{status=\"success\"}")).isEqualTo(4);
    }

    // The store-gateway alone (-target=store-gateway) serves the uploaded blocks over gRPC.
    try (TestServer sg = TestServer.start(clock, "-target=store-gateway", "-storage.filesystem.dir=" + bucket,
        "-pyroscopedb.data-path=" + dir.resolve("sg-data"))) {
      io.grpc.Metadata tenant = new io.grpc.Metadata();
      tenant.put(io.grpc.Metadata.Key.of("x-scope-orgid", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "anonymous");
      var stub = io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.newBlockingStub(sg.grpcChannel())
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(tenant));
      assertThat(stub.blocks(io.flarestack.api.storegateway.v1.BlocksRequest.getDefaultInstance()).getBlocksCount())
          .isEqualTo(4);
      var tree = stub.mergeTree(io.flarestack.api.ingester.v1.MergeTreeRequest.newBuilder().setSelect(
          io.flarestack.api.ingester.v1.SelectProfilesRequest.newBuilder().setLabelSelector("{service_name=\"java-app\"}")
              .setProfileTypeId(CPU).setStart(T.minusSeconds(3600).toEpochMilli())
              .setEnd(T.plusSeconds(3600).toEpochMilli())).build()).getTree();
      assertThat(tree.getSelfList().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(12 * PprofFacts.total(JAVA, 0));
    }
  }

  @Test
  void anUnreachableBucketMakesReadyFailWhilePushesSucceed() throws Exception {
    try (TestServer s = TestServer.startUnready(java.time.Clock.systemUTC(), "-storage.backend=s3",
        "-storage.s3.endpoint=127.0.0.1:1", "-storage.s3.insecure=true", "-storage.s3.force-path-style=true",
        "-storage.s3.region=us-east-1", "-storage.s3.bucket-name=blocks", "-storage.s3.access-key-id=id",
        "-storage.s3.secret-access-key=secret")) {
      HttpResponse<byte[]> ready = s.get("/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(TestServer.text(ready)).contains("object storage bucket").contains("unreachable");
      push(s, "java-app", JAVA, Instant.now());
      Profile merged = s.connect("/querier.v1.QuerierService/SelectMergeProfile", SelectMergeProfileRequest.newBuilder()
          .setProfileTypeID(CPU).setLabelSelector("{}").setStart(System.currentTimeMillis() - 60_000)
          .setEnd(System.currentTimeMillis() + 60_000).build(), Profile.parser());
      assertThat(PprofFacts.total(merged, 0)).isEqualTo(PprofFacts.total(JAVA, 0));
      assertThat(List.of(TestServer.text(ready))).noneMatch(t -> t.contains("secret"));
    }
  }
}
