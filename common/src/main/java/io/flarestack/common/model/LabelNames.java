package io.flarestack.common.model;

/** Reserved label names with special meaning on the write and read paths. */
public final class LabelNames {
  public static final String METRIC_NAME = "__name__";
  public static final String SERVICE_NAME = "service_name";
  public static final String PROFILE_TYPE = "__profile_type__";
  public static final String TYPE = "__type__";
  public static final String UNIT = "__unit__";
  public static final String PERIOD_TYPE = "__period_type__";
  public static final String PERIOD_UNIT = "__period_unit__";
  public static final String SERVICE_NAME_PRIVATE = "__service_name__";
  public static final String DELTA = "__delta__";
  public static final String OTEL = "__otel__";
  public static final String ORDER = "__order__";
  public static final String SESSION_ID = "__session_id__";
  public static final String PYROSCOPE_SPY = "pyroscope_spy";
  public static final String APP_NAME = "app_name";
  public static final String JFR_EVENT = "jfr_event";
  public static final String SPAN_ID = "span_id";
  public static final String SPAN_NAME = "span_name";
  public static final String TRACE_ID = "trace_id";
  public static final String PROFILE_ID = "profile_id";
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private LabelNames() {}

  /** Whether {@code name} is a legacy Prometheus label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}). */
  public static boolean isLegacyName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
