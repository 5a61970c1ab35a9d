package io.flarestack.server;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Profiles from the shared test data and facts read straight from them (self per function =
 * the values of samples whose leaf is that function), as independent expectations.
 */
public final class TestProfiles {
  private TestProfiles() {}

  public static int valueIndex(Profile p, String type, String unit) {
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      if (p.getStringTable((int) p.getSampleType(i).getType()).equals(type)
          && p.getStringTable((int) p.getSampleType(i).getUnit()).equals(unit)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + type + "/" + unit + " values");
  }

  public static Map<String, Long> selfByFunction(Profile p, int index) {
    Map<Long, String> leaf = leafNames(p);
    Map<String, Long> self = new HashMap<>();
    for (Sample s : p.getSampleList()) {
      if (s.getLocationIdCount() > 0 && s.getValue(index) != 0) {
        self.merge(leaf.get(s.getLocationId(0)), s.getValue(index), Long::sum);
      }
    }
    return self;
  }

  public static Set<String> allFunctions(Profile p, int index) {
    Map<Long, Location> locations = new HashMap<>();
    p.getLocationList().forEach(l -> locations.put(l.getId(), l));
    Map<Long, String> functions = functionNames(p);
    Set<String> out = new HashSet<>();
    for (Sample s : p.getSampleList()) {
      if (s.getValue(index) == 0) {
        continue;
      }
      for (long id : s.getLocationIdList()) {
        locations.get(id).getLineList().forEach(line -> out.add(functions.get(line.getFunctionId())));
      }
    }
    return out;
  }

  /** Location id to the name of its innermost (first) line's function. */
  private static Map<Long, String> leafNames(Profile p) {
    Map<Long, String> functions = functionNames(p);
    Map<Long, String> out = new HashMap<>();
    for (Location l : p.getLocationList()) {
      out.put(l.getId(), functions.get(l.getLine(0).getFunctionId()));
    }
    return out;
  }

  private static Map<Long, String> functionNames(Profile p) {
    Map<Long, String> out = new HashMap<>();
    p.getFunctionList().forEach(f -> out.put(f.getId(), p.getStringTable((int) f.getName())));
    return out;
  }

  public static Profile profile(String relative) throws IOException {
    byte[] raw = Files.readAllBytes(testData().resolve(relative));
    if (raw.length > 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    return Profile.parseFrom(raw);
  }

  public static Path testData() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("testdata");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Paths.get("/work/shared/testdata");
  }
}
