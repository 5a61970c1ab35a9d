package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The legacy ingestion endpoint, {@code POST /ingest} and {@code POST /pyroscope/ingest}
 * (pyroscope-api.md §5). Query parameters {@code name}, {@code from}, {@code until},
 * {@code format}, {@code sampleRate}, {@code spyName} ({@code units} and
 * {@code aggregationType} are accepted and have no effect, as in Pyroscope v1).
 *
 * <p>Formats, first match wins: {@code trie}/{@code tree} (also by Content-Type
 * {@code binary/octet-stream+trie|+tree}), {@code lines}, {@code jfr}, {@code pprof} (the whole
 * body, raw or gzip; with a multipart Content-Type the body must be the pprof form below, where
 * Pyroscope would fail to read the form as one pprof), {@code speedscope}, then a
 * {@code multipart/form-data} body is a pprof form (file parts {@code profile},
 * {@code sample_type_config}; {@code prev_profile} is refused, see {@link PprofUploads}), and anything
 * else is folded text; any other unknown {@code format} value answers 400. {@code jfr} goes to
 * {@link JfrIngest}. The text, binary and speedscope formats share one conversion: stacks with
 * counts, typed by the app name's last dot-separated part ({@link LegacyProfileType}), scaled by
 * {@code sampleRate} ({@link TextProfiles}).
 *
 * <p>The parameters are read strictly: {@link AppName} for {@code name}, {@link IngestParams} for
 * {@code from}, {@code until} and {@code sampleRate}.
 *
 * <p>Statuses: 200 with an empty body on success; 400 for a bad {@code name}, {@code from},
 * {@code until}, {@code sampleRate} or {@code format}; with multitenancy on, 400 for tenant
 * headers naming different tenants and 401 without a tenant
 * ({@link Tenant#resolve(boolean, Iterable)}); 413 for a body over the ingestion body limit; on the pprof
 * paths a rejected profile (conversion or validation) is 422, as in Pyroscope; on the text paths
 * errors keep the status of their code (400, 429, ...). A rate limit is 429 on every path and an
 * ingester failure keeps its 5xx so that agents retry. Thread-safe.
 */
public final class IngestHandler implements HttpHandler {
  /**
   * The heap the text, binary and speedscope decoders may hold per body byte: the stacks as
   * strings (UTF-16), their map, and the profile built from them.
   */
  private static final long TEXT_DECODE_FACTOR = 6;
  private static final String SUPPORTED =
      "pprof, jfr, lines, folded (also \"collapsed\" and \"groups\", the default), trie, tree, speedscope";

  private final Distributor distributor;
  private final boolean multitenancyEnabled;
  private final Clock clock;
  private final TenantLimits limits;
  private final JfrIngest jfr;

  public IngestHandler(Distributor distributor, boolean multitenancyEnabled, Clock clock, TenantLimits limits,
      JfrIngest jfr) {
    this.distributor = requireNonNull(distributor, "distributor is null");
    this.multitenancyEnabled = multitenancyEnabled;
    this.clock = requireNonNull(clock, "clock is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.jfr = requireNonNull(jfr, "jfr is null");
  }

  /** The body formats of {@code /ingest}. */
  enum Format {
    FOLDED, LINES, PPROF, PPROF_MULTIPART, TRIE, TREE, JFR, SPEEDSCOPE;

    boolean pprof() {
      return this == PPROF || this == PPROF_MULTIPART;
    }
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    String tenant;
    try {
      tenant = Tenant.resolve(multitenancyEnabled, request.headerValues(Tenant.HEADER));
    } catch (FlarestackException e) {
      return HttpResponse.error(e);
    }
    Limits l = limits.forTenant(tenant);
    AppName name;
    Format format;
    IngestParams.Range range;
    long sampleRate;
    Instant now = clock.instant();
    long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    try {
      name = AppName.parse(request.param("name"));
      format = format(request.param("format"), request.header("Content-Type"));
      range = IngestParams.range(request.param("from"), request.param("until"), nowNanos);
      sampleRate = IngestParams.sampleRate(request.param("sampleRate"));
    } catch (FlarestackException e) {
      return HttpResponse.error(e);
    }
    if (name.hasProfileId()) {
      return HttpResponse.empty(200); // Pyroscope drops these uploads silently
    }
    long limit = l.ingestionBodyLimitBytes();
    if (limit > 0 && request.body().length > limit) {
      return HttpResponse.error(413, FlarestackException.invalidArgument(
          "request body too large: %d bytes, the limit is %d (%s)", request.body().length, limit,
          Limits.INGESTION_BODY_LIMIT.describe()));
    }
    long from = range.fromNanos();
    long until = range.untilNanos();
    String spy = request.param("spyName");
    spy = spy == null || spy.isEmpty() ? "unknown" : spy;
    if (format == Format.JFR) {
      return jfr.ingest(tenant, request, name, spy, from, until, sampleRate, l);
    }
    try {
      PushRequest push = format.pprof()
          ? pprofRequest(request, format, name, spy, from, l)
          : format == Format.SPEEDSCOPE
              ? speedscopeRequest(request, name, spy, from, until, sampleRate)
              : textRequest(request, format, name, spy, from, until, sampleRate, l);
      distributor.push(tenant, push);
    } catch (FlarestackException e) {
      return HttpResponse.error(format.pprof() ? pprofStatus(e) : e.httpStatus(), e);
    }
    return HttpResponse.empty(200);
  }

  static Format format(String format, String contentType) {
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    String f = format == null ? "" : format;
    boolean folded = f.isEmpty() || f.equals("folded") || f.equals("collapsed") || f.equals("groups");
    if (!folded && !List.of("trie", "tree", "lines", "jfr", "pprof", "speedscope").contains(f)) {
      throw FlarestackException.invalidArgument("unknown format \"%s\"; supported formats: %s", f, SUPPORTED);
    }
    if (f.equals("trie") || mediaType.equals("binary/octet-stream+trie")) {
      return Format.TRIE;
    }
    if (f.equals("tree") || mediaType.equals("binary/octet-stream+tree")) {
      return Format.TREE;
    }
    if (f.equals("lines")) {
      return Format.LINES;
    }
    if (f.equals("jfr")) {
      return Format.JFR;
    }
    if (f.equals("pprof")) {
      // Pyroscope would read a multipart body as one pprof and fail; unpacking the form is what
      // such a client means, and a body that is not the announced form is then refused.
      return Multipart.isMultipart(contentType) ? Format.PPROF_MULTIPART : Format.PPROF;
    }
    if (f.equals("speedscope")) {
      return Format.SPEEDSCOPE;
    }
    return Multipart.isMultipart(contentType) ? Format.PPROF_MULTIPART : Format.FOLDED;
  }

  private static PushRequest pprofRequest(HttpRequest request, Format format, AppName name, String spy, long from,
      Limits l) {
    byte[] profile = request.body();
    SampleTypeConfig config = null;
    if (format == Format.PPROF_MULTIPART) {
      List<Multipart.Part> parts = Multipart.parse(request.body(), request.header("Content-Type"));
      // prev_profile came from pyroscope-go before its delta profilers (godeltaprof): the server was
      // to subtract it from the cumulative profile. Pyroscope v1 refuses such uploads with this
      // message (422, not retried by the SDK) and its tests expect that, so an old SDK pointed at
      // Flarestack sees exactly what it sees with Pyroscope: upgrade. Computing the delta instead
      // would store data Pyroscope drops, and current SDKs send deltas themselves.
      if (Multipart.file(parts, "prev_profile") != null) {
        throw FlarestackException.invalidArgument(
            "unsupported client version: the prev_profile part (cumulative profiles) is not supported; "
                + "please update github.com/grafana/pyroscope-go to the latest version");
      }
      Multipart.Part p = Multipart.file(parts, "profile");
      if (p == null) {
        throw FlarestackException.invalidArgument(
            "the multipart form has no file part named \"profile\" (parts: %s)", describe(parts));
      }
      profile = p.data();
      Multipart.Part st = Multipart.file(parts, "sample_type_config");
      if (st != null) {
        config = SampleTypeConfig.parse(st.data());
      }
    }
    PprofUploads.Upload upload = PprofUploads.prepare(profile, config, spy, from, l.maxProfileSizeBytes(),
        l.ingestionBodyLimitBytes(), l.maxProfileStacktraceSamples());
    List<LabelPair> labels = new ArrayList<>();
    labels.add(pair(LabelNames.METRIC_NAME, upload.metricName()));
    labels.add(pair(LabelNames.DELTA, "false"));
    labels.add(pair(LabelNames.PYROSCOPE_SPY, spy));
    Map<String, String> nameLabels = name.ingestionLabels();
    if (!nameLabels.containsKey(LabelNames.SERVICE_NAME)) {
      labels.add(pair(LabelNames.SERVICE_NAME, name.name()));
    }
    addNameLabels(labels, nameLabels);
    return request(labels, upload.bytes());
  }

  private static PushRequest textRequest(HttpRequest request, Format format, AppName name, String spy, long from,
      long until, long rate, Limits l) {
    byte[] body = request.body();
    request.memory().reserve(TEXT_DECODE_FACTOR * body.length, "decoding the " + format.name().toLowerCase(Locale.ROOT)
        + " body");
    Map<String, Long> stacks = switch (format) {
      case LINES -> CollapsedStacks.parseLines(body);
      case TRIE -> BinaryStacks.parseTrie(body, body.length, stackBytes(l));
      case TREE -> BinaryStacks.parseTree(body, l.maxProfileSymbolValueLength(), l.maxProfileStacktraceSamples(),
          stackBytes(l));
      default -> CollapsedStacks.parseFolded(body);
    };
    return PushRequest.newBuilder()
        .addSeries(textSeries(name, name.name(), spy, stacks, rate, from, until, Map.of()))
        .build();
  }

  // One series per (merged) speedscope profile, labelled profile_name; with several profiles the
  // app name gets the unit as its last part, which then picks the profile type (Pyroscope).
  private static PushRequest speedscopeRequest(HttpRequest request, AppName name, String spy, long from, long until,
      long rate) {
    request.memory().reserve(TEXT_DECODE_FACTOR * request.body().length, "decoding the speedscope body");
    List<Speedscope.Profile> profiles = Speedscope.parse(request.body());
    PushRequest.Builder push = PushRequest.newBuilder();
    for (Speedscope.Profile p : profiles) {
      String app = profiles.size() > 1 ? name.name() + "." + p.unit() : name.name();
      SpeedscopeScale scale = SpeedscopeScale.of(p.unit(), rate);
      push.addSeries(textSeries(name, app, spy, scale.counts(p.weights()), scale.sampleRate(), from, until,
          Map.of(SpeedscopeScale.PROFILE_NAME, p.name())));
    }
    return push.build();
  }

  private static RawProfileSeries textSeries(AppName name, String fullApp, String spy, Map<String, Long> stacks,
      long sampleRate, long from, long until, Map<String, String> extraLabels) {
    String app = fullApp;
    String suffix = "cpu";
    int dot = app.lastIndexOf('.');
    if (dot >= 0) {
      suffix = app.substring(dot + 1);
      app = app.substring(0, dot);
    }
    LegacyProfileType type = LegacyProfileType.forSuffix(suffix);
    if (type == null) {
      throw FlarestackException.invalidArgument(
          "unknown profile type: %s (the last dot-separated part of the name %s selects the profile type,"
              + " e.g. cpu, itimer, wall, alloc_objects, inuse_space, lock_count)", suffix, fullApp);
    }
    Profile profile = TextProfiles.build(stacks, type, sampleRate, from, until);
    List<LabelPair> labels = new ArrayList<>();
    labels.add(pair(LabelNames.METRIC_NAME, type.metricName()));
    labels.add(pair(LabelNames.DELTA, "false"));
    labels.add(pair(LabelNames.PYROSCOPE_SPY, spy));
    Map<String, String> nameLabels = name.ingestionLabels();
    if (!nameLabels.containsKey(LabelNames.SERVICE_NAME)) {
      labels.add(pair(LabelNames.SERVICE_NAME, app));
    } else if (!nameLabels.containsKey(LabelNames.APP_NAME)) {
      labels.add(pair(LabelNames.APP_NAME, app));
    }
    addNameLabels(labels, nameLabels);
    addNameLabels(labels, extraLabels);
    return series(labels, profile.toByteArray());
  }

  // The expanded stacks of a trie or tree count like the body a client could have sent as text.
  private static long stackBytes(Limits l) {
    return l.ingestionBodyLimitBytes() > 0 ? l.ingestionBodyLimitBytes() : Long.MAX_VALUE;
  }

  // A profile rejected on the pprof paths is 422 (Pyroscope); limits and server errors keep theirs.
  private static int pprofStatus(FlarestackException e) {
    return switch (e.code()) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED -> 422;
      default -> e.httpStatus();
    };
  }

  private static void addNameLabels(List<LabelPair> labels, Map<String, String> nameLabels) {
    for (Map.Entry<String, String> e : nameLabels.entrySet()) {
      boolean present = false;
      for (LabelPair p : labels) {
        present |= p.getName().equals(e.getKey());
      }
      if (!present) {
        labels.add(pair(e.getKey(), e.getValue()));
      }
    }
  }

  private static PushRequest request(List<LabelPair> labels, byte[] profile) {
    return PushRequest.newBuilder().addSeries(series(labels, profile)).build();
  }

  private static RawProfileSeries series(List<LabelPair> labels, byte[] profile) {
    return RawProfileSeries.newBuilder()
        .addAllLabels(labels)
        .addSamples(RawSample.newBuilder().setRawProfile(UnsafeByteOperations.unsafeWrap(profile))
            .setID(UUID.randomUUID().toString()))
        .build();
  }

  private static LabelPair pair(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  private static String describe(List<Multipart.Part> parts) {
    if (parts.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (Multipart.Part p : parts) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(p.name()).append(p.filename() == null ? " (not a file)" : " (file " + p.filename() + ")");
    }
    return sb.toString();
  }
}
