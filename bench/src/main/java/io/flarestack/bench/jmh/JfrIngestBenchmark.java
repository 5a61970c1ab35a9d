package io.flarestack.bench.jmh;

import io.flarestack.bench.fleet.TestData;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.load.Target;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.ingest.AppName;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code /ingest?format=jfr} of the real async-profiler recordings the load generator's Java pods
 * send (a Kafka broker: CPU, and CPU + allocation), through {@code JfrIngest} (multipart, gunzip,
 * spill to a temp file, JDK parser, conversion to pprof, then the distributor's push with a
 * counting writer). The kernel is the JDK's own parser: gunzip, spill and read every event and
 * its stack trace with {@code RecordingFile}. One operation = the 8 recordings once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class JfrIngestBenchmark {
  private static final String BOUNDARY = "flarestack-bench-jfr";

  private final List<HttpRequest> requests = new ArrayList<>();
  private final List<byte[]> recordings = new ArrayList<>();
  private final LongAdder written = new LongAdder();
  private long rawBytes;
  private long wireBytes;
  private Path spillDir;
  private ScheduledExecutorService deadlines;
  private Distributor distributor;
  private JfrIngest ingest;
  private AppName name;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    spillDir = Files.createTempDirectory("bench-jfr");
    for (String f : Uploads.JFR_FILES) {
      byte[] gz = TestData.bytes(f);
      recordings.add(gz);
      wireBytes += gz.length;
      rawBytes += Corpus.gunzip(gz).length;
      requests.add(new HttpRequest("POST", "/ingest", Map.of("format", List.of("jfr")),
          Map.of("content-type", List.of("multipart/form-data; boundary=" + BOUNDARY)), Target.multipart(BOUNDARY, "jfr", gz)));
    }
    deadlines = WritePath.deadlines();
    distributor = WritePath.distributor((tenant, req) -> written.add(req.getSeriesCount()), deadlines);
    ingest = new JfrIngest(distributor, new JfrConfig(spillDir.toString(), 0), new SimpleMeterRegistry());
    name = AppName.parse("kafka{pod=kafka-0}");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    distributor.stop();
    deadlines.shutdownNow();
    try (var files = Files.list(spillDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(spillDir);
  }

  @Benchmark
  public void ingest(Counters n) {
    for (HttpRequest r : requests) {
      HttpResponse resp = ingest.ingest(WritePath.TENANT, r, name, "javaspy", 1_700_000_000_000_000_000L,
          1_700_000_010_000_000_000L, 100, WritePath.limits());
      if (resp.status() != 200) {
        throw new IllegalStateException("JFR ingest answered " + resp.status());
      }
    }
    n.add(rawBytes, wireBytes, 0, requests.size());
  }

  @Benchmark
  public void parseKernel(Blackhole bh, Counters n) throws IOException {
    for (byte[] gz : recordings) {
      Path p = Files.createTempFile(spillDir, "kernel", ".jfr");
      try {
        Files.write(p, Corpus.gunzip(gz));
        try (RecordingFile rf = new RecordingFile(p)) {
          while (rf.hasMoreEvents()) {
            RecordedEvent e = rf.readEvent();
            RecordedStackTrace st = e.getStackTrace();
            bh.consume(st == null ? e : st.getFrames());
          }
        }
      } finally {
        Files.deleteIfExists(p);
      }
    }
    n.add(rawBytes, wireBytes, 0, recordings.size());
  }
}
