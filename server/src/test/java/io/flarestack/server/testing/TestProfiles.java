package io.flarestack.server.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The shared testdata profiles and expectations computed from them independently of the
 * server's code: totals per sample type and collapsed stacks, read straight from the pprof.
 */
public final class TestProfiles {
  private TestProfiles() {}

  /** The shared testdata folder ({@code ../shared/testdata} from the repository root). */
  public static Path testdata() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("../shared/testdata").normalize();
      if (Files.isDirectory(candidate.resolve("pprof"))) {
        return candidate;
      }
      if (Files.isDirectory(dir.resolve("shared/testdata/pprof"))) {
        return dir.resolve("shared/testdata");
      }
    }
    throw new IllegalStateException("shared testdata not found above " + Path.of("").toAbsolutePath());
  }

  /** One pprof input file; {@code profile} is null when protobuf cannot parse it (invalid UTF-8). */
  public record Input(String name, Path path, byte[] bytes, Profile profile) {
    /** A name usable in labels and service names. */
    public String id() {
      return name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    public int sampleTypeCount() {
      return profile.getSampleTypeCount();
    }

    public String sampleType(int i) {
      return profile.getStringTable((int) profile.getSampleType(i).getType());
    }

    public String sampleUnit(int i) {
      return profile.getStringTable((int) profile.getSampleType(i).getUnit());
    }
  }

  /** Every pprof file under testdata/pprof (not the sample-type configs), sorted by path. */
  public static List<Input> pprofFiles() {
    Path root = testdata().resolve("pprof");
    try (Stream<Path> files = Files.walk(root)) {
      List<Input> out = new ArrayList<>();
      for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".json")).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(p);
        Profile parsed;
        try {
          parsed = Profile.parseFrom(gunzipIfNeeded(bytes));
        } catch (InvalidProtocolBufferException e) {
          parsed = null;
        }
        out.add(new Input(root.relativize(p).toString(), p, bytes, parsed));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gunzipIfNeeded(byte[] b) {
    if (b.length < 2 || b[0] != (byte) 0x1f || b[1] != (byte) 0x8b) {
      return b;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The sum of sample value {@code index} over all samples. */
  public static long total(Profile p, int index) {
    long t = 0;
    for (Sample s : p.getSampleList()) {
      t += s.getValue(index);
    }
    return t;
  }

  /**
   * Collapsed stacks for value {@code index}: function names root first, joined by {@code ;}; a
   * location with several lines contributes them innermost last; a location without lines is
   * named by its address in hex (ids are renumbered by any merge, addresses are not). Zero values
   * dropped, identical stacks summed.
   */
  public static Map<String, Long> collapsed(Profile p, int index) {
    Map<Long, Location> locations = new HashMap<>();
    for (Location l : p.getLocationList()) {
      locations.put(l.getId(), l);
    }
    Map<Long, Function> functions = new HashMap<>();
    for (Function f : p.getFunctionList()) {
      functions.put(f.getId(), f);
    }
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : p.getSampleList()) {
      long v = s.getValue(index);
      if (v == 0) {
        continue;
      }
      List<String> frames = new ArrayList<>();
      for (int i = s.getLocationIdCount() - 1; i >= 0; i--) {
        Location l = locations.get(s.getLocationId(i));
        if (l.getLineCount() == 0) {
          frames.add("0x" + Long.toHexString(l.getAddress()));
          continue;
        }
        for (int j = l.getLineCount() - 1; j >= 0; j--) {
          Line line = l.getLine(j);
          Function f = functions.get(line.getFunctionId());
          frames.add(f == null ? "?" : p.getStringTable((int) f.getName()));
        }
      }
      out.merge(String.join(";", frames), v, Long::sum);
    }
    return out;
  }

  /** The profile with its timestamp moved (the server rejects profiles older than an hour). */
  public static Profile at(Profile p, long timeNanos) {
    return p.toBuilder().setTimeNanos(timeNanos).build();
  }
}
