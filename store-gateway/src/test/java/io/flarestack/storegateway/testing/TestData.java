package io.flarestack.storegateway.testing;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/** Real profiles from the shared test data, and independent readings of them. */
public final class TestData {
  private TestData() {}

  public static Profile pprof(String relativePath) {
    try {
      Path root = Path.of("/work/shared/testdata");
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolveSibling("shared").resolve("testdata").resolve("pprof"))) {
          root = p.resolveSibling("shared").resolve("testdata");
          break;
        }
      }
      byte[] bytes = Files.readAllBytes(root.resolve(relativePath));
      if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return Profile.parseFrom(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static long total(Profile p, int valueIndex) {
    long t = 0;
    for (Sample s : p.getSampleList()) {
      t += s.getValue(valueIndex);
    }
    return t;
  }

  /** Collapsed stacks: function names root first joined by ';'; unsymbolized frames as 0x address. */
  public static Map<String, Long> collapse(Profile p, int valueIndex) {
    Map<Long, Location> locs = new HashMap<>();
    for (Location l : p.getLocationList()) {
      locs.put(l.getId(), l);
    }
    Map<Long, Function> fns = new HashMap<>();
    for (Function f : p.getFunctionList()) {
      fns.put(f.getId(), f);
    }
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : p.getSampleList()) {
      long v = s.getValue(valueIndex);
      if (v == 0) {
        continue;
      }
      List<String> leafFirst = new ArrayList<>();
      for (long id : s.getLocationIdList()) {
        Location l = locs.get(id);
        if (l.getLineCount() == 0) {
          leafFirst.add("0x" + Long.toHexString(l.getAddress()));
        }
        for (int j = 0; j < l.getLineCount(); j++) {
          leafFirst.add(p.getStringTable((int) fns.get(l.getLine(j).getFunctionId()).getName()));
        }
      }
      Collections.reverse(leafFirst);
      out.merge(String.join(";", leafFirst), v, Long::sum);
    }
    out.values().removeIf(x -> x == 0);
    return out;
  }
}
