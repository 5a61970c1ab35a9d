package io.flarestack.ingester.head;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.model.Labels;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ingester's in-memory head: per tenant, one {@link TenantHead} per time window (windows of
 * {@code max_block_duration} aligned to the Unix epoch, as Pyroscope's heads are), created on
 * the first profile of that window. A push whose profiles fall in several windows is split
 * between their heads. Once a window has ended it is <em>cut</em>: its head takes no more writes
 * (a late profile for that window starts a new head) and stays readable until its block is
 * written, then it is dropped.
 *
 * <p>Thread-safety: pushes ({@link #prepare}, {@link #commit}, {@link #append}) and reads may
 * run concurrently. {@link #cutEnded}, {@link #cutAll} and {@link #drop} must not overlap a
 * push between its prepare and its commit; the ingester serialises them with a read-write lock.
 */
public final class Head {
  /** Decides, at replay, whether a tenant's window still needs a record's profiles. */
  @FunctionalInterface
  public interface WindowFilter {
    WindowFilter ALL = (tenant, windowStart) -> true;

    boolean keep(String tenant, long windowStartNanos);
  }

  /** The state of one tenant: its windows and what they share. */
  private static final class Tenant {
    final ConcurrentHashMap<Labels, DeltaState> deltas = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Long, TenantHead> live = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<TenantHead> cut = new CopyOnWriteArrayList<>();
    HeadMetrics metrics;

    List<TenantHead> heads() {
      List<TenantHead> out = new ArrayList<>(cut);
      out.addAll(new TreeMap<>(live).values());
      return out;
    }
  }

  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();
  private final int maxSeriesPerTenant;
  private final long windowNanos;
  private final MeterRegistry registry;

  /**
   * @param maxSeriesPerTenant series limit per tenant and window; 0 = unlimited
   * @param window the length of a head window
   */
  public Head(int maxSeriesPerTenant, Duration window, MeterRegistry registry) {
    if (maxSeriesPerTenant < 0) {
      throw new IllegalArgumentException("maxSeriesPerTenant must be >= 0, got " + maxSeriesPerTenant);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    this.maxSeriesPerTenant = maxSeriesPerTenant;
    this.windowNanos = window.toNanos();
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** A head with one window covering all time (never cut by age): for tests and tools. */
  public Head(int maxSeriesPerTenant, MeterRegistry registry) {
    this(maxSeriesPerTenant, Duration.ofNanos(Long.MAX_VALUE), registry);
  }

  /** The first nanosecond of the window holding {@code timeNanos}. */
  public long windowStart(long timeNanos) {
    return Math.floorDiv(timeNanos, windowNanos) * windowNanos;
  }

  private long windowEnd(long start) {
    long end = start + windowNanos;
    return end < start ? Long.MAX_VALUE : end;
  }

  /**
   * Validates and stores a push for a tenant: every profile, or none when one is invalid.
   *
   * @throws io.flarestack.common.errors.FlarestackException invalid_argument / resource_exhausted
   */
  public void append(String tenant, PushRequest request) {
    commit(prepare(tenant, request, WindowFilter.ALL), -1);
  }

  /**
   * Splits a push by window, validates it and resolves its series in each window's head (creating
   * heads and series as needed). Nothing becomes visible to queries.
   *
   * @param keep which windows to prepare (replay skips windows whose block already holds the record)
   * @throws io.flarestack.common.errors.FlarestackException invalid_argument / resource_exhausted
   */
  public PreparedPush prepare(String tenant, PushRequest request, WindowFilter keep) {
    requireNonNull(request, "request is null");
    if (request.getSeriesCount() == 0) {
      return PreparedPush.EMPTY;
    }
    TreeMap<Long, List<ProfileSeries>> byWindow = new TreeMap<>();
    for (ProfileSeries ps : request.getSeriesList()) {
      Map<Long, ProfileSeries.Builder> split = new TreeMap<>();
      for (NormalizedProfile np : ps.getProfilesList()) {
        long w = windowStart(np.getProfile().getTimeNanos());
        split.computeIfAbsent(w, k -> ProfileSeries.newBuilder().addAllLabels(ps.getLabelsList())).addProfiles(np);
      }
      if (split.isEmpty()) {
        // A series without profiles: its labels are still validated.
        split.put(Long.MIN_VALUE, ps.toBuilder());
      }
      split.forEach((w, b) -> byWindow.computeIfAbsent(w, k -> new ArrayList<>()).add(b.build()));
    }
    Tenant t = tenant(tenant);
    List<PreparedPush.Part> parts = new ArrayList<>();
    for (Map.Entry<Long, List<ProfileSeries>> e : byWindow.entrySet()) {
      long w = e.getKey() == Long.MIN_VALUE ? windowStart(0) : e.getKey();
      if (!keep.keep(tenant, w)) {
        continue;
      }
      TenantHead h = t.live.computeIfAbsent(w,
          k -> new TenantHead(tenant, k, windowEnd(k), maxSeriesPerTenant, t.deltas, t.metrics));
      parts.add(new PreparedPush.Part(h, h.prepare(e.getValue())));
    }
    return new PreparedPush(parts);
  }

  /**
   * Stores a prepared push.
   *
   * @param segment the write-ahead log segment holding it, or -1 when it is not logged
   */
  public void commit(PreparedPush push, long segment) {
    for (PreparedPush.Part p : push.parts()) {
      p.head().noteSegment(segment);
      p.head().commit(p.batch());
    }
  }

  private Tenant tenant(String tenant) {
    requireNonNull(tenant, "tenant is null");
    Tenant t = tenants.get(tenant);
    if (t != null) {
      return t;
    }
    return tenants.computeIfAbsent(tenant, name -> {
      Tenant made = new Tenant();
      made.metrics = new HeadMetrics(registry, name, made::heads);
      return made;
    });
  }

  /** Every head of the tenant in memory (cut ones first, then live ones by window); empty when none. */
  public List<TenantHead> heads(String tenant) {
    Tenant t = tenants.get(requireNonNull(tenant, "tenant is null"));
    return t == null ? List.of() : t.heads();
  }

  /**
   * The live head of the tenant's latest window, or null when it has none. For tests and tools
   * working on a single window; queries use {@link #heads}.
   */
  public TenantHead find(String tenant) {
    Tenant t = tenants.get(requireNonNull(tenant, "tenant is null"));
    if (t == null || t.live.isEmpty()) {
      return null;
    }
    return new TreeMap<>(t.live).lastEntry().getValue();
  }

  /** Tenants with a head, sorted. */
  public Set<String> tenants() {
    return new TreeSet<>(tenants.keySet());
  }

  /**
   * Cuts every live head whose window ended at or before {@code cutBeforeNanos}: it takes no
   * more writes and is given its block id and covered LSN.
   *
   * @param blockIds supplies a new block id per cut head
   * @param coveredLsn the highest LSN logged so far (no push may be in flight)
   * @return the heads cut now
   */
  public List<TenantHead> cutEnded(long cutBeforeNanos, Supplier<String> blockIds, long coveredLsn) {
    return cut(h -> h.windowEndNanos() <= cutBeforeNanos, blockIds, coveredLsn);
  }

  /** Cuts every live head, whatever its window (at shutdown). */
  public List<TenantHead> cutAll(Supplier<String> blockIds, long coveredLsn) {
    return cut(h -> true, blockIds, coveredLsn);
  }

  private List<TenantHead> cut(Predicate<TenantHead> which,
      Supplier<String> blockIds, long coveredLsn) {
    List<TenantHead> out = new ArrayList<>();
    for (Tenant t : tenants.values()) {
      for (TenantHead h : List.copyOf(t.live.values())) {
        if (which.test(h) && t.live.remove(h.windowStartNanos(), h)) {
          h.markCut(blockIds.get(), coveredLsn);
          t.cut.add(h);
          out.add(h);
        }
      }
    }
    return out;
  }

  /** Cut heads not dropped yet, in no particular order. */
  public List<TenantHead> cutHeads() {
    List<TenantHead> out = new ArrayList<>();
    for (Tenant t : tenants.values()) {
      out.addAll(t.cut);
    }
    return out;
  }

  /** Forgets a cut head (its block is written); queries that already hold it finish normally. */
  public void drop(TenantHead head) {
    Tenant t = tenants.get(head.tenant());
    if (t != null) {
      t.cut.remove(head);
    }
  }

  /** The oldest log segment any head in memory needs, or {@link Long#MAX_VALUE}. */
  public long minSegment() {
    long min = Long.MAX_VALUE;
    for (Tenant t : tenants.values()) {
      for (TenantHead h : t.heads()) {
        min = Math.min(min, h.minSegment());
      }
    }
    return min;
  }

  /** Drops every head and unregisters the tenants' metrics. */
  public void close() {
    for (Tenant t : tenants.values()) {
      t.metrics.close();
    }
    tenants.clear();
  }
}
