package io.flarestack.bench;

import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.Args;
import io.flarestack.bench.load.IngestOptions;
import io.flarestack.bench.load.IngestRun;
import io.flarestack.bench.load.ProbeRun;
import io.flarestack.bench.load.Stats;
import io.flarestack.bench.query.QueryRun;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fleet load generator and query suite: {@code LoadGen ingest ...} sends a deterministic
 * synthetic fleet (W-S, W-C, W-M) built from the real profiles in {@code testdata/};
 * {@code LoadGen query ...} runs Q1-Q10 and prints latency percentiles. Works against any
 * Flarestack or Pyroscope URL. {@code LoadGen help} lists the options. Exit code 0 when the run
 * finished (failures are reported, not fatal), 2 for bad arguments.
 */
public final class LoadGen {
  private LoadGen() {}

  static final String USAGE = """
      usage: LoadGen ingest [options]    send a fleet's uploads
             LoadGen query [options]     run the query suite Q1-Q10
             LoadGen probe [options]     time to queryable: push a unique profile, poll until counted
      common:
        --url URL              server base URL (default http://localhost:4040)
        --tenant ID            X-Scope-OrgID header (default: none)
        --seed N               seed of every payload and label (default 1)
      ingest:
        --workload W-S|W-C|W-M fleet shape (default W-S)
        --duration 60s         wall-clock limit (default 60s)
        --mode paced|max       paced: each upload at its scheduled time; max: as fast as possible (default paced)
        --from -50m            schedule start relative to now (default 0 for paced; -50m for max); -24h backfills
        --until -1h            end of a backfill's schedule relative to now (default now; max mode only)
        --interval 15s         upload period per pod (default 15s)
        --protocol mixed       push | ingest | mixed (half of the pods each) for pprof uploads (default mixed)
        --jfr auto             auto (probe; a 422 turns JFR off and is reported) | on | off (default auto)
        --concurrency 8        parallel senders (default 8)
        --progress 5s          progress line interval (default 5s)
        --services svc-7,...   only these services (default all)
        --kinds cpu            only CPU uploads (cpu) or all (default all)
        --log FILE             one line per request: start epoch ms, latency ms, HTTP status (0: no answer)
      query:
        --service svc-7        service of the per-service queries (default svc-7)
        --runs 50              timed runs per query (default 50)
        --concurrency 1        parallel query threads (default 1)
        --end EPOCH_MS         end of every range (default now)
        --queries Q1,Q2        subset (default all, Q10 included)
        --marker-runs 20       Q10 repetitions (default 20)
      probe (--url is where probes are pushed):
        --query-url URL        where they are queried, e.g. a querier (default: --url)
        --probes 300           number of probes, one after another (default 300)
        --pause 10ms           pause between polls of one probe: the resolution (default 10ms)
        --timeout 30s          a probe not counted after this fails (default 30s)
      """;

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("-h") || argv[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    Args args;
    try {
      args = Args.parse(Arrays.copyOfRange(argv, 1, argv.length));
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    try {
      switch (argv[0]) {
        case "ingest" -> ingest(args);
        case "query" -> query(args);
        case "probe" -> probe(args);
        default -> throw new IllegalArgumentException("unknown command \"" + argv[0] + "\"; use ingest, query or probe");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      System.exit(2);
    }
  }

  static IngestOptions ingestOptions(Args a) {
    Workload w = Workload.named(a.string("workload", "W-S"));
    Duration interval = a.duration("interval", w.interval());
    boolean paced = switch (a.string("mode", "paced")) {
      case "paced" -> true;
      case "max" -> false;
      default -> throw new IllegalArgumentException("--mode must be paced or max, got " + a.string("mode", ""));
    };
    Duration from = a.duration("from", paced ? Duration.ZERO : Duration.ofMinutes(-50));
    Set<Kind> kinds = switch (a.string("kinds", "all").toLowerCase(Locale.ROOT)) {
      case "all" -> Set.of();
      case "cpu" -> Set.of(Kind.GO_CPU, Kind.JAVA_CPU, Kind.JAVA_JFR);
      default -> throw new IllegalArgumentException("--kinds must be all or cpu, got " + a.string("kinds", ""));
    };
    Set<String> services = new HashSet<>(a.list("services"));
    IngestOptions o = new IngestOptions(a.string("url", "http://localhost:4040"), a.string("tenant", null),
        w.withInterval(interval), a.longValue("seed", 1), a.duration("duration", Duration.ofSeconds(60)), paced, from,
        a.string("protocol", "mixed"), a.string("jfr", "auto"), a.intValue("concurrency", 8),
        a.duration("progress", Duration.ofSeconds(5)), services, kinds, a.duration("until", null));
    a.requireAllUsed();
    return o;
  }

  private static void ingest(Args a) throws InterruptedException, java.io.IOException {
    String log = a.string("log", null);
    IngestOptions o = ingestOptions(a);
    Stats s;
    if (log == null) {
      s = new IngestRun(o, System.out).run();
    } else {
      try (PrintStream requests = new PrintStream(new java.io.FileOutputStream(log), false, StandardCharsets.UTF_8)) {
        s = new IngestRun(o, System.out, requests).run();
      }
    }
    System.out.flush();
    if (s.accepted() == 0) {
      System.err.println("loadgen: no upload was accepted");
    }
  }

  static QueryRun.Options queryOptions(Args a) {
    List<String> queries = a.list("queries");
    QueryRun.Options o = new QueryRun.Options(a.string("url", "http://localhost:4040"), a.string("tenant", null),
        a.string("service", "svc-7"), a.intValue("runs", 50), a.intValue("concurrency", 1), a.longValue("end", 0),
        queries, a.intValue("marker-runs", 20), a.longValue("seed", 1));
    a.requireAllUsed();
    return o;
  }

  static ProbeRun.Options probeOptions(Args a) {
    String url = a.string("url", "http://localhost:4040");
    ProbeRun.Options o = new ProbeRun.Options(url, a.string("query-url", url), a.string("tenant", null),
        a.longValue("seed", 1), a.intValue("probes", 300), a.duration("pause", Duration.ofMillis(10)),
        a.duration("timeout", Duration.ofSeconds(30)));
    a.requireAllUsed();
    return o;
  }

  private static void probe(Args a) {
    ProbeRun.Result r = new ProbeRun(probeOptions(a), System.out).run();
    System.out.flush();
    if (r.visible().getTotalCount() == 0) {
      System.err.println("loadgen: no probe was counted");
    }
  }

  private static void query(Args a) throws Exception {
    new QueryRun(queryOptions(a), System.out).run();
  }
}
