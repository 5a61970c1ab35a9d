package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.errors.FlarestackException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sample_type_config} part of a legacy pprof upload: per pprof sample type, the
 * {@code display-name} that decides the profile name (the other fields, {@code units},
 * {@code aggregation}, {@code cumulative}, {@code sampled}, have no effect in v1).
 *
 * @param displayNames sample type to display name (empty string when the entry has none)
 */
public record SampleTypeConfig(Map<String, String> displayNames) {
  /** Pyroscope's {@code DefaultSampleTypeMapping}, used when no config was uploaded. */
  public static final SampleTypeConfig DEFAULT = new SampleTypeConfig(Map.of(
      "samples", "cpu", "goroutine", "goroutines", "contentions", "mutex_count", "delay", "mutex_duration"));

  private static final ObjectMapper JSON = new ObjectMapper();

  public SampleTypeConfig {
    displayNames = Map.copyOf(requireNonNull(displayNames, "displayNames is null"));
  }

  /**
   * Parses the JSON object keyed by sample type.
   *
   * @throws FlarestackException invalid_argument when it is not such an object
   */
  public static SampleTypeConfig parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw FlarestackException.invalidArgument("invalid sample_type_config: %s", e.getOriginalMessage());
    } catch (IOException e) {
      throw FlarestackException.invalidArgument("invalid sample_type_config: %s", e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw FlarestackException.invalidArgument("invalid sample_type_config: expected a JSON object keyed by sample type");
    }
    Map<String, String> names = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      JsonNode dn = e.getValue() == null ? null : e.getValue().get("display-name");
      names.put(e.getKey(), dn != null && dn.isTextual() ? dn.asText() : "");
    }
    return new SampleTypeConfig(names);
  }

  public boolean has(String sampleType) {
    return displayNames.containsKey(sampleType);
  }

  /**
   * The profile name for a pprof with these sample types (Pyroscope's {@code metricName}): a
   * {@code wall} type wins; otherwise the first type whose (display) name contains {@code cpu}
   * gives {@code process_cpu}, {@code alloc_}/{@code inuse_} or exactly {@code space}/
   * {@code objects} gives {@code memory}, {@code mutex_} {@code mutex}, {@code block_}
   * {@code block}, {@code goroutines} {@code goroutines}; when none matches, the last examined
   * name itself.
   */
  public String metricName(List<String> sampleTypes) {
    for (String st : sampleTypes) {
      if (st.equals("wall")) {
        return st;
      }
    }
    String st = "";
    for (String type : sampleTypes) {
      st = type;
      String display = displayNames.get(type);
      if (display != null && !display.isEmpty()) {
        st = display;
      }
      if (st.contains("cpu")) {
        return "process_cpu";
      }
      if (st.contains("alloc_") || st.contains("inuse_") || st.equals("space") || st.equals("objects")) {
        return "memory";
      }
      if (st.contains("mutex_")) {
        return "mutex";
      }
      if (st.contains("block_")) {
        return "block";
      }
      if (st.contains("goroutines")) {
        return "goroutines";
      }
    }
    return st;
  }
}
