package io.flarestack.bench.jmh;

import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Schedule;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.Target;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.ingest.AppName;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A head holding {@code minutes} of the whole W-S fleet, as the server stores it: 12 Go services
 * uploading CPU and heap pprof (the fleet's mutated real profiles, through {@code Distributor.push})
 * and 8 Java services uploading the real async-profiler JFR recordings (through {@code JfrIngest}),
 * 5 pods each, every 15 s. One head window (never cut by age); deterministic (seed 1, fixed end
 * time; filled by two threads, each sending a fixed half of the services in time order). What a block of that window holds is what the ingester writes for W-S.
 */
final class FleetHead {
  private static final String BOUNDARY = "flarestack-bench-jfr";

  final Head head;
  final TenantHead tenant;
  final long startNanos;
  final long endNanos;
  final int uploads;
  /** Decompressed bytes of every upload (pprof and JFR): the "raw" of MB/s raw. */
  final long rawBytes;
  /** Wall time the head took to fill. */
  final double seconds;

  FleetHead(int minutes) {
    long began = System.nanoTime();
    Fleet fleet = new Fleet(Workload.W_S, 1);
    Uploads make = Uploads.fromTestData(fleet);
    this.endNanos = ServiceHead.END_NANOS;
    this.startNanos = endNanos - Duration.ofMinutes(minutes).toNanos();
    this.head = new Head(0, new SimpleMeterRegistry());
    ScheduledExecutorService deadlines = WritePath.deadlines();
    Distributor d = WritePath.distributor((t, req) -> head.append(t, req), deadlines);
    Path spill;
    try {
      spill = Files.createTempDirectory("bench-fleet-jfr");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JfrIngest jfr = new JfrIngest(d, new JfrConfig(spill.toString(), 0), new SimpleMeterRegistry());
    // Two threads, each with a fixed half of the services in time order: every symbol partition
    // (one per service) sees its profiles in the same order in every run, so the head, and the
    // block written from it, are the same every time.
    List<Set<String>> halves = List.of(new HashSet<>(), new HashSet<>());
    for (int s = 0; s < fleet.workload().services(); s++) {
      halves.get(s % 2).add("svc-" + s);
    }
    ExecutorService pool = Executors.newFixedThreadPool(halves.size());
    try {
      List<Future<long[]>> parts = new ArrayList<>();
      for (Set<String> services : halves) {
        Schedule schedule = new Schedule(fleet, startNanos, endNanos, true, Set.of(), services);
        parts.add(pool.submit(() -> send(schedule, make, d, jfr)));
      }
      long n = 0;
      long raw = 0;
      for (Future<long[]> f : parts) {
        long[] r = f.get();
        n += r[0];
        raw += r[1];
      }
      this.uploads = (int) n;
      this.rawBytes = raw;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while filling the head", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("filling the head failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
      d.stop();
      deadlines.shutdownNow();
      try {
        Files.deleteIfExists(spill);
      } catch (IOException e) {
        // a leftover empty temp directory is harmless
      }
    }
    this.tenant = head.find(WritePath.TENANT);
    this.seconds = (System.nanoTime() - began) / 1e9;
  }

  /** Sends a schedule's uploads in order; returns {uploads, raw bytes}. */
  private static long[] send(Schedule schedule, Uploads make, Distributor d, JfrIngest jfr) {
    long n = 0;
    long raw = 0;
    for (Planned p : schedule) {
      Upload u = make.make(p);
      if (p.kind().jfr()) {
        HttpRequest req = new HttpRequest("POST", "/ingest", Map.of("format", List.of("jfr")),
            Map.of("content-type", List.of("multipart/form-data; boundary=" + BOUNDARY)),
            Target.multipart(BOUNDARY, "jfr", u.body()));
        HttpResponse resp = jfr.ingest(WritePath.TENANT, req, AppName.parse(Target.appName(u)), u.spyName(),
            p.timeNanos(), p.timeNanos() + u.durationNanos(), 100, WritePath.limits());
        if (resp.status() != 200) {
          throw new IllegalStateException("JFR upload " + p + " answered " + resp.status());
        }
      } else {
        d.push(WritePath.TENANT, Target.pushRequest(u, 1));
      }
      raw += u.rawBytes();
      n++;
    }
    return new long[] {n, raw};
  }
}
