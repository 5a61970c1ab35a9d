package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a real template profile into the upload of one pod at one time, deterministically from
 * (seed, service, deploy generation, upload sequence), with the stack churn of the reference
 * (§6.1):
 *
 * <ul>
 *   <li>per service: a template with {@link Template#subset()} below 1 keeps that fraction of its
 *       samples and only the symbols they reference; half of the functions get a service-specific name (services run different
 *       code on a shared runtime);
 *   <li>per deploy (every 6 h): 30% of the locations move (address and line numbers change), so
 *       each deploy brings new locations and stacks;
 *   <li>per upload: 70-95% of the template's samples are kept, their values get +-20% noise (at
 *       least 1), and about 1% of them get
 *       a new leaf frame from a per-service pool of 2,000 handler functions, so the set of distinct
 *       stacks grows and then saturates as in a real service.
 * </ul>
 *
 * <p>Cheap per upload: the symbol tables of a (template, service, deploy) are serialised once and
 * cached; an upload serialises only its samples, new frames and times, and the two byte strings
 * are concatenated (protobuf merges repeated fields of concatenated messages, so the result is
 * one valid pprof whose new string, function and location ids follow the cached ones).
 * Thread-safe.
 */
public final class Mutator {
  /** Fraction of functions renamed per service. */
  static final double RENAMED_FUNCTIONS = 0.5;
  /** Fraction of locations moved per deploy. */
  static final double MOVED_LOCATIONS = 0.3;
  /** Fraction of kept samples that get a new leaf frame. */
  static final double NEW_LEAF = 0.01;
  /** Distinct new leaf functions per service. */
  static final int LEAF_POOL = 2000;
  static final double MIN_KEEP = 0.70;
  static final double MAX_KEEP = 0.95;

  private final long seed;
  private final Map<BaseKey, Base> bases = new ConcurrentHashMap<>();

  public Mutator(long seed) {
    this.seed = seed;
  }

  private record BaseKey(String template, int service, long deploy) {}

  /** Symbol tables of a template for one service and deploy, plus what an upload appends to. */
  private record Base(byte[] tables, List<Sample> samples, long nextLocationId, long nextFunctionId,
      int stringCount) {}

  /**
   * The serialised (not gzipped) pprof of one upload.
   *
   * @param service service index (renames functions)
   * @param upload a number unique per upload of that service (picks samples and values)
   * @param timeNanos the profile's {@code time_nanos}; also picks the deploy generation
   * @param durationNanos the profile's {@code duration_nanos}
   */
  public byte[] upload(Template template, int service, long upload, long timeNanos, long durationNanos) {
    requireNonNull(template, "template is null");
    long deploy = Fleet.deployGeneration(timeNanos);
    Base base = bases.computeIfAbsent(new BaseKey(template.name(), service, deploy),
        k -> base(template, service, deploy));
    SplittableRandom rnd = new SplittableRandom(Mix.hash(seed, 11, service, upload, template.name().hashCode()));
    double keep = MIN_KEEP + (MAX_KEEP - MIN_KEEP) * rnd.nextDouble();
    Profile.Builder out = Profile.newBuilder().setTimeNanos(timeNanos).setDurationNanos(durationNanos);
    Map<Integer, Long> leafLocations = new HashMap<>();
    for (Sample s : base.samples) {
      if (rnd.nextDouble() >= keep) {
        continue;
      }
      Sample.Builder b = Sample.newBuilder().addAllLabel(s.getLabelList());
      if (rnd.nextDouble() < NEW_LEAF) {
        int leaf = rnd.nextInt(LEAF_POOL);
        Long loc = leafLocations.get(leaf);
        if (loc == null) {
          loc = addLeaf(out, base, leafLocations.size(), service, leaf);
          leafLocations.put(leaf, loc);
        }
        b.addLocationId(loc);
      }
      b.addAllLocationId(s.getLocationIdList());
      resample(s, b, rnd);
      out.addSample(b);
    }
    byte[] part = out.build().toByteArray();
    byte[] all = new byte[base.tables.length + part.length];
    System.arraycopy(base.tables, 0, all, 0, base.tables.length);
    System.arraycopy(part, 0, all, base.tables.length, part.length);
    return all;
  }

  // One new function, its name string and one location calling it; ids follow the base tables.
  private static long addLeaf(Profile.Builder out, Base base, int index, int service, int leaf) {
    long stringId = base.stringCount + index;
    long functionId = base.nextFunctionId + index;
    long locationId = base.nextLocationId + index;
    out.addStringTable("svc" + service + "/handlers.handle" + leaf);
    out.addFunction(Function.newBuilder().setId(functionId).setName(stringId).setSystemName(stringId)
        .setStartLine(10 + leaf));
    out.addLocation(Location.newBuilder().setId(locationId).setAddress(0x7f00_0000_0000L + 16L * leaf)
        .addLine(Line.newBuilder().setFunctionId(functionId).setLine(12 + leaf)));
    return locationId;
  }

  // Noise of +-20% (one sd) on the first value, never below 1 and without bias for the many
  // samples of count 1; the other values keep their ratio to it.
  private static void resample(Sample s, Sample.Builder b, SplittableRandom rnd) {
    int n = s.getValueCount();
    if (n == 0) {
      return;
    }
    long first = s.getValue(0);
    double f = Math.max(0.2, 1 + 0.2 * rnd.nextGaussian());
    double factor = first > 0 ? Math.max(1, Math.round(first * f)) / (double) first : f;
    for (int i = 0; i < n; i++) {
      long v = s.getValue(i);
      b.addValue(v == 0 ? 0 : Math.max(1, Math.round(v * factor)));
    }
  }

  private Base base(Template t, int service, long deploy) {
    Profile template = t.profile();
    if (t.subset() < 1) {
      List<Sample> subset = new java.util.ArrayList<>();
      for (int i = 0; i < template.getSampleCount(); i++) {
        if (Mix.unit(Mix.hash(seed, 24, service, i)) < t.subset()) {
          subset.add(template.getSample(i));
        }
      }
      template = Pruner.prune(template, subset);
    }
    Profile.Builder b = template.toBuilder().clearSample().clearTimeNanos().clearDurationNanos();
    int strings = b.getStringTableCount();
    long maxFunction = 0;
    for (int i = 0; i < b.getFunctionCount(); i++) {
      Function f = b.getFunction(i);
      maxFunction = Math.max(maxFunction, f.getId());
      if (Mix.unit(Mix.hash(seed, 21, service, f.getId())) < RENAMED_FUNCTIONS && f.getName() > 0) {
        String renamed = "svc" + service + "/" + template.getStringTable((int) f.getName());
        b.addStringTable(renamed);
        long id = b.getStringTableCount() - 1L;
        b.setFunction(i, f.toBuilder().setName(id).setSystemName(id));
      }
    }
    long maxLocation = 0;
    for (int i = 0; i < b.getLocationCount(); i++) {
      Location l = b.getLocation(i);
      maxLocation = Math.max(maxLocation, l.getId());
      if (deploy != 0 && Mix.unit(Mix.hash(seed, 22, service, deploy, l.getId())) < MOVED_LOCATIONS) {
        int shift = 1 + Mix.bounded(Mix.hash(seed, 23, service, deploy), 40);
        Location.Builder lb = l.toBuilder();
        if (l.getAddress() != 0) {
          lb.setAddress(l.getAddress() + 16L * shift);
        }
        for (int j = 0; j < lb.getLineCount(); j++) {
          Line line = lb.getLine(j);
          lb.setLine(j, line.toBuilder().setLine(line.getLine() + shift));
        }
        b.setLocation(i, lb);
      }
    }
    int stringCount = b.getStringTableCount();
    return new Base(b.build().toByteArray(), template.getSampleList(), maxLocation + 1, maxFunction + 1,
        Math.max(stringCount, strings));
  }
}
