package io.flarestack.common.edge;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** Reads samples out of Prometheus text exposition. */
final class Scrape {
  private final String text;

  Scrape(String text) {
    this.text = text;
  }

  /** The value of the sample with exactly this name and these labels ({@code k1, v1, k2, v2, …}). */
  OptionalDouble value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String sampleName = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      if (!sampleName.equals(name)) {
        continue;
      }
      Map<String, String> got = new HashMap<>();
      if (brace >= 0) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        for (String pair : body.split(",(?=[a-zA-Z_]+=\")")) {
          int eq = pair.indexOf('=');
          got.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
      }
      if (got.equals(wanted)) {
        return OptionalDouble.of(Double.parseDouble(line.substring(space + 1)));
      }
    }
    return OptionalDouble.empty();
  }

  boolean contains(String s) {
    return text.contains(s);
  }

  @Override
  public String toString() {
    return text;
  }
}
