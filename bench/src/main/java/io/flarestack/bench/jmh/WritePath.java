package io.flarestack.bench.jmh;

import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.DistributorConfig;
import io.flarestack.distributor.writepath.IngesterWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The distributor as the server builds it, with limits opened for benchmarks: no ingestion
 * window (the testdata's timestamps are years old; 0 disables the check), no rate limit. Every
 * other check (size, samples, labels, symbols) is Pyroscope's default.
 */
final class WritePath {
  static final String TENANT = "bench";

  private WritePath() {}

  static Limits limits() {
    Limits d = Limits.defaults();
    return new Limits(1e9, 1e9, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(), d.maxLabelValueLength(),
        d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        Duration.ZERO, Duration.ZERO, d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax());
  }

  /** The push-deadline timer thread a distributor needs; the caller shuts it down. */
  static ScheduledExecutorService deadlines() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-push-deadlines");
      t.setDaemon(true);
      return t;
    });
  }

  /** A started distributor writing to {@code writer}, its deadlines on {@code deadlines}. */
  static Distributor distributor(IngesterWriter writer, ScheduledExecutorService deadlines) {
    Distributor d = new Distributor(DistributorConfig.defaults(), TenantLimits.fixed(limits()), writer,
        Clock.systemUTC(), deadlines, new SimpleMeterRegistry());
    try {
      d.start();
    } catch (Exception e) {
      throw new IllegalStateException("distributor did not start", e);
    }
    return d;
  }

  /** One Connect push per payload, as SDKs send them (one series, one sample). */
  static List<io.flarestack.api.push.v1.PushRequest> pushes(Corpus c) {
    List<io.flarestack.api.push.v1.PushRequest> out = new ArrayList<>();
    for (int i = 0; i < c.payloads().size(); i++) {
      out.add(io.flarestack.api.push.v1.PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
              .addLabels(label("__name__", "process_cpu"))
              .addLabels(label("service_name", "bench-" + i))
              .addLabels(label("pod", "bench-pod-" + i))
              .addSamples(RawSample.newBuilder()
                  .setRawProfile(com.google.protobuf.UnsafeByteOperations.unsafeWrap(c.payloads().get(i)))))
          .build());
    }
    return out;
  }

  /** What the distributor hands the ingesters for a corpus: normalised, split by sample type. */
  static List<PushRequest> normalised(Corpus c) {
    List<PushRequest> out = new ArrayList<>();
    ScheduledExecutorService deadlines = deadlines();
    Distributor d = distributor((tenant, req) -> out.add(req), deadlines);
    try {
      for (io.flarestack.api.push.v1.PushRequest p : pushes(c)) {
        d.push(TENANT, p);
      }
    } finally {
      d.stop();
      deadlines.shutdownNow();
    }
    return out;
  }

  static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }
}
