package io.flarestack.common.model.flamegraph;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The legacy flamebearer JSON of {@code /pyroscope/render} and {@code /pyroscope/render-diff}
 * (Pyroscope's {@code ExportToFlamebearer} / {@code ExportDiffToFlamebearer} encoded by Go's
 * {@code encoding/json}): keys in Go's field order, integers as JSON numbers, map keys sorted,
 * {@code leftTicks}/{@code rightTicks} omitted when 0. Stateless and thread-safe; returns trees
 * the caller serialises with any {@code ObjectMapper}.
 */
public final class Flamebearer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Flamebearer() {}

  /**
   * The {@code /pyroscope/render} body.
   *
   * @param timeline the main timeline, or null for {@code "timeline": null}
   * @param groups timelines by the first group-by label's value, or null for {@code "groups": null}
   */
  public static ObjectNode render(FlameGraph flameGraph, ProfileType type, Timeline timeline, Map<String, Timeline> groups) {
    requireNonNull(flameGraph, "flameGraph is null");
    requireNonNull(type, "type is null");
    ObjectNode root = JSON.objectNode();
    root.put("version", 1);
    root.set("flamebearer", flamebearer(flameGraph.getNamesList(), flameGraph.getLevelsList(), flameGraph.getTotal(), flameGraph.getMaxSelf()));
    root.set("metadata", metadata("single", type));
    root.set("timeline", timeline == null ? JSON.nullNode() : timeline(timeline));
    if (groups == null) {
      root.putNull("groups");
    } else {
      ObjectNode g = root.putObject("groups");
      List<String> keys = new ArrayList<>(groups.keySet());
      keys.sort(CallTree::compareUtf8);
      for (String k : keys) {
        g.set(k, timeline(requireNonNull(groups.get(k), "group timeline is null")));
      }
    }
    root.putNull("heatmap");
    return root;
  }

  /** The {@code /pyroscope/render-diff} body: format "double", 7-tuples, no timeline. */
  public static ObjectNode renderDiff(FlameGraphDiff diff, ProfileType type) {
    requireNonNull(diff, "diff is null");
    requireNonNull(type, "type is null");
    ObjectNode root = JSON.objectNode();
    root.put("version", 1);
    root.set("flamebearer", flamebearer(diff.getNamesList(), diff.getLevelsList(), diff.getTotal(), diff.getMaxSelf()));
    root.set("metadata", metadata("double", type));
    root.putNull("timeline");
    root.putNull("groups");
    root.putNull("heatmap");
    if (diff.getLeftTicks() != 0) {
      root.put("leftTicks", diff.getLeftTicks());
    }
    if (diff.getRightTicks() != 0) {
      root.put("rightTicks", diff.getRightTicks());
    }
    return root;
  }

  private static ObjectNode flamebearer(List<String> names, List<Level> levels, long total, long maxSelf) {
    ObjectNode fb = JSON.objectNode();
    ArrayNode n = fb.putArray("names");
    for (String name : names) {
      n.add(name);
    }
    ArrayNode ls = fb.putArray("levels");
    for (Level level : levels) {
      ArrayNode l = ls.addArray();
      for (int i = 0; i < level.getValuesCount(); i++) {
        l.add(level.getValues(i));
      }
    }
    fb.put("numTicks", total);
    fb.put("maxSelf", maxSelf);
    return fb;
  }

  private static ObjectNode metadata(String format, ProfileType type) {
    String units = type.sampleUnit();
    long sampleRate = 100;
    switch (type.sampleType()) {
      case "inuse_objects", "alloc_objects", "goroutine", "samples" -> units = "objects";
      case "cpu" -> {
        units = "samples";
        sampleRate = 1_000_000_000L;
      }
      default -> {}
    }
    ObjectNode m = JSON.objectNode();
    m.put("format", format);
    m.put("spyName", "");
    m.put("sampleRate", sampleRate);
    m.put("units", units);
    m.put("name", type.sampleType());
    return m;
  }

  private static ObjectNode timeline(Timeline t) {
    ObjectNode o = JSON.objectNode();
    o.put("startTime", t.startTime());
    ArrayNode s = o.putArray("samples");
    for (int i = 0; i < t.sampleCount(); i++) {
      s.add(t.sample(i));
    }
    o.put("durationDelta", t.durationDelta());
    o.putNull("watermarks");
    return o;
  }
}
