package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.pprof.DecodedProfile;
import io.flarestack.distributor.pprof.PprofDecoder;
import io.flarestack.distributor.pprof.ProfileSplitter;
import io.flarestack.distributor.pprof.SplitSeries;
import io.flarestack.distributor.ratelimit.IngestionRateLimiter;
import io.flarestack.distributor.validation.LabelValidator;
import io.flarestack.distributor.validation.ProfileValidator;
import io.flarestack.distributor.validation.ValidProfile;
import io.flarestack.distributor.writepath.IngesterWriter;
import io.grpc.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path's entry: decodes, validates, rate-limits, normalises and splits pushed profiles
 * and hands the resulting series to the ingesters through {@link IngesterWriter}.
 *
 * <p>Every {@link RawSample} is processed on its own (Pyroscope semantics): the profiles of a
 * request that pass are written even when others in the same request are rejected, and the call
 * then still fails with the rejections' error. A client that retries such a request duplicates the
 * accepted profiles; Pyroscope behaves the same. Every rejection increments
 * {@code pyroscope_discarded_samples_total} and {@code pyroscope_discarded_bytes_total} with its
 * {@link DiscardReason}. The {@code __session_id__} label is removed, as Pyroscope does with its
 * default {@code max_sessions_per_series} of 0, and Pyroscope's default relabel rule applies: a
 * {@code __name__} of {@code godeltaprof_<x>} becomes {@code <x>} with {@code __delta__="false"}
 * and {@code __name_replaced__} holding the original name.
 *
 * <p>Thread-safe. {@link #push} works while the service runs (it owns the timer of push
 * deadlines).
 */
public final class Distributor extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Distributor.class);
  private static final double MIB = 1024 * 1024;
  private static final int MAX_REPORTED_ERRORS = 5;
  private static final String GODELTAPROF = "godeltaprof_";
  private static final String NAME_REPLACED = "__name_replaced__";

  private final DistributorConfig config;
  private final TenantLimits limits;
  private final IngesterWriter writer;
  private final Clock clock;
  private final DistributorMetrics metrics;
  private final IngestionRateLimiter rateLimiter;
  private final ScheduledExecutorService deadlines;
  private final IntSupplier healthyDistributors;

  /**
   * A distributor alone: it enforces each tenant's whole ingestion rate itself.
   *
   * @param deadlines runs the push-timeout timers; owned by the caller, which shuts it down
   *     after stopping the distributor
   */
  public Distributor(DistributorConfig config, TenantLimits limits, IngesterWriter writer, Clock clock,
      ScheduledExecutorService deadlines, MeterRegistry registry) {
    this(config, limits, writer, clock, deadlines, registry, () -> 1);
  }

  /**
   * A distributor among several: each tenant's {@code ingestion_rate_mb} is global, so each of the
   * {@code healthyDistributors} enforces its share (as Pyroscope's global rate strategy; the burst
   * stays whole per distributor).
   *
   * @param healthyDistributors the number of healthy distributors in the distributor ring, read
   *     once per push; values below 1 count as 1
   */
  public Distributor(DistributorConfig config, TenantLimits limits, IngesterWriter writer, Clock clock,
      ScheduledExecutorService deadlines, MeterRegistry registry, IntSupplier healthyDistributors) {
    super("distributor");
    this.healthyDistributors = requireNonNull(healthyDistributors, "healthyDistributors is null");
    this.config = requireNonNull(config, "config is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.deadlines = requireNonNull(deadlines, "deadlines is null");
    this.metrics = new DistributorMetrics(requireNonNull(registry, "registry is null"));
    this.rateLimiter = new IngestionRateLimiter(clock);
  }

  @Override
  protected void doStart() {}

  @Override
  protected void doStop() {}

  /**
   * Ingests the profiles of one push for {@code tenant}.
   *
   * @throws FlarestackException invalid_argument for bad input (the message names the value and
   *     the limit), resource_exhausted when the tenant's ingestion rate is exceeded, unavailable
   *     when the service is not running, or the writer's error when the ingesters failed
   */
  public void push(String tenant, PushRequest request) {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(request, "request is null");
    ScheduledExecutorService scheduler = deadlines;
    if (state() != State.RUNNING) {
      throw new FlarestackException(ErrorCode.UNAVAILABLE, "the distributor is not running (state " + state() + ")");
    }
    Limits l = limits.forTenant(tenant);
    // Read once per push, not per profile: it walks the distributor ring.
    int sharing = Math.max(1, healthyDistributors.getAsInt());
    int total = 0;
    for (RawProfileSeries s : request.getSeriesList()) {
      total += s.getSamplesCount();
    }
    if (total == 0) {
      throw FlarestackException.invalidArgument("no profiles received");
    }
    long now = nanos(clock.instant());
    long remainingBody = l.ingestionBodyLimitBytes() > 0 ? l.ingestionBodyLimitBytes() : Long.MAX_VALUE;
    List<ProfileSeries> accepted = new ArrayList<>();
    Rejections errors = new Rejections();
    long samples = 0;
    for (RawProfileSeries series : request.getSeriesList()) {
      // A series' labels are validated once, not per profile: a series of thousands of profiles
      // would otherwise format its (possibly huge) label set into thousands of messages.
      Labels seriesLabels = null;
      DiscardException labelError = null;
      for (RawSample sample : series.getSamplesList()) {
        ByteString raw = sample.getRawProfile();
        DecodedProfile decoded;
        try {
          decoded = PprofDecoder.decode(raw, l.maxProfileSizeBytes(), remainingBody, l.maxProfileStacktraceSamples());
        } catch (DiscardException e) {
          reject(tenant, e, raw.size(), errors);
          continue;
        }
        remainingBody -= decoded.decompressedSize();
        samples += decoded.profile().getSampleCount();
        if (samples > config.maxSamplesPerRequest()) {
          // A limit of the whole request: nothing of it is written.
          throw FlarestackException.invalidArgument("the request has more than %d samples in its profiles, the limit (%s)",
              config.maxSamplesPerRequest(), DistributorConfig.MAX_SAMPLES_PER_REQUEST.describe());
        }
        try {
          if (seriesLabels == null && labelError == null) {
            try {
              seriesLabels = seriesLabels(series.getLabelsList(), l);
            } catch (DiscardException e) {
              labelError = e;
            }
          }
          if (labelError != null) {
            throw labelError;
          }
          accept(tenant, l, sharing, seriesLabels, raw.size(), decoded, now, accepted);
        } catch (DiscardException e) {
          reject(tenant, e, decoded.decompressedSize(), errors);
        }
      }
    }
    if (!accepted.isEmpty()) {
      write(tenant, io.flarestack.api.ingester.v1.PushRequest.newBuilder().addAllSeries(accepted).build(), scheduler);
    }
    if (errors.count > 0) {
      throw combine(errors, total);
    }
  }

  // Pyroscope's default max_sessions_per_series (0) removes the session id: it would make every
  // SDK restart a new set of series.
  private static Labels seriesLabels(List<LabelPair> pairs, Limits l) {
    return relabel(LabelValidator.validateRequest(pairs, l).without(LabelNames.SESSION_ID));
  }

  private void accept(String tenant, Limits l, int sharing, Labels labels, int compressedSize, DecodedProfile decoded,
      long now, List<ProfileSeries> out) {
    long bytes = decoded.decompressedSize() + labelBytes(labels);
    double rateMb = l.ingestionRateMb() / sharing;
    if (!rateLimiter.allow(tenant, rateMb * MIB, l.ingestionBurstSizeMb() * MIB, bytes)) {
      String share = sharing == 1 ? "" : String.format(" (this distributor's share of %s/s among %d healthy distributors)",
          mib(l.ingestionRateMb()), sharing);
      throw new DiscardException(ErrorCode.RESOURCE_EXHAUSTED, DiscardReason.RATE_LIMITED, String.format(
          "push rate limit (%s/s%s, burst %s) exceeded while adding %d bytes for tenant %s (%s, %s)",
          mib(rateMb), share, mib(l.ingestionBurstSizeMb()), bytes, tenant, Limits.INGESTION_RATE_MB.describe(),
          Limits.INGESTION_BURST_SIZE_MB.describe()));
    }
    metrics.received(labels.get(LabelNames.METRIC_NAME), tenant, compressedSize, decoded.decompressedSize(),
        decoded.profile().getSampleCount());
    ValidProfile valid = ProfileValidator.validate(decoded.profile(), l, labels, now);
    List<SplitSeries> split = ProfileSplitter.split(valid, labels, l.maxProfileStacktraceDepth());
    for (SplitSeries s : split) {
      LabelValidator.validateSeries(s.labels(), l);
    }
    for (SplitSeries s : split) {
      out.add(ProfileSeries.newBuilder()
          .addAllLabels(s.labels().toProto())
          .addProfiles(NormalizedProfile.newBuilder().setProfile(s.profile()).setId(UUID.randomUUID().toString()))
          .build());
    }
  }

  // Pyroscope's default ingestion relabel rule: Go's godeltaprof_* profiles are already deltas.
  private static Labels relabel(Labels labels) {
    String name = labels.get(LabelNames.METRIC_NAME);
    if (!name.startsWith(GODELTAPROF)) {
      return labels;
    }
    return labels.toBuilder()
        .set(LabelNames.METRIC_NAME, name.substring(GODELTAPROF.length()))
        .set(LabelNames.DELTA, "false")
        .set(NAME_REPLACED, name)
        .build();
  }

  private void write(String tenant, io.flarestack.api.ingester.v1.PushRequest request,
      ScheduledExecutorService scheduler) {
    // Detached from the caller: a client that disconnects must not cancel a half-done replication.
    // Not cancelled when the write returns either: with replication the writer returns at quorum
    // while the other replicas' writes are still in flight in this context, and they must reach
    // their ingesters (a third copy cancelled under load is a copy a second failure loses). The
    // deadline ends the context.
    Context.CancellableContext ctx = Context.ROOT.withDeadlineAfter(config.pushTimeout().toNanos(),
        TimeUnit.NANOSECONDS, scheduler);
    try {
      ctx.run(() -> writer.push(tenant, request));
    } catch (RuntimeException e) {
      throw FlarestackException.from(e);
    }
  }

  private void reject(String tenant, DiscardException e, long bytes, Rejections errors) {
    metrics.discarded(e.reason(), tenant, bytes);
    log.debug("profile rejected: tenant={} reason={} error={}", tenant, e.reason().label(), e.getMessage());
    errors.add(e);
  }

  private static FlarestackException combine(Rejections errors, int total) {
    if (errors.count == 1) {
      return errors.first.get(0);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(errors.count).append(" of ").append(total).append(" profiles were rejected: ");
    for (int i = 0; i < errors.first.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(errors.first.get(i).getMessage());
    }
    if (errors.count > MAX_REPORTED_ERRORS) {
      sb.append("; and ").append(errors.count - MAX_REPORTED_ERRORS).append(" more");
    }
    return new FlarestackException(errors.first.get(0).code(), sb.toString(), errors.first.get(0));
  }

  /**
   * The rejections of one push: how many, and the first few that the error reports. The others
   * are counted, not kept: every message may hold a profile's whole label set.
   */
  private static final class Rejections {
    final List<FlarestackException> first = new ArrayList<>(MAX_REPORTED_ERRORS);
    int count;

    void add(FlarestackException e) {
      if (first.size() < MAX_REPORTED_ERRORS) {
        first.add(e);
      }
      count++;
    }
  }

  private static long labelBytes(Labels labels) {
    long n = 0;
    for (int i = 0; i < labels.size(); i++) {
      n += labels.name(i).length() + labels.value(i).length();
    }
    return n;
  }

  private static String mib(double mb) {
    return mb == Math.rint(mb) ? (long) mb + " MiB" : mb + " MiB";
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
