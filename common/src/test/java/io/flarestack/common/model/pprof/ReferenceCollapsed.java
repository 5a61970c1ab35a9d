package io.flarestack.common.model.pprof;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The committed outputs of {@code tools/pprof_summary.py --collapsed} under src/test/resources. */
final class ReferenceCollapsed {
  private ReferenceCollapsed() {}

  /** The non-empty lines of a committed expected collapsed file. */
  static List<String> lines(String resource) {
    try (InputStream in = ReferenceCollapsed.class.getResourceAsStream("/pprof-collapsed/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (String l : text.split("\n")) {
        if (!l.isEmpty()) {
          lines.add(l);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Collapsed lines ({@code stack value}) as stack -> value. */
  static Map<String, Long> toMap(List<String> lines) {
    Map<String, Long> m = new HashMap<>();
    for (String l : lines) {
      int sp = l.lastIndexOf(' ');
      m.merge(l.substring(0, sp), Long.parseLong(l.substring(sp + 1)), Long::sum);
    }
    return m;
  }
}
