package io.flarestack.distributor.ingest.jfr;

import jdk.jfr.EventType;

/**
 * How an event type of a recording is converted, decided once per type: which profile it feeds,
 * which field carries its second value, and which correlation fields it has (async-profiler 4
 * adds {@code contextId}, {@code spanId}, {@code spanName}, {@code traceIdHi}/{@code Lo}; older
 * recordings and the JDK's own recorder lack some or all of them).
 *
 * @param event what the event is
 * @param valueField the field read as the second value (bytes or duration), or null
 * @param correlated whether Pyroscope keeps the event's correlation (context labels and spans)
 */
record EventKind(Event event, String valueField, boolean correlated, boolean hasState, boolean hasContextId,
    boolean hasSpanId, boolean hasSpanName, boolean hasTraceId) {

  /** The JFR events Pyroscope converts, and the setting that names the profiling event. */
  enum Event {
    EXECUTION_SAMPLE, WALL_CLOCK_SAMPLE, ALLOC_IN_NEW_TLAB, ALLOC_OUTSIDE_TLAB, ALLOC_SAMPLE, MONITOR_ENTER,
    THREAD_PARK, LIVE_OBJECT, MALLOC, ACTIVE_SETTING, OTHER
  }

  static final EventKind OTHER = new EventKind(Event.OTHER, null, false, false, false, false, false, false);

  static EventKind of(EventType type) {
    return switch (type.getName()) {
      case "jdk.ExecutionSample" -> kind(type, Event.EXECUTION_SAMPLE, null, true);
      case "profiler.WallClockSample" -> kind(type, Event.WALL_CLOCK_SAMPLE, "samples", false);
      case "jdk.ObjectAllocationInNewTLAB" -> kind(type, Event.ALLOC_IN_NEW_TLAB, "tlabSize", true);
      case "jdk.ObjectAllocationOutsideTLAB" -> kind(type, Event.ALLOC_OUTSIDE_TLAB, "allocationSize", true);
      case "jdk.ObjectAllocationSample" -> kind(type, Event.ALLOC_SAMPLE, "weight", false);
      case "jdk.JavaMonitorEnter" -> kind(type, Event.MONITOR_ENTER, "duration", true);
      case "jdk.ThreadPark" -> kind(type, Event.THREAD_PARK, "duration", false);
      case "profiler.LiveObject" -> kind(type, Event.LIVE_OBJECT, null, false);
      case "profiler.Malloc" -> kind(type, Event.MALLOC, "size", false);
      case "jdk.ActiveSetting" -> type.getField("name") != null && type.getField("value") != null
          ? new EventKind(Event.ACTIVE_SETTING, null, false, false, false, false, false, false) : OTHER;
      default -> OTHER;
    };
  }

  private static EventKind kind(EventType type, Event event, String valueField, boolean correlated) {
    if (type.getField("stackTrace") == null) {
      return OTHER;
    }
    return new EventKind(event, valueField != null && type.getField(valueField) != null ? valueField : null,
        correlated, has(type, "state"), correlated && has(type, "contextId"), correlated && has(type, "spanId"),
        correlated && has(type, "spanName"), correlated && has(type, "traceIdHi") && has(type, "traceIdLo"));
  }

  private static boolean has(EventType type, String field) {
    return type.getField(field) != null;
  }
}
