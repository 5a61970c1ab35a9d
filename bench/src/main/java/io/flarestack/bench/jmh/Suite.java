package io.flarestack.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH suite and prints every result as rates (MB/s of raw pprof, samples/s,
 * profiles/s) next to the kernel it is compared with, as "x% of kernel". Arguments: optional
 * regular expressions selecting benchmarks (default: all in this package), {@code --quick} (1
 * warmup and 2 measurement iterations), {@code --json FILE} (JMH's JSON results, default
 * {@code bench/target/jmh-result.json}), {@code -p name=v1,v2} (override a parameter).
 * {@code org.openjdk.jmh.Main} stays available for any other JMH option.
 */
public final class Suite {
  /** Benchmark method -> the kernel method of the same class it is compared with. */
  static final Map<String, String> KERNELS = Map.of(
      "push", "kernel",
      "appendWarm", "walk",
      "appendCold", "walk",
      "flameGraph", "aggregateKernel",
      "merge", "parseKernel",
      "ingest", "parseKernel",
      "write", "parquetKernel",
      "parquetKernel", "zstdKernel",
      "mergeTree", "mergeTreeKernel",
      "selectSeries", "selectSeriesKernel");

  private Suite() {}

  public static void main(String[] args) throws RunnerException {
    ChainedOptionsBuilder b = new OptionsBuilder();
    List<String> includes = new ArrayList<>();
    String json = "bench/target/jmh-result.json";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> b.warmupIterations(1).measurementIterations(2);
        case "--json" -> json = args[++i];
        case "-p" -> {
          String[] kv = args[++i].split("=", 2);
          b.param(kv[0], kv[1].split(","));
        }
        default -> includes.add(args[i]);
      }
    }
    if (includes.isEmpty()) {
      includes.add(Suite.class.getPackageName() + "\\..*Benchmark\\..*");
    }
    for (String inc : includes) {
      b.include(inc);
    }
    b.resultFormat(ResultFormatType.JSON).result(json).timeout(TimeValue.minutes(5));
    Collection<RunResult> results = new Runner(b.build()).run();
    print(results);
  }

  static void print(Collection<RunResult> results) {
    System.out.println();
    System.out.println("== Flarestack benchmarks: one thread; rates from the best iteration (noise only slows a run"
        + " down); mean +- 99.9% CI beside it ==");
    System.out.printf("%-36s %-28s %16s %9s %9s %8s %9s %10s %10s %11s %11s%n", "benchmark", "params", "mean ops/s",
        "best op/s", "MB/s raw", "MB/s gz", "MB/s blk", "samples/s", "profiles/s", "% kernel", "% k. (mean)");
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      String full = p.getBenchmark();
      String method = full.substring(full.lastIndexOf('.') + 1);
      String cls = full.substring(0, full.lastIndexOf('.'));
      String shortName = cls.substring(cls.lastIndexOf('.') + 1) + "." + method;
      double best = best(r);
      // Work per operation is fixed, so a rate's best iteration is the best ops/s times work per op.
      double scale = best / r.getPrimaryResult().getScore();
      Map<String, Result> sec = r.getSecondaryResults();
      String ofKernel = "";
      String ofKernelMean = "";
      String kernel = KERNELS.get(method);
      if (kernel != null) {
        RunResult k = find(results, cls + "." + kernel, p);
        if (k != null) {
          ofKernel = String.format("%.1f%%", 100 * best / best(k));
          ofKernelMean = String.format("%.1f%%", 100 * r.getPrimaryResult().getScore() / k.getPrimaryResult().getScore());
        }
      }
      if (kernel == null && KERNELS.containsValue(method)) {
        ofKernel = "(kernel)";
      }
      System.out.printf("%-36s %-28s %16s %9.1f %9s %8s %9s %10s %10s %11s %11s%n", shortName, params(p),
          String.format("%.1f±%.1f", r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()), best,
          rate(sec, "rawBytes", scale / 1e6, "%.1f"), rate(sec, "wireBytes", scale / 1e6, "%.1f"),
          rate(sec, "blockBytes", scale / 1e6, "%.1f"), rate(sec, "samples", scale, "%.3g"),
          rate(sec, "profiles", scale, "%.1f"), ofKernel, ofKernelMean);
    }
  }

  private static double best(RunResult r) {
    double best = 0;
    for (BenchmarkResult br : r.getBenchmarkResults()) {
      for (IterationResult ir : br.getIterationResults()) {
        best = Math.max(best, ir.getPrimaryResult().getScore());
      }
    }
    return best;
  }

  private static String rate(Map<String, Result> sec, String name, double factor, String fmt) {
    Result r = sec.get(name);
    if (r == null || r.getScore() == 0) {
      return "-";
    }
    return String.format(fmt, r.getScore() * factor);
  }

  private static String params(BenchmarkParams p) {
    StringBuilder sb = new StringBuilder();
    for (String k : p.getParamsKeys()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(k).append('=').append(p.getParam(k));
    }
    return sb.toString();
  }

  // The kernel run of the same class whose parameters all match the run's.
  private static RunResult find(Collection<RunResult> results, String benchmark, BenchmarkParams of) {
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      if (!p.getBenchmark().equals(benchmark)) {
        continue;
      }
      boolean same = true;
      for (String k : p.getParamsKeys()) {
        if (!p.getParam(k).equals(of.getParam(k))) {
          same = false;
        }
      }
      if (same) {
        return r;
      }
    }
    return null;
  }
}
