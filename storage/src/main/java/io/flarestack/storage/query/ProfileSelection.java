package io.flarestack.storage.query;

import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.types.v1.Location;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.replica.ProfileKeySet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed {@link SelectProfilesRequest}: which series (label selector AND profile type), which
 * profiles (time range, milliseconds, both ends inclusive), which samples (call site prefix,
 * span ids), and for replica de-duplication which profiles count ({@code keep},
 * {@code deduplicate}). Immutable.
 */
final class ProfileSelection {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final ProfileType profileType;
  private final List<Matcher> matchers;
  private final long startMillis;
  private final long endMillis;
  private final List<String> callSite;
  private final long[] spans; // sorted; null = no span filter
  private final ProfileKeySet keep; // null = every profile
  private final boolean deduplicate;

  private ProfileSelection(ProfileType profileType, List<Matcher> matchers, long startMillis, long endMillis,
      List<String> callSite, long[] spans, ProfileKeySet keep, boolean deduplicate) {
    this.profileType = profileType;
    this.matchers = matchers;
    this.startMillis = startMillis;
    this.endMillis = endMillis;
    this.callSite = callSite;
    this.spans = spans;
    this.keep = keep;
    this.deduplicate = deduplicate;
  }

  /**
   * @throws FlarestackException invalid_argument for a bad selector, profile type or span id
   */
  static ProfileSelection parse(SelectProfilesRequest req) {
    Selector selector = Selector.parse(req.getLabelSelector());
    ProfileType type = ProfileType.parse(req.getProfileTypeId());
    List<Matcher> matchers = new ArrayList<>(selector.matchers());
    matchers.add(Matcher.equal(LabelNames.PROFILE_TYPE, type.id()));
    List<String> callSite = List.of();
    if (req.hasStackTraceSelector()) {
      List<String> names = new ArrayList<>();
      for (Location l : req.getStackTraceSelector().getCallSiteList()) {
        names.add(l.getName());
      }
      callSite = List.copyOf(names);
    }
    long[] spans = null;
    if (req.getSpanSelectorCount() > 0) {
      spans = new long[req.getSpanSelectorCount()];
      for (int i = 0; i < spans.length; i++) {
        spans[i] = SpanIds.parse(req.getSpanSelector(i));
      }
      Arrays.sort(spans);
    }
    ProfileKeySet keep = req.hasKeep() ? ProfileKeySet.fromProto(req.getKeep()) : null;
    return new ProfileSelection(type, List.copyOf(matchers), req.getStart(), req.getEnd(), callSite, spans, keep,
        req.getDeduplicate());
  }

  ProfileType profileType() {
    return profileType;
  }

  List<Matcher> matchers() {
    return matchers;
  }

  long startMillis() {
    return startMillis;
  }

  long endMillis() {
    return endMillis;
  }

  List<String> callSite() {
    return callSite;
  }

  /** The profiles the querier assigned to this server; {@code null} = every profile. */
  ProfileKeySet keep() {
    return keep;
  }

  /** Whether this server's sources may hold copies of one profile (block replicas). */
  boolean deduplicate() {
    return deduplicate;
  }

  boolean filtersSpans() {
    return spans != null;
  }

  boolean filtersSamples() {
    return spans != null || !callSite.isEmpty();
  }

  /** First nanosecond of a millisecond, saturating. */
  static long fromMillis(long millis) {
    return saturatedMultiply(millis, NANOS_PER_MILLI);
  }

  /** Last nanosecond of a millisecond, saturating. */
  static long toMillisEnd(long millis) {
    long ns = saturatedMultiply(millis, NANOS_PER_MILLI);
    return ns > Long.MAX_VALUE - (NANOS_PER_MILLI - 1) ? Long.MAX_VALUE : ns + NANOS_PER_MILLI - 1;
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /** Whether the span filter lets sample {@code i} of the row through. */
  boolean spanAccepts(ProfileRowView row, int i) {
    return spans == null || (row.hasSpans() && Arrays.binarySearch(spans, row.spanId(i)) >= 0);
  }
}
