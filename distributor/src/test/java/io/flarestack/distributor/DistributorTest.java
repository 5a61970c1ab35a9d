package io.flarestack.distributor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.Pushes;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DistributorTest {
  private static final String GO_CPU_LABELS = "go/cpu.pb.gz";
  private static final String GO_CPU = "go/cpu-short.pb.gz";
  private static final String TENANT = "tenant-a";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T01:00:00Z"));
  private final RecordingWriter writer = new RecordingWriter();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Distributor distributor;

  private Distributor start(Limits limits) throws Exception {
    distributor = new Distributor(DistributorConfig.defaults().withPushTimeout(Duration.ofSeconds(3)), TenantLimits.fixed(limits), writer,
        clock, TestScheduler.INSTANCE, registry);
    distributor.start();
    return distributor;
  }

  @AfterEach
  void stop() {
    if (distributor != null) {
      distributor.stop();
    }
  }

  private byte[] fresh(String file) {
    return PprofFacts.withTime(SharedTestData.bytes(file), clock.nanos() - 30_000_000_000L);
  }

  private static String[] cpuLabels() {
    return Pushes.labels("__name__", "process_cpu", "service_name", "svc");
  }

  @Test
  void splitsBySampleLabelsAndKeepsSpanIdsPerSample() throws Exception {
    start(Limits.defaults());
    byte[] raw = fresh(GO_CPU_LABELS);
    Profile input = PprofFacts.parse(raw);

    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));

    // Expected groups, computed from the input: string labels other than profile_id/span_id/trace_id.
    Map<Map<String, String>, Long> expectedCpu = new HashMap<>();
    Set<String> expectedSpans = new HashSet<>();
    for (Sample s : input.getSampleList()) {
      Map<String, String> group = new TreeMap<>();
      for (Label l : s.getLabelList()) {
        String key = input.getStringTable((int) l.getKey());
        String value = input.getStringTable((int) l.getStr());
        if (key.equals("profile_id")) {
          expectedSpans.add(value);
        } else if (l.getStr() != 0 && !key.equals("span_id") && !key.equals("trace_id")) {
          group.put(key, value);
        }
      }
      expectedCpu.merge(group, s.getValue(1), Long::sum);
    }
    assertThat(expectedCpu).hasSizeGreaterThan(1);
    assertThat(expectedSpans).isNotEmpty();

    Map<Map<String, String>, Long> actualCpu = new HashMap<>();
    Set<String> actualSpans = new HashSet<>();
    for (ProfileSeries series : writer.series()) {
      Map<String, String> labels = new TreeMap<>(RecordingWriter.labels(series));
      assertThat(labels).containsEntry("__name__", "process_cpu").containsEntry("service_name", "svc");
      labels.remove("__name__");
      labels.remove("service_name");
      assertThat(labels).doesNotContainKeys("profile_id", "span_id", "trace_id");
      Profile p = series.getProfiles(0).getProfile();
      long cpu = 0;
      for (Sample s : p.getSampleList()) {
        cpu += s.getValue(1);
        assertThat(s.getLabelCount()).isLessThanOrEqualTo(1);
        for (Label l : s.getLabelList()) {
          assertThat(p.getStringTable((int) l.getKey())).isEqualTo("span_id");
          actualSpans.add(p.getStringTable((int) l.getStr()));
        }
      }
      assertThat(actualCpu.put(labels, cpu)).as("one series per label group").isNull();
    }
    assertThat(actualCpu).isEqualTo(expectedCpu);
    assertThat(actualSpans).isEqualTo(expectedSpans);
  }

  @Test
  void requestLabelsWinOverSampleLabelsAndInvalidSpanIdsAreDropped() throws Exception {
    start(Limits.defaults());
    Profile p = Profile.newBuilder()
        .addAllStringTable(List.of("", "cpu", "nanoseconds", "main", "env", "sample-env", "span_id", "not-a-span",
            "trace_id", "0123456789abcdef0123456789abcdef", "bytes", "00000000000000ff", "profile_id"))
        .addSampleType(vt(1, 2))
        .addFunction(fn(1, 3))
        .addLocation(loc(1, 1))
        // env clashes with the request label; span id invalid; numeric label ignored
        .addSample(sample(10, 1).addLabel(str(4, 5)).addLabel(str(6, 7)).addLabel(num(10, 512)))
        // valid legacy profile_id becomes a span id; trace_id is dropped
        .addSample(sample(20, 1).addLabel(str(12, 11)).addLabel(str(8, 9)))
        .setTimeNanos(clock.nanos())
        .build();

    distributor.push(TENANT, Pushes.request(
        Pushes.labels("__name__", "process_cpu", "service_name", "svc", "env", "prod"), p.toByteArray()));

    List<ProfileSeries> series = writer.series();
    assertThat(series).hasSize(1);
    assertThat(RecordingWriter.labels(series.get(0)))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("__name__", "process_cpu", "env", "prod", "service_name", "svc")));
    Profile out = series.get(0).getProfiles(0).getProfile();
    assertThat(out.getSampleList()).hasSize(2);
    Sample first = out.getSample(0);
    assertThat(first.getValueList()).containsExactly(10L);
    assertThat(first.getLabelList()).isEmpty();
    Sample second = out.getSample(1);
    assertThat(second.getValueList()).containsExactly(20L);
    assertThat(second.getLabelList()).hasSize(1);
    assertThat(out.getStringTable((int) second.getLabel(0).getKey())).isEqualTo("span_id");
    assertThat(out.getStringTable((int) second.getLabel(0).getStr())).isEqualTo("00000000000000ff");
  }

  @Test
  void mergesIdenticalStacksDropsEmptySamplesAndTruncatesDeepStacksKeepingLeaves() throws Exception {
    Limits l = Limits.defaults();
    start(new Limits(l.ingestionRateMb(), l.ingestionBurstSizeMb(), l.ingestionBodyLimitBytes(), l.maxLabelNameLength(),
        l.maxLabelValueLength(), l.maxLabelNamesPerSeries(), l.maxProfileSizeBytes(), l.maxProfileStacktraceSamples(),
        l.maxProfileStacktraceSampleLabels(), 2, 5, l.rejectOlderThan(), l.rejectNewerThan(), l.maxQueryLookback(),
        l.maxQueryLength(), l.maxFlameGraphNodesDefault(), l.maxFlameGraphNodesMax()));
    Profile p = Profile.newBuilder()
        .addAllStringTable(List.of("", "cpu", "nanoseconds", "leaf", "middle", "root", "a_very_long_function_name"))
        .addSampleType(vt(1, 2))
        .addFunction(fn(1, 3)).addFunction(fn(2, 4)).addFunction(fn(3, 5)).addFunction(fn(4, 6))
        .addLocation(loc(1, 1)).addLocation(loc(2, 2)).addLocation(loc(3, 3)).addLocation(loc(4, 4))
        .addSample(sample(5, 1, 2, 3)) // leaf, middle, root: truncated to leaf, middle
        .addSample(sample(7, 1, 2)) // same stack after truncation: merged
        .addSample(sample(0, 4)) // zero: dropped
        .addSample(Sample.newBuilder().addValue(3)) // no locations: dropped
        .addSample(sample(11, 4))
        .setTimeNanos(clock.nanos())
        .build();

    distributor.push(TENANT, Pushes.request(cpuLabels(), p.toByteArray()));

    Profile out = writer.profiles().get(0);
    assertThat(out.getSampleList()).hasSize(2);
    assertThat(out.getSample(0).getLocationIdList()).containsExactly(1L, 2L);
    assertThat(out.getSample(0).getValueList()).containsExactly(12L);
    assertThat(out.getSample(1).getLocationIdList()).containsExactly(4L);
    assertThat(out.getSample(1).getValueList()).containsExactly(11L);
    // strings over the symbol limit (5) keep their last characters
    assertThat(out.getStringTableList()).contains("_name", "iddle").doesNotContain("a_very_long_function_name");
  }

  @Test
  void timeZeroBecomesNowAndOutOfWindowIsRejectedWithTheWindow() throws Exception {
    start(Limits.defaults());
    byte[] zero = PprofFacts.withTime(SharedTestData.bytes(GO_CPU), 0);
    distributor.push(TENANT, Pushes.request(cpuLabels(), zero));
    assertThat(writer.profiles()).allSatisfy(p -> assertThat(p.getTimeNanos()).isEqualTo(clock.nanos()));

    byte[] old = PprofFacts.withTime(SharedTestData.bytes(GO_CPU), clock.nanos() - Duration.ofHours(2).toNanos());
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), old)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("outside of ingestion window")
        .hasMessageContaining("profile timestamp: 2026-11-23T23:00:00Z")
        .hasMessageContaining("starts at 2026-11-24T00:00:00Z and ends at 2026-11-24T01:10:00Z");
    byte[] future = PprofFacts.withTime(SharedTestData.bytes(GO_CPU), clock.nanos() + Duration.ofMinutes(11).toNanos());
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), future)))
        .hasMessageContaining("outside of ingestion window").hasMessageContaining("2026-11-24T01:11:00Z");
    assertThat(discarded("not_in_ingestion_window")).isEqualTo(2);
  }

  @Test
  void invalidUtf8IsABadRequestThatSaysSo() throws Exception {
    start(Limits.defaults());
    byte[] body = SharedTestData.bytes("pprof/og-convert-pprof/invalid_utf8.pb.gz");

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), body)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("invalid pprof").hasMessageContaining("not valid UTF-8");
    assertThat(writer.writes()).isEmpty();
    assertThat(discarded("malformed_profile")).isEqualTo(1);
  }

  @Test
  void functionIdZeroIsRejected() throws Exception {
    start(Limits.defaults());
    byte[] body = fresh("pprof/og-convert-pprof/dotnet-pprof-3.pb.gz");

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), body)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("function id is 0");
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void truncatedAndGarbageProfilesAreBadRequests() throws Exception {
    start(Limits.defaults());
    byte[] raw = fresh(GO_CPU);
    byte[] truncated = Arrays.copyOf(raw, raw.length / 2);
    byte[] gzipTruncated = Arrays.copyOf(SharedTestData.gzip(raw), 200);
    byte[] garbage = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03, 0x04};

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), truncated)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof:");
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), gzipTruncated)))
        .hasMessageContaining("invalid pprof: truncated gzip stream");
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), garbage)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof:");
    assertThat(writer.writes()).isEmpty();
    assertThat(discarded("malformed_profile")).isEqualTo(3);
  }

  @Test
  void gzipBombStopsAtTheProfileSizeLimit() throws Exception {
    start(Limits.defaults());
    byte[] bomb = SharedTestData.gzip(new byte[64 << 20]); // 64 MiB of zeros in ~64 KiB

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), bomb)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("max_profile_size_bytes")
        .hasMessageContaining("more than 4194304 bytes after gzip decompression")
        .hasMessageContaining("limit: 4194304");
    assertThat(discarded("profile_size_limit")).isEqualTo(1);
  }

  @Test
  void decompressedSizesOfARequestShareTheBodyLimit() throws Exception {
    byte[] raw = fresh(GO_CPU);
    Limits d = Limits.defaults();
    start(new Limits(d.ingestionRateMb(), d.ingestionBurstSizeMb(), raw.length + raw.length / 2, d.maxLabelNameLength(),
        d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax()));

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), SharedTestData.gzip(raw), SharedTestData.gzip(raw))))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("exceeds the body size limit")
        .hasMessageContaining("remaining for this profile: " + (raw.length / 2));
    assertThat(writer.profiles()).hasSize(1);
    assertThat(discarded("body_size_limit_exceeded")).isEqualTo(1);
  }

  @Test
  void labelRulesNameTheValueAndTheLimit() throws Exception {
    start(Limits.defaults());
    byte[] raw = fresh(GO_CPU);

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(Pushes.labels("service_name", "svc"), raw)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("invalid metric name");
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(Pushes.labels("__name__", "", "service_name", "svc"), raw)))
        .hasMessageContaining("invalid metric name");

    List<String> many = new ArrayList<>(List.of("__name__", "process_cpu", "service_name", "svc"));
    for (int i = 0; i < 29; i++) {
      many.add("label_" + i);
      many.add("v");
    }
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(many.toArray(String[]::new), raw)))
        .hasMessageContaining("has 31 label names; limit 30");

    String longValue = "x".repeat(2049);
    assertThatThrownBy(() -> distributor.push(TENANT,
        Pushes.request(Pushes.labels("__name__", "process_cpu", "service_name", "svc", "big", longValue), raw)))
        .hasMessageContaining("label big has a value of 2049 bytes").hasMessageContaining("limit 2048");

    assertThatThrownBy(() -> distributor.push(TENANT,
        Pushes.request(Pushes.labels("__name__", "process_cpu", "service_name", "svc", "1abc", "v"), raw)))
        .hasMessageContaining("invalid label name '1abc'");
    assertThatThrownBy(() -> distributor.push(TENANT,
        Pushes.request(Pushes.labels("__name__", "process_cpu", "service_name", "svc", "env", "a", "env", "b"), raw)))
        .hasMessageContaining("duplicate label name: 'env'");
    assertThat(writer.writes()).isEmpty();
    assertThat(discarded("invalid_labels")).isEqualTo(3);
    assertThat(discarded("max_label_names_per_series")).isEqualTo(1);
    assertThat(discarded("label_value_too_long")).isEqualTo(1);
    assertThat(discarded("duplicate_label_names")).isEqualTo(1);
  }

  @Test
  void aSeriesOfManyProfilesIsLabelCheckedOnceAndOnlyTheReportedRejectionsAreKept() throws Exception {
    // Found by DecoderFuzzTest's allocation check: 76 KB of push request (one series of 290 labels,
    // 904 empty profiles) allocated 514 MB, because every profile validated the series' labels
    // again and kept its own rejection, whose message holds the whole label set.
    start(Limits.defaults());
    List<String> labels = new ArrayList<>(List.of("__name__", "process_cpu", "service_name", "svc"));
    for (int i = 0; i < 200; i++) {
      labels.add("label_" + i);
      labels.add("v".repeat(500));
    }
    byte[][] profiles = new byte[2000][];
    Arrays.fill(profiles, new byte[0]);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    io.flarestack.api.push.v1.PushRequest request = Pushes.request(labels.toArray(String[]::new), profiles);
    long before = threads.getCurrentThreadAllocatedBytes();

    assertThatThrownBy(() -> distributor.push(TENANT, request))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("2000 of 2000 profiles were rejected: profile series '{")
        .hasMessageContaining("has 202 label names; limit 30").hasMessageEndingWith("; and 1995 more");

    // One label message of ~110 KB, not 2000 of them (220 MB of text before the fix).
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(32L << 20);
    assertThat(discarded("max_label_names_per_series")).isEqualTo(2000);
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void serviceNameDefaultsDottedLabelNamesAreAcceptedAndSessionIdsRemoved() throws Exception {
    start(Limits.defaults());
    distributor.push(TENANT, Pushes.request(
        Pushes.labels("__name__", "process_cpu", "otel.scope.name", "x", "__session_id__", "0123456789abcdef"),
        fresh(GO_CPU)));

    assertThat(RecordingWriter.labels(writer.series().get(0))).containsExactlyEntriesOf(new TreeMap<>(
        Map.of("__name__", "process_cpu", "otel.scope.name", "x", "service_name", "unknown_service")));
  }

  @Test
  void godeltaprofNamesAreRelabelled() throws Exception {
    start(Limits.defaults());
    distributor.push(TENANT, Pushes.request(Pushes.labels("__name__", "godeltaprof_memory", "service_name", "svc"),
        fresh("pprof/pkg-pprof/heap_delta")));

    assertThat(RecordingWriter.labels(writer.series().get(0))).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "__name__", "memory", "__delta__", "false", "__name_replaced__", "godeltaprof_memory", "service_name", "svc")));
  }

  @Test
  void validProfilesOfARequestAreWrittenAndTheCallStillFails() throws Exception {
    start(Limits.defaults());
    byte[] good = fresh(GO_CPU);
    byte[] bad = new byte[] {0x0a, 0x7f};

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), good, bad, good)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof:");

    assertThat(writer.writes()).hasSize(1);
    assertThat(writer.profiles()).hasSize(2);
    long expected = PprofFacts.totals(PprofFacts.parse(good)).get("cpu");
    assertThat(writer.profiles()).allSatisfy(p -> assertThat(PprofFacts.totals(p).get("cpu")).isEqualTo(expected));
  }

  /**
   * A replicated writer returns at quorum while a slower replica's write still runs in the push's
   * context: that write must not be cancelled when the push returns.
   */
  @Test
  void aReplicaWriteStillInFlightWhenThePushReturnsIsNotCancelled() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Boolean> cancelledAtEnd = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.ExecutorService replicas = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      distributor = new Distributor(DistributorConfig.defaults().withPushTimeout(Duration.ofSeconds(30)),
          TenantLimits.fixed(Limits.defaults()), (tenant, request) -> io.grpc.Context.currentContextExecutor(replicas)
              .execute(() -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                cancelledAtEnd.complete(io.grpc.Context.current().isCancelled());
              }), clock, TestScheduler.INSTANCE, registry);
      distributor.start();

      distributor.push(TENANT, Pushes.request(cpuLabels(), fresh(GO_CPU)));
      release.countDown();

      assertThat(cancelledAtEnd.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the slow replica's context cancelled")
          .isFalse();
    } finally {
      replicas.shutdownNow();
    }
  }

  @Test
  void aRejectedRequestLeavesEarlierWritesAlone() throws Exception {
    start(Limits.defaults());
    byte[] good = fresh(GO_CPU);
    distributor.push(TENANT, Pushes.request(cpuLabels(), good));
    List<ProfileSeries> before = List.copyOf(writer.series());

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(Pushes.labels("service_name", "svc"), good)))
        .isInstanceOf(FlarestackException.class);
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), new byte[] {1, 2, 3})))
        .isInstanceOf(FlarestackException.class);

    assertThat(writer.series()).isEqualTo(before);
  }

  @Test
  void emptyRequestIsABadRequest() throws Exception {
    start(Limits.defaults());
    assertThatThrownBy(() -> distributor.push(TENANT, io.flarestack.api.push.v1.PushRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("no profiles received");
  }

  @Test
  void rateLimitIsPerTenantAndRefillsWithTime() throws Exception {
    Limits d = Limits.defaults();
    byte[] raw = fresh(GO_CPU);
    // A rate and a burst of two and a half profiles: two fit, the third does not
    double mib = 2.5 * raw.length / (1024 * 1024);
    start(new Limits(mib, mib, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(), d.maxLabelValueLength(),
        d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax()));
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), raw)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(e.code().httpStatus()).isEqualTo(429);
        })
        .hasMessageContaining("push rate limit").hasMessageContaining("ingestion-rate-limit-mb");
    assertThat(discarded("rate_limited")).isEqualTo(1);

    distributor.push("tenant-b", Pushes.request(cpuLabels(), raw)); // another tenant has its own bucket
    clock.advance(Duration.ofSeconds(1)); // refills two and a half profiles
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    assertThat(writer.writes()).hasSize(4);
  }

  @Test
  void theRateIsGlobalAndEachHealthyDistributorEnforcesItsShare() throws Exception {
    Limits d = Limits.defaults();
    byte[] raw = fresh(GO_CPU);
    // A global rate of five profiles a second and a burst of two and a half: with two healthy
    // distributors this one refills two and a half a second, with one it refills five.
    double rateMib = 5.0 * raw.length / (1024 * 1024);
    double burstMib = 2.5 * raw.length / (1024 * 1024);
    Limits limits = new Limits(rateMib, burstMib, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(),
        d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax());
    int[] healthy = {2};
    distributor = new Distributor(DistributorConfig.defaults(), TenantLimits.fixed(limits), writer, clock,
        TestScheduler.INSTANCE, registry, () -> healthy[0]);
    distributor.start();
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), raw)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
        .hasMessageContaining("among 2 healthy distributors");

    clock.advance(Duration.ofMillis(400)); // half the global rate: one profile back, not two
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), raw)))
        .isInstanceOf(FlarestackException.class);

    healthy[0] = 1; // the other distributor left: this one takes the whole rate
    clock.advance(Duration.ofMillis(400)); // the whole rate: two profiles back
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    distributor.push(TENANT, Pushes.request(cpuLabels(), raw));
    assertThat(writer.writes()).hasSize(5);
  }

  @Test
  void writerFailureReachesTheCallerAndTheWriteHasTheDeadline() throws Exception {
    FlarestackException down = new FlarestackException(ErrorCode.UNAVAILABLE, "no healthy ingester");
    List<io.grpc.Deadline> seen = new ArrayList<>();
    distributor = new Distributor(DistributorConfig.defaults().withPushTimeout(Duration.ofSeconds(3)), TenantLimits.fixed(Limits.defaults()),
        (tenant, request) -> {
          seen.add(io.grpc.Context.current().getDeadline());
          throw down;
        }, clock, TestScheduler.INSTANCE, registry);
    distributor.start();

    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), fresh(GO_CPU))))
        .isSameAs(down);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).isNotNull();
    assertThat(seen.get(0).timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(1L, 3000L);
  }

  @Test
  void pushBeforeStartIsUnavailable() {
    distributor = new Distributor(DistributorConfig.defaults(), TenantLimits.fixed(Limits.defaults()), writer, clock,
        TestScheduler.INSTANCE, registry);
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), new byte[0])))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @Test
  void exportsPyroscopeMetricFamiliesWithHelpAndBuckets() throws Exception {
    start(Limits.defaults());
    byte[] raw = fresh(GO_CPU);
    distributor.push(TENANT, Pushes.request(cpuLabels(), SharedTestData.gzip(raw)));
    assertThatThrownBy(() -> distributor.push(TENANT, Pushes.request(cpuLabels(), new byte[] {1, 2, 3})))
        .isInstanceOf(FlarestackException.class);

    String text = registry.scrape();
    assertThat(text)
        .contains("# HELP pyroscope_distributor_received_compressed_bytes ")
        .contains("pyroscope_distributor_received_compressed_bytes_bucket{tenant=\"tenant-a\",type=\"process_cpu\",le=\"10240.0\"}")
        .contains("pyroscope_distributor_received_compressed_bytes_bucket{tenant=\"tenant-a\",type=\"process_cpu\",le=\"1.572864E7\"}")
        .contains("# HELP pyroscope_distributor_received_decompressed_bytes ")
        .contains("pyroscope_distributor_received_decompressed_bytes_sum{tenant=\"tenant-a\",type=\"process_cpu\"} " + raw.length + ".0")
        .contains("# HELP pyroscope_distributor_received_samples ")
        .contains("pyroscope_distributor_received_samples_bucket{tenant=\"tenant-a\",type=\"process_cpu\",le=\"100.0\"} 1")
        .contains("pyroscope_distributor_received_samples_bucket{tenant=\"tenant-a\",type=\"process_cpu\",le=\"100000.0\"} 1")
        .contains("# HELP pyroscope_discarded_samples_total ")
        .contains("pyroscope_discarded_samples_total{reason=\"malformed_profile\",tenant=\"tenant-a\"} 1.0")
        .contains("# HELP pyroscope_discarded_bytes_total ")
        .contains("pyroscope_discarded_bytes_total{reason=\"malformed_profile\",tenant=\"tenant-a\"} 3.0");
    long buckets = text.lines().filter(line -> line.startsWith("pyroscope_distributor_received_compressed_bytes_bucket")).count();
    assertThat(buckets).isEqualTo(31); // 30 buckets and +Inf
  }

  private double discarded(String reason) {
    io.micrometer.core.instrument.Counter c = registry.find("pyroscope.discarded.samples").tags("reason", reason, "tenant", TENANT).counter();
    return c == null ? 0 : c.count();
  }

  private static io.flarestack.api.google.v1.ValueType vt(long type, long unit) {
    return io.flarestack.api.google.v1.ValueType.newBuilder().setType(type).setUnit(unit).build();
  }

  private static io.flarestack.api.google.v1.Function fn(long id, long name) {
    return io.flarestack.api.google.v1.Function.newBuilder().setId(id).setName(name).build();
  }

  private static io.flarestack.api.google.v1.Location loc(long id, long function) {
    return io.flarestack.api.google.v1.Location.newBuilder().setId(id)
        .addLine(io.flarestack.api.google.v1.Line.newBuilder().setFunctionId(function)).build();
  }

  private static Sample.Builder sample(long value, long... locations) {
    Sample.Builder b = Sample.newBuilder().addValue(value);
    for (long l : locations) {
      b.addLocationId(l);
    }
    return b;
  }

  private static Label str(long key, long value) {
    return Label.newBuilder().setKey(key).setStr(value).build();
  }

  private static Label num(long key, long value) {
    return Label.newBuilder().setKey(key).setNum(value).build();
  }
}
