package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.ingest.AppName;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ingest?format=jfr}: the upload of pyroscope-java (and Alloy's Java component) turned
 * into one pprof per profile kind and pushed through {@link Distributor#push}, so that all
 * validation, normalisation, series splitting and limits apply. See {@link JfrUpload} for the
 * body, {@link JfrConverter} for the mapping of events.
 *
 * <p>Series labels of every profile: the {@code name} parameter's labels, {@code __name__},
 * {@code pyroscope_spy}, {@code __delta__="false"}, {@code service_name} (or {@code app_name}
 * when the name's labels set {@code service_name}) with the application name, and
 * {@code jfr_event} (the recording's profiling event, left out when the recording names none).
 * Sample labels from the agent's context labels become series labels through the distributor's
 * split; span ids stay per sample.
 *
 * <p>Statuses: 200 (also for a recording without samples: nothing to store); 413 when the
 * recording or its labels decompress past the {@linkplain JfrConfig#sizeLimit size limit}; 422
 * for a malformed form, a missing {@code jfr} part, bad labels, an unreadable recording, or a
 * profile the distributor rejects (as in Pyroscope); a rate limit keeps 429 and ingester
 * failures their 5xx so that the agent retries. Thread-safe.
 */
public final class JfrIngest {
  private static final Logger log = LoggerFactory.getLogger(JfrIngest.class);
  /** The heap reading a recording may hold per byte of it (constant pools, aggregated stacks). */
  private static final long DECODE_FACTOR = 4;

  private final Distributor distributor;
  private final JfrConfig config;
  private final JfrMetrics metrics;

  /** @throws UncheckedIOException when the spill directory cannot be created */
  public JfrIngest(Distributor distributor, JfrConfig config, MeterRegistry registry) {
    this.distributor = requireNonNull(distributor, "distributor is null");
    this.config = requireNonNull(config, "config is null");
    this.metrics = new JfrMetrics(registry);
    try {
      Files.createDirectories(config.tempPath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the JFR spill directory " + config.tempPath() + " ("
          + JfrConfig.TEMP_DIR.describe() + ")", e);
    }
  }

  /**
   * Ingests one upload for {@code tenant}.
   *
   * @param fromNanos the {@code from} parameter: each profile's {@code time_nanos}
   * @param untilNanos the {@code until} parameter
   * @param sampleRate the {@code sampleRate} parameter (CPU and wall samples per second)
   */
  public HttpResponse ingest(String tenant, HttpRequest request, AppName name, String spyName, long fromNanos,
      long untilNanos, long sampleRate, Limits limits) {
    JfrConfig.SizeLimit limit = config.sizeLimit(limits);
    JfrConverter.Result result;
    try {
      JfrUpload upload = JfrUpload.read(request, limit);
      result = convert(tenant, upload, limit, sampleRate, fromNanos, untilNanos);
    } catch (JfrTooLargeException e) {
      return HttpResponse.error(413, e);
    } catch (FlarestackException e) {
      return HttpResponse.error(e.code() == ErrorCode.INVALID_ARGUMENT ? 422 : e.httpStatus(), e);
    }
    metrics.received(tenant, request.body().length);
    if (result.profiles().isEmpty()) {
      return HttpResponse.empty(200);
    }
    try {
      distributor.push(tenant, pushRequest(result, name, spyName));
    } catch (FlarestackException e) {
      return HttpResponse.error(status(e), e);
    }
    return HttpResponse.empty(200);
  }

  private JfrConverter.Result convert(String tenant, JfrUpload upload, JfrConfig.SizeLimit limit, long sampleRate,
      long fromNanos, long untilNanos) {
    JfrSpill spill;
    try {
      spill = JfrSpill.write(upload.jfr(), config.tempPath(), limit);
    } catch (IOException e) {
      // The client learns that the server failed and should retry, not where the server keeps files.
      log.warn("cannot spill a JFR upload to {}: {}", config.tempPath(), e.toString());
      throw new FlarestackException(ErrorCode.UNAVAILABLE,
          "the server cannot store the JFR recording for parsing (see the server log); the upload was not stored,"
              + " retry later", e);
    }
    try (spill) {
      // The JDK's reader streams the recording from disk, but its constant pools and the stacks
      // being aggregated live in the heap, in proportion to the recording.
      RequestMemory.current().reserve(DECODE_FACTOR * spill.size(), "decoding the JFR recording");
      long start = System.nanoTime();
      JfrConverter.Result result = JfrConverter.convert(spill.path(), upload.labels(), sampleRate, fromNanos, untilNanos);
      metrics.parsed(tenant, System.nanoTime() - start);
      return result;
    } catch (IOException | RuntimeException | InternalError e) {
      // The JDK reader reports damage with IOExceptions, but also with runtime exceptions and
      // InternalError from its parsers; all of them mean the upload is not a usable recording.
      if (e instanceof FlarestackException fe) {
        throw fe;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw FlarestackException.invalidArgument("the JFR recording (%d bytes) cannot be read: %s", spill.size(),
          why.replace(spill.path().toString(), "<recording>").replace(config.tempPath().toString(), "<spill dir>"));
    }
  }

  private static PushRequest pushRequest(JfrConverter.Result result, AppName name, String spyName) {
    PushRequest.Builder b = PushRequest.newBuilder();
    for (JfrConverter.NamedProfile p : result.profiles()) {
      Map<String, String> labels = new LinkedHashMap<>(name.ingestionLabels());
      labels.put(labels.containsKey(LabelNames.SERVICE_NAME) ? LabelNames.APP_NAME : LabelNames.SERVICE_NAME, name.name());
      labels.put(LabelNames.PYROSCOPE_SPY, spyName);
      labels.put(LabelNames.DELTA, "false");
      if (!result.jfrEvent().isEmpty()) {
        labels.put(LabelNames.JFR_EVENT, result.jfrEvent());
      }
      labels.put(LabelNames.METRIC_NAME, p.metricName());
      RawProfileSeries.Builder s = RawProfileSeries.newBuilder();
      labels.forEach((k, v) -> s.addLabels(LabelPair.newBuilder().setName(k).setValue(v)));
      s.addSamples(RawSample.newBuilder().setRawProfile(UnsafeByteOperations.unsafeWrap(p.profile().toByteArray()))
          .setID(UUID.randomUUID().toString()));
      b.addSeries(s);
    }
    return b.build();
  }

  // A rejected profile is 422 (Pyroscope); limits and server errors keep their status.
  private static int status(FlarestackException e) {
    return switch (e.code()) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED -> 422;
      default -> e.httpStatus();
    };
  }
}
