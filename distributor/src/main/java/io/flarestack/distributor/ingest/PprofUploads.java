package io.flarestack.distributor.ingest;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.distributor.pprof.DecodedProfile;
import io.flarestack.distributor.pprof.PprofDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pprof path of {@code /ingest} (Pyroscope's {@code pprof.RawProfile.ParseToPprof}): the
 * uploaded profile is kept with all its sample types, with these repairs:
 * <ul>
 *   <li>{@code time_nanos} that is 0 or in 1970 (old py-spy, rbspy and pyroscope-rs wrote other
 *       units) becomes {@code from};
 *   <li>for the {@code pyspy}, {@code rbspy} and {@code scripting} spies, function names become
 *       {@code "<file>:-1 - <function>"};
 *   <li>for {@code dotnetspy} (or an unknown spy whose sample type config names
 *       {@code inuse-space}), functions that all have id 0 get their location's id, and {@code -}
 *       in sample type names becomes {@code _}.
 * </ul>
 * Stateless.
 */
public final class PprofUploads {
  private static final long END_OF_1970_NANOS = 365L * 24 * 3600 * 1_000_000_000L;
  private static final String SCRIPTING_SEPARATOR = ":-1 - ";
  /** What one more string costs besides its characters: the string, its table slot and map entry. */
  private static final long NAME_OVERHEAD = 128;

  private PprofUploads() {}

  /**
   * The repaired profile and the profile name its sample types imply.
   *
   * @param bytes the serialized profile to push (the upload itself when nothing was repaired)
   * @param metricName the {@code __name__} derived from the sample types
   */
  public record Upload(byte[] bytes, String metricName) {}

  /**
   * Decodes and repairs an uploaded pprof.
   *
   * @param config the uploaded sample type config, or null
   * @param maxProfileSize {@code max_profile_size_bytes}, 0 for none
   * @param bodyLimit {@code ingestion_body_limit}, 0 for none
   * @param maxSamples {@code max_profile_stacktrace_samples}, 0 for none
   * @throws io.flarestack.distributor.DiscardException when the bytes are not a pprof or too large
   * @throws io.flarestack.common.errors.FlarestackException what {@link RequestMemory#reserve}
   *     throws when the rewritten names do not fit the request's memory
   */
  public static Upload prepare(byte[] data, SampleTypeConfig config, String spyName, long fromNanos,
      long maxProfileSize, long bodyLimit, int maxSamples) {
    DecodedProfile decoded = PprofDecoder.decode(data, maxProfileSize, bodyLimit > 0 ? bodyLimit : Long.MAX_VALUE,
        maxSamples);
    Profile p = decoded.profile();
    Profile.Builder b = null;
    if (p.getTimeNanos() >= 0 && p.getTimeNanos() < END_OF_1970_NANOS) {
      b = p.toBuilder().setTimeNanos(fromNanos);
    }
    if (spyName.equals("pyspy") || spyName.equals("rbspy") || spyName.equals("scripting")) {
      b = rewriteScriptingNames(b != null ? b : p.toBuilder());
    }
    if (spyName.equals("dotnetspy") || (spyName.equals("unknown") && config != null && config.has("inuse-space"))) {
      b = fixDotnet(b != null ? b : p.toBuilder());
    }
    Profile fixed = b == null ? p : b.build();
    SampleTypeConfig names = config != null ? config : SampleTypeConfig.DEFAULT;
    String metric = names.metricName(sampleTypes(fixed));
    return new Upload(b == null ? data : fixed.toByteArray(), metric);
  }

  private static List<String> sampleTypes(Profile p) {
    List<String> out = new ArrayList<>(p.getSampleTypeCount());
    for (ValueType t : p.getSampleTypeList()) {
      out.add(string(p, t.getType()));
    }
    return out;
  }

  // One new string per distinct (file, name) pair, reserved from the request's memory before it
  // is made: every function may pair a long file name with its own name, so a profile within the
  // size limit could otherwise spell gigabytes of names.
  private static Profile.Builder rewriteScriptingNames(Profile.Builder b) {
    RequestMemory memory = RequestMemory.current();
    Map<List<Long>, Integer> added = new HashMap<>();
    for (int i = 0; i < b.getFunctionCount(); i++) {
      Function f = b.getFunction(i);
      List<Long> pair = List.of(f.getFilename(), f.getName());
      Integer idx = added.get(pair);
      if (idx == null) {
        String file = stringOf(b, f.getFilename());
        String function = stringOf(b, f.getName());
        memory.reserve(NAME_OVERHEAD + 2L * (file.length() + SCRIPTING_SEPARATOR.length() + function.length()),
            "the rewritten function names of the profile");
        idx = b.getStringTableCount();
        b.addStringTable(file + SCRIPTING_SEPARATOR + function);
        added.put(pair, idx);
      }
      b.setFunction(i, f.toBuilder().setName(idx));
    }
    return b;
  }

  private static Profile.Builder fixDotnet(Profile.Builder b) {
    boolean allZero = true;
    for (Function f : b.getFunctionList()) {
      allZero &= f.getId() == 0;
    }
    if (allZero && b.getFunctionCount() == b.getLocationCount()) {
      for (int i = 0; i < b.getFunctionCount(); i++) {
        b.setFunction(i, b.getFunction(i).toBuilder().setId(b.getLocation(i).getId()));
      }
    }
    for (ValueType t : b.getSampleTypeList()) {
      long idx = t.getType();
      if (idx >= 0 && idx < b.getStringTableCount() && b.getStringTable((int) idx).indexOf('-') >= 0) {
        b.setStringTable((int) idx, b.getStringTable((int) idx).replace('-', '_'));
      }
    }
    return b;
  }

  private static String string(Profile p, long idx) {
    return idx >= 0 && idx < p.getStringTableCount() ? p.getStringTable((int) idx) : "";
  }

  private static String stringOf(Profile.Builder b, long idx) {
    return idx >= 0 && idx < b.getStringTableCount() ? b.getStringTable((int) idx) : "";
  }
}
