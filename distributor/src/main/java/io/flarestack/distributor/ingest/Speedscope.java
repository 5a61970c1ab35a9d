package io.flarestack.distributor.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a speedscope JSON file (schema {@value #SCHEMA}) into stacks with summed weights, one
 * entry per profile. Profiles of the same name, type, unit and start value are merged (Pyroscope
 * does this so that they do not collide as identical series); the result is ordered by start
 * value. {@code evented} profiles weigh each stack by the time between consecutive events while
 * it is the open stack; {@code sampled} profiles add each sample's weight to its stack. Frames are
 * named by {@code shared.frames[i].name}; stacks are root-first and {@code ;}-joined. Stateless.
 */
public final class Speedscope {
  static final String SCHEMA = "https://www.speedscope.app/file-format-schema.json";
  static final Set<String> UNITS = Set.of("none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What keeping one stack costs besides its characters: the string, its map entry and value. */
  private static final long STACK_OVERHEAD = 96;

  private Speedscope() {}

  /**
   * One (merged) profile.
   *
   * @param name the profile's {@code name}
   * @param unit its {@code unit}, one of {@link #UNITS}
   * @param weights stack to summed weight, in {@code unit}
   */
  public record Profile(String name, String unit, Map<String, Double> weights) {}

  /**
   * @throws FlarestackException invalid_argument naming what is wrong: not JSON, another schema,
   *     an unknown profile type or unit, a frame index out of range, events out of order or not
   *     nested, samples and weights of different lengths, a negative weight; what
   *     {@link RequestMemory#reserve} throws when the stacks do not fit the request's memory
   */
  public static List<Profile> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw FlarestackException.invalidArgument("the speedscope body is not valid JSON: %s", e.getOriginalMessage());
    } catch (IOException e) {
      throw FlarestackException.invalidArgument("the speedscope body cannot be read: %s", e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw FlarestackException.invalidArgument("the speedscope body is not a JSON object");
    }
    String schema = root.path("$schema").asText("");
    if (!schema.equals(SCHEMA)) {
      throw FlarestackException.invalidArgument("unknown speedscope schema \"%s\"; expected %s", schema, SCHEMA);
    }
    List<String> frames = new ArrayList<>();
    for (JsonNode f : root.path("shared").path("frames")) {
      frames.add(f.path("name").asText(""));
    }
    Map<List<Object>, Merged> merged = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode p : root.path("profiles")) {
      String type = p.path("type").asText("");
      String unit = p.path("unit").asText("");
      String name = p.path("name").asText("");
      double start = p.path("startValue").asDouble(0);
      if (!UNITS.contains(unit)) {
        throw FlarestackException.invalidArgument("speedscope profile %d (%s): unknown unit \"%s\"; known units: %s",
            i, name, unit, String.join(", ", List.of("none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes")));
      }
      Merged m = merged.computeIfAbsent(List.of(name, type, unit, start), k -> new Merged(name, unit, start));
      switch (type) {
        case "evented" -> evented(p, frames, m.weights, i, name, start);
        case "sampled" -> sampled(p, frames, m.weights, i, name);
        default -> throw FlarestackException.invalidArgument(
            "speedscope profile %d (%s): type \"%s\" is not supported (evented or sampled)", i, name, type);
      }
      i++;
    }
    List<Merged> ordered = new ArrayList<>(merged.values());
    ordered.sort(Comparator.comparingDouble(m -> m.start));
    List<Profile> out = new ArrayList<>(ordered.size());
    for (Merged m : ordered) {
      out.add(new Profile(m.name, m.unit, m.weights));
    }
    return out;
  }

  private static void evented(JsonNode p, List<String> frames, Map<String, Double> weights, int index, String name,
      double start) {
    List<Integer> open = new ArrayList<>();
    List<String> stack = new ArrayList<>();
    double last = start;
    for (JsonNode ev : p.path("events")) {
      double at = ev.path("at").asDouble();
      if (at < last) {
        throw invalid(index, name, "events out of order: %s < %s", at, last);
      }
      int frame = frame(ev.path("frame"), frames, index, name);
      if (!stack.isEmpty()) {
        add(weights, stack, at - last);
      }
      switch (ev.path("type").asText("")) {
        case "O" -> {
          open.add(frame);
          stack.add(frames.get(frame));
        }
        case "C" -> {
          if (open.isEmpty()) {
            throw invalid(index, name, "no open frame to close at %s", at);
          }
          if (open.get(open.size() - 1) != frame) {
            throw invalid(index, name, "closing frame %d at %s, but frame %d is the innermost open one", frame, at,
                open.get(open.size() - 1));
          }
          open.remove(open.size() - 1);
          stack.remove(stack.size() - 1);
        }
        default -> throw invalid(index, name, "unknown event type \"%s\" (O or C)", ev.path("type").asText(""));
      }
      last = at;
    }
  }

  private static void sampled(JsonNode p, List<String> frames, Map<String, Double> weights, int index, String name) {
    JsonNode samples = p.path("samples");
    JsonNode w = p.path("weights");
    if (samples.size() != w.size()) {
      throw invalid(index, name, "%d samples but %d weights", samples.size(), w.size());
    }
    List<String> stack = new ArrayList<>();
    for (int s = 0; s < samples.size(); s++) {
      double weight = w.get(s).asDouble();
      if (weight < 0) {
        throw invalid(index, name, "negative weight %s", weight);
      }
      stack.clear();
      for (JsonNode f : samples.get(s)) {
        stack.add(frames.get(frame(f, frames, index, name)));
      }
      if (!stack.isEmpty()) {
        add(weights, stack, weight);
      }
    }
  }

  private static int frame(JsonNode f, List<String> frames, int index, String name) {
    if (!f.canConvertToInt() || f.asInt() < 0 || f.asInt() >= frames.size()) {
      throw invalid(index, name, "frame %s is not an index into shared.frames (%d frames)", f, frames.size());
    }
    return f.asInt();
  }

  // The stack is reserved from the request's memory before it is joined, and kept reserved when it
  // is new: a frame may repeat in a stack and stacks may grow event by event, so a small body
  // could otherwise spell gigabytes of stacks.
  private static void add(Map<String, Double> weights, List<String> stack, double w) {
    if (w > 0) {
      long chars = stack.size() - 1;
      for (String f : stack) {
        chars += f.length();
      }
      long cost = STACK_OVERHEAD + 2 * chars;
      RequestMemory memory = RequestMemory.current();
      memory.reserve(cost, "the stacks of the speedscope body");
      String key = String.join(";", stack);
      if (weights.containsKey(key)) {
        memory.release(cost);
      }
      weights.merge(key, w, Double::sum);
    }
  }

  private static FlarestackException invalid(int index, String name, String message, Object... args) {
    // The profile's name is the client's text: an argument, never part of the format.
    return FlarestackException.invalidArgument("speedscope profile %d (%s): %s", index, name, String.format(message, args));
  }

  private static final class Merged {
    final String name;
    final String unit;
    final double start;
    final Map<String, Double> weights = new LinkedHashMap<>();

    Merged(String name, String unit, double start) {
      this.name = name;
      this.unit = unit;
      this.start = start;
    }
  }
}
