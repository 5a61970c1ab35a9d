package io.flarestack.ingester.testing;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small pprofs by hand. Frames are given root first. A frame "0x…" becomes a location
 * with that address and no lines; a frame "a|b" becomes one location with two inlined lines,
 * {@code a} the outer and {@code b} the inner (stored as line[0] = b, line[1] = a).
 */
public final class TestPprof {
  private final Profile.Builder p = Profile.newBuilder();
  private final Map<String, Integer> strings = new HashMap<>();
  private final Map<String, Long> functions = new HashMap<>();
  private final Map<String, Long> locations = new HashMap<>();

  private TestPprof() {
    str("");
  }

  public static TestPprof cpu() {
    return new TestPprof().sampleType("cpu", "nanoseconds").periodType("cpu", "nanoseconds").period(10_000_000);
  }

  public static TestPprof empty() {
    return new TestPprof();
  }

  public TestPprof sampleType(String type, String unit) {
    p.addSampleType(ValueType.newBuilder().setType(str(type)).setUnit(str(unit)));
    return this;
  }

  public TestPprof periodType(String type, String unit) {
    p.setPeriodType(ValueType.newBuilder().setType(str(type)).setUnit(str(unit)));
    return this;
  }

  public TestPprof period(long period) {
    p.setPeriod(period);
    return this;
  }

  public TestPprof timeMillis(long ms) {
    p.setTimeNanos(ms * 1_000_000L);
    return this;
  }

  public TestPprof sample(long value, String... rootFirst) {
    return sample(new long[] {value}, null, rootFirst);
  }

  public TestPprof sampleWithSpan(String spanId, long value, String... rootFirst) {
    return sample(new long[] {value}, spanId, rootFirst);
  }

  public TestPprof sample(long[] values, String spanId, String... rootFirst) {
    Sample.Builder s = Sample.newBuilder();
    for (long v : values) {
      s.addValue(v);
    }
    for (int i = rootFirst.length - 1; i >= 0; i--) {
      s.addLocationId(location(rootFirst[i]));
    }
    if (spanId != null) {
      s.addLabel(Label.newBuilder().setKey(str("span_id")).setStr(str(spanId)));
    }
    p.addSample(s);
    return this;
  }

  public Profile build() {
    return p.build();
  }

  private long location(String frame) {
    Long id = locations.get(frame);
    if (id != null) {
      return id;
    }
    Location.Builder l = Location.newBuilder().setId(p.getLocationCount() + 1);
    if (frame.startsWith("0x")) {
      l.setAddress(Long.parseUnsignedLong(frame.substring(2), 16));
    } else {
      String[] outerFirst = frame.split("\\|");
      List<String> innerFirst = new ArrayList<>(List.of(outerFirst));
      java.util.Collections.reverse(innerFirst);
      for (String fn : innerFirst) {
        l.addLine(Line.newBuilder().setFunctionId(function(fn)).setLine(1));
      }
    }
    p.addLocation(l);
    locations.put(frame, l.getId());
    return l.getId();
  }

  private long function(String name) {
    Long id = functions.get(name);
    if (id == null) {
      id = (long) p.getFunctionCount() + 1;
      p.addFunction(Function.newBuilder().setId(id).setName(str(name)).setSystemName(str(name)).setFilename(str("main.go")));
      functions.put(name, id);
    }
    return id;
  }

  private int str(String s) {
    Integer i = strings.get(s);
    if (i == null) {
      i = p.getStringTableCount();
      p.addStringTable(s);
      strings.put(s, i);
    }
    return i;
  }
}
