package io.flarestack.ingester.head;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.ProfileType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory head of one tenant for one time window: the series index, one symbol partition per service, and
 * the profile rows of each series.
 *
 * <p>Writes: {@link #append} (= {@link #prepare} then {@link #commit}) is the only ingest entry
 * point, for pushes and for the WAL replay alike. Pushes may run concurrently: symbol
 * insertion serialises per service partition, series creation on the index lock, row appends
 * per series. Reads ({@link #series()}, {@link #select}, {@link Series#rows()},
 * {@link SymbolPartition#view()}) never take those locks; they see consistent snapshots. A
 * reader that takes the series' rows first and the partition view afterwards finds every stack
 * id of those rows in the view, because a profile's symbols are published before its rows.
 *
 * <p>Thread-safe.
 */
public final class TenantHead {
  /** The tables whose size the head reports in {@code pyroscope_head_size_bytes{type}}. */
  public enum Table {
    PROFILES("profiles"),
    STACKTRACES("stacktraces"),
    LOCATIONS("locations"),
    FUNCTIONS("functions"),
    MAPPINGS("mappings"),
    STRINGS("strings");

    private final String metricName;

    Table(String metricName) {
      this.metricName = metricName;
    }

    public String metricName() {
      return metricName;
    }
  }

  private final String tenant;
  private final long windowStartNanos;
  private final long windowEndNanos;
  private final ConcurrentHashMap<Labels, DeltaState> deltas;
  private final SeriesIndex index;
  private final ConcurrentHashMap<String, SymbolPartition> partitions = new ConcurrentHashMap<>();
  private final AtomicLong profiles = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong profileBytes = new AtomicLong();
  private final AtomicLong minSegment = new AtomicLong(Long.MAX_VALUE);
  private final HeadMetrics metrics;
  private volatile String blockId;
  private volatile long coveredLsn = -1;

  /**
   * @param windowStartNanos first nanosecond of the window (inclusive)
   * @param windowEndNanos end of the window (exclusive)
   * @param maxSeries series limit for this head; 0 = unlimited
   * @param deltas the tenant's delta states of cumulative series, shared across its windows
   * @param metrics the tenant's head metrics, shared across its windows
   */
  TenantHead(String tenant, long windowStartNanos, long windowEndNanos, int maxSeries,
      ConcurrentHashMap<Labels, DeltaState> deltas, HeadMetrics metrics) {
    this.tenant = requireNonNull(tenant, "tenant is null");
    this.windowStartNanos = windowStartNanos;
    this.windowEndNanos = windowEndNanos;
    this.index = new SeriesIndex(tenant, maxSeries);
    this.deltas = requireNonNull(deltas, "deltas is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  public String tenant() {
    return tenant;
  }

  /** First nanosecond of the head's time window. */
  public long windowStartNanos() {
    return windowStartNanos;
  }

  /** End of the head's time window (exclusive). */
  public long windowEndNanos() {
    return windowEndNanos;
  }

  /**
   * The oldest write-ahead log segment holding a record committed here, or
   * {@link Long#MAX_VALUE}: the log keeps that segment (and newer ones) until this head's block
   * is uploaded.
   */
  public long minSegment() {
    return minSegment.get();
  }

  /** Records that a record of log segment {@code segment} is committed here (before the commit). */
  public void noteSegment(long segment) {
    if (segment >= 0) {
      minSegment.accumulateAndGet(segment, Math::min);
    }
  }

  /** The ULID of the block this head becomes, set when it is cut; null while it takes writes. */
  public String blockId() {
    return blockId;
  }

  /**
   * The highest log sequence number whose records (for this tenant and window) the head's
   * block covers, set when it is cut; -1 before.
   */
  public long coveredLsn() {
    return coveredLsn;
  }

  void markCut(String blockId, long coveredLsn) {
    this.coveredLsn = coveredLsn;
    this.blockId = requireNonNull(blockId, "blockId is null");
  }

  /** Validates and stores one pushed series. */
  public void append(ProfileSeries series) {
    commit(prepare(List.of(series)));
  }

  /** Validates and stores pushed series: all of them, or none when any is invalid. */
  public void append(List<ProfileSeries> series) {
    commit(prepare(series));
  }

  /**
   * Validates every profile and resolves (creating when needed) the stored series of each of
   * its sample types. Nothing becomes visible to queries; series created here stay empty until
   * a commit.
   *
   * @throws FlarestackException invalid_argument for a malformed profile or missing
   *     {@code __name__}; resource_exhausted when the series limit would be exceeded
   */
  public PreparedBatch prepare(List<ProfileSeries> series) {
    List<PreparedBatch.Item> items = new ArrayList<>();
    List<Labels> pushedLabels = new ArrayList<>();
    List<Labels> baseLabels = new ArrayList<>();
    List<ValidatedProfile> validated = new ArrayList<>();
    // First validate everything, so an invalid profile creates nothing at all.
    for (ProfileSeries ps : series) {
      Labels pushed = Labels.fromProto(ps.getLabelsList());
      Labels base = SeriesLabels.base(pushed);
      for (NormalizedProfile np : ps.getProfilesList()) {
        if (!np.hasProfile()) {
          throw FlarestackException.invalidArgument("profile %s of series %s has no pprof", np.getId(), pushed);
        }
        validated.add(ValidatedProfile.validate(np.getProfile(), np.getId()));
        pushedLabels.add(pushed);
        baseLabels.add(base);
      }
    }
    for (int i = 0; i < validated.size(); i++) {
      ValidatedProfile vp = validated.get(i);
      Labels pushed = pushedLabels.get(i);
      String name = pushed.get(LabelNames.METRIC_NAME);
      SymbolPartition partition = partitions.computeIfAbsent(SeriesLabels.partitionKey(pushed), SymbolPartition::new);
      Profile p = vp.profile();
      Series[] typed = new Series[p.getSampleTypeCount()];
      for (int t = 0; t < typed.length; t++) {
        ProfileType type = SeriesLabels.profileType(name, p, t);
        Labels labels = SeriesLabels.forType(baseLabels.get(i), type, p.hasPeriodType());
        boolean cumulative = SeriesLabels.cumulative(pushed, type);
        typed[t] = index.getOrCreate(labels, id -> {
          metrics.seriesCreated(name);
          return new Series(id, labels, type, partition,
              cumulative ? deltas.computeIfAbsent(labels, l -> new DeltaState()) : null);
        });
      }
      items.add(new PreparedBatch.Item(vp, partition, typed, name));
    }
    return new PreparedBatch(this, items);
  }

  /** Stores a prepared batch: symbols first, then one row per sample type. */
  public void commit(PreparedBatch batch) {
    if (batch.head() != this) {
      throw new IllegalArgumentException("batch was prepared by the head of tenant " + batch.head().tenant);
    }
    for (PreparedBatch.Item item : batch.items()) {
      ValidatedProfile vp = item.profile();
      Profile p = vp.profile();
      int[] stackIds = item.partition().insert(vp);
      SampleMerger.Column[] columns = SampleMerger.merge(p, stackIds, vp.spanIds());
      Series[] typed = item.series();
      for (int t = 0; t < typed.length; t++) {
        ProfileRow row = typed[t].append(p.getTimeNanos(), vp.id(), p.getPeriod(), columns[t]);
        if (row != null) {
          profiles.incrementAndGet();
          samples.addAndGet(row.sampleCount());
          profileBytes.addAndGet(row.estimatedBytes(t > 0 && columns[t].sharedStacks()));
          metrics.profileAppended(item.profileName(), row.sampleCount());
        }
      }
    }
  }

  /** Every series visible now, in id order (empty series included). */
  public List<Series> series() {
    return index.all();
  }

  /** The series whose labels satisfy every matcher, in id order. */
  public List<Series> select(List<Matcher> matchers) {
    return index.select(requireNonNull(matchers, "matchers is null"));
  }

  /** The symbol partitions, one per service. */
  public Collection<SymbolPartition> partitions() {
    return List.copyOf(partitions.values());
  }

  public long seriesCount() {
    return index.size();
  }

  public long profileCount() {
    return profiles.get();
  }

  public long sampleCount() {
    return samples.get();
  }

  /** Estimated heap bytes of one table, summed over partitions. */
  public long estimatedBytes(Table table) {
    if (table == Table.PROFILES) {
      return profileBytes.get();
    }
    long sum = 0;
    for (SymbolPartition p : partitions.values()) {
      PartitionView v = p.view();
      sum += switch (table) {
        case STACKTRACES -> v.stackBytes();
        case LOCATIONS -> v.locationBytes();
        case FUNCTIONS -> v.functionBytes();
        case MAPPINGS -> v.mappingBytes();
        case STRINGS -> v.stringBytes();
        case PROFILES -> 0;
      };
    }
    return sum;
  }
}
