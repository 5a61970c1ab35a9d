package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Converts a JFR recording into pprofs the way Pyroscope's JFR ingestion does (grafana/jfr-parser,
 * pyroscope-api.md §5.3), streaming events through the JDK's reader:
 * <ul>
 *   <li>{@code jdk.ExecutionSample}: {@code process_cpu} unless the thread state is
 *       {@code STATE_SLEEPING} (or absent); also {@code wall} when the recording's {@code event}
 *       setting (seen so far, async-profiler writes settings first) is {@code wall};
 *   <li>{@code profiler.WallClockSample}: {@code wall}, weighted by its {@code samples} field;
 *   <li>{@code jdk.ObjectAllocationInNewTLAB}/{@code OutsideTLAB}/{@code jdk.ObjectAllocationSample}:
 *       {@code memory}, one object and {@code tlabSize}/{@code allocationSize}/{@code weight} bytes;
 *   <li>{@code jdk.JavaMonitorEnter}/{@code jdk.ThreadPark}: {@code mutex}/{@code block}, one
 *       contention and the duration in raw JFR ticks (Pyroscope's unit quirk);
 *   <li>{@code profiler.LiveObject}: {@code memory:live}; {@code profiler.Malloc}: {@code memory:malloc_*}.
 * </ul>
 * CPU and wall values are sample counts × {@code 1e9 / sampleRate} (0 when the rate is 0). Every
 * profile has {@code time_nanos = from} and {@code duration_nanos = until - from} (at least 0). Execution,
 * TLAB and monitor events keep their context labels and span ids as sample labels; other events
 * do not, as in Pyroscope. Events without a stack trace are skipped. Stateless.
 */
final class JfrConverter {
  private static final String SLEEPING = "STATE_SLEEPING";

  private JfrConverter() {}

  /**
   * The converted recording.
   *
   * @param profiles one per profile kind that received samples, with its {@code __name__}
   * @param jfrEvent the recording's {@code event} setting ({@code cpu}, {@code itimer}, {@code wall}, ...),
   *     empty when it has none (the JDK's own recorder)
   */
  record Result(List<NamedProfile> profiles, String jfrEvent) {}

  /** A converted profile and its {@code __name__}. */
  record NamedProfile(String metricName, Profile profile) {}

  /**
   * Reads {@code file}.
   *
   * @param sampleRate samples per second of CPU/wall sampling; 0 zeroes their values
   * @throws IOException when the file is not a readable JFR recording
   */
  static Result convert(Path file, LabelsSnapshot labels, long sampleRate, long fromNanos, long untilNanos)
      throws IOException {
    requireNonNull(labels, "labels is null");
    FrameNames names = new FrameNames();
    Map<ProfileKind, ProfileBuilder> builders = new EnumMap<>(ProfileKind.class);
    Map<EventType, EventKind> kinds = new IdentityHashMap<>();
    Correlation c = new Correlation();
    String event = "";
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        EventKind k = kinds.computeIfAbsent(e.getEventType(), EventKind::of);
        if (k.event() == EventKind.Event.OTHER) {
          continue;
        }
        if (k.event() == EventKind.Event.ACTIVE_SETTING) {
          if ("event".equals(e.getString("name"))) {
            String v = e.getString("value");
            event = v == null ? "" : v;
          }
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null) {
          continue;
        }
        correlation(e, k, c);
        long value = k.valueField() == null ? 0 : e.getLong(k.valueField());
        switch (k.event()) {
          case EXECUTION_SAMPLE -> {
            String state = k.hasState() ? e.getString("state") : null;
            if (state != null && !state.equals(SLEEPING)) {
              builder(builders, ProfileKind.CPU, names).add(stack, c, 1, 0);
            }
            if (event.equals("wall")) {
              builder(builders, ProfileKind.WALL, names).add(stack, c, 1, 0);
            }
          }
          case WALL_CLOCK_SAMPLE -> builder(builders, ProfileKind.WALL, names).add(stack, c, value, 0);
          case ALLOC_IN_NEW_TLAB -> builder(builders, ProfileKind.ALLOC_IN_NEW_TLAB, names).add(stack, c, 1, value);
          case ALLOC_OUTSIDE_TLAB -> builder(builders, ProfileKind.ALLOC_OUTSIDE_TLAB, names).add(stack, c, 1, value);
          case ALLOC_SAMPLE -> builder(builders, ProfileKind.ALLOC_SAMPLE, names).add(stack, c, 1, value);
          case MONITOR_ENTER -> builder(builders, ProfileKind.MUTEX, names).add(stack, c, 1, value);
          case THREAD_PARK -> builder(builders, ProfileKind.BLOCK, names).add(stack, c, 1, value);
          case LIVE_OBJECT -> builder(builders, ProfileKind.LIVE, names).add(stack, c, 1, 0);
          case MALLOC -> builder(builders, ProfileKind.MALLOC, names).add(stack, c, 1, value);
          default -> { }
        }
      }
    }
    long period = sampleRate == 0 ? 0 : 1_000_000_000L / sampleRate;
    ContextLabels contexts = new ContextLabels(labels);
    List<NamedProfile> out = new ArrayList<>(builders.size());
    for (ProfileBuilder b : builders.values()) {
      if (!b.isEmpty()) {
        out.add(new NamedProfile(b.kind().metricName(), b.build(fromNanos, Math.max(0, untilNanos - fromNanos), period, contexts)));
      }
    }
    return new Result(out, event);
  }

  private static void correlation(RecordedEvent e, EventKind k, Correlation c) {
    c.set(k.hasContextId() ? e.getLong("contextId") : 0, k.hasSpanId() ? e.getLong("spanId") : 0,
        k.hasSpanName() ? e.getLong("spanName") : 0, k.hasTraceId() ? e.getLong("traceIdHi") : 0,
        k.hasTraceId() ? e.getLong("traceIdLo") : 0);
  }

  private static ProfileBuilder builder(Map<ProfileKind, ProfileBuilder> builders, ProfileKind kind, FrameNames names) {
    ProfileBuilder b = builders.get(kind);
    if (b == null) {
      b = new ProfileBuilder(kind, names);
      builders.put(kind, b);
    }
    return b;
  }
}
