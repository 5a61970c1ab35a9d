package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.model.LabelNames;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * Accumulates the samples of one {@link ProfileKind} and builds its pprof. Events with the same
 * stack (the JDK reader shares one object per stack trace) and the same {@link Correlation} add
 * up into one sample, so the per-event cost is an identity lookup and an addition. Sample labels:
 * the context's labels, {@code profile_id} (the span id as 16 hex digits), {@code span_name} and
 * {@code trace_id} (32 hex digits). Not thread-safe.
 */
final class ProfileBuilder {
  private final ProfileKind kind;
  private final Symbols symbols;
  private final int width;
  private final Map<RecordedStackTrace, Stack> stacks = new IdentityHashMap<>();
  private Stack[] sampleStacks = new Stack[64];
  private Correlation[] correlations = new Correlation[64];
  private long[] values;
  private int count;

  /** The locations of one distinct stack and the samples that use it. */
  private static final class Stack {
    final long[] locationIds;
    int plainSample = -1; // the sample without correlation
    Map<Correlation, Integer> correlated;

    Stack(long[] locationIds) {
      this.locationIds = locationIds;
    }
  }

  ProfileBuilder(ProfileKind kind, FrameNames names) {
    this.kind = requireNonNull(kind, "kind is null");
    this.symbols = new Symbols(names);
    this.width = kind.valueCount();
    this.values = new long[64 * width];
  }

  ProfileKind kind() {
    return kind;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /**
   * Adds one event.
   *
   * @param c the event's correlation; copied when kept, so the caller may reuse it
   * @param v0 the first value (a count)
   * @param v1 the second value, ignored by single-valued kinds
   */
  void add(RecordedStackTrace stack, Correlation c, long v0, long v1) {
    Stack s = stacks.get(stack);
    if (s == null) {
      s = new Stack(symbols.locationIds(stack));
      stacks.put(stack, s);
    }
    int i;
    if (c.isZero()) {
      if (s.plainSample < 0) {
        s.plainSample = newSample(s, null);
      }
      i = s.plainSample;
    } else {
      if (s.correlated == null) {
        s.correlated = new HashMap<>();
      }
      Integer known = s.correlated.get(c);
      if (known == null) {
        Correlation key = c.copy();
        known = newSample(s, key);
        s.correlated.put(key, known);
      }
      i = known;
    }
    values[i * width] += v0;
    if (width > 1) {
      values[i * width + 1] += v1;
    }
  }

  private int newSample(Stack s, Correlation c) {
    if (count == sampleStacks.length) {
      sampleStacks = Arrays.copyOf(sampleStacks, count * 2);
      correlations = Arrays.copyOf(correlations, count * 2);
      values = Arrays.copyOf(values, count * 2 * width);
    }
    sampleStacks[count] = s;
    correlations[count] = c;
    return count++;
  }

  /**
   * The pprof of the samples so far.
   *
   * @param period the sampling period in nanoseconds that scales counts of timed kinds
   */
  Profile build(long timeNanos, long durationNanos, long period, ContextLabels labels) {
    Profile.Builder b = Profile.newBuilder().setTimeNanos(timeNanos).setDurationNanos(durationNanos);
    List<String> types = kind.sampleTypes();
    for (int t = 0; t < types.size(); t += 2) {
      b.addSampleType(valueType(types.get(t), types.get(t + 1)));
    }
    if (kind.periodType() != null) {
      b.setPeriodType(valueType(kind.periodType(), kind.periodUnit()));
    }
    if (kind.timed()) {
      b.setPeriod(period);
    }
    long scale = kind.timed() ? period : 1;
    for (int i = 0; i < count; i++) {
      Sample.Builder sb = Sample.newBuilder();
      for (long id : sampleStacks[i].locationIds) {
        sb.addLocationId(id);
      }
      for (int v = 0; v < width; v++) {
        sb.addValue(values[i * width + v] * scale);
      }
      Correlation c = correlations[i];
      if (c != null) {
        addLabels(sb, c, labels);
      }
      b.addSample(sb);
    }
    symbols.writeTo(b);
    return b.build();
  }

  private void addLabels(Sample.Builder sb, Correlation c, ContextLabels labels) {
    String[] pairs = labels.labels(c.contextId);
    for (int p = 0; p < pairs.length; p += 2) {
      sb.addLabel(label(pairs[p], pairs[p + 1]));
    }
    if (c.spanId != 0) {
      sb.addLabel(label(LabelNames.PROFILE_ID, Hex.of(c.spanId)));
    }
    if (c.spanName != 0) {
      String name = labels.string(c.spanName);
      if (!name.isEmpty()) {
        sb.addLabel(label(LabelNames.SPAN_NAME, name));
      }
    }
    if (c.traceIdHi != 0 || c.traceIdLo != 0) {
      sb.addLabel(label(LabelNames.TRACE_ID, Hex.of(c.traceIdHi) + Hex.of(c.traceIdLo)));
    }
  }

  private Label label(String key, String value) {
    return Label.newBuilder().setKey(symbols.string(key)).setStr(symbols.string(value)).build();
  }

  private ValueType valueType(String type, String unit) {
    return ValueType.newBuilder().setType(symbols.string(type)).setUnit(symbols.string(unit)).build();
  }

  /** Lower-case, zero-padded hex of 64-bit ids. */
  static final class Hex {
    private Hex() {}

    static String of(long v) {
      String s = Long.toHexString(v);
      return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
    }
  }
}
