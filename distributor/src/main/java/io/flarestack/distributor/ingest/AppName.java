package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code name} parameter of {@code /ingest}: {@code app.name{key=value,...}} (Pyroscope's
 * legacy label-set syntax). The application name may use {@code [A-Za-z0-9_.\-/]}; keys
 * {@code [A-Za-z0-9_.]}; values are taken verbatim (trimmed of spaces, quotes kept) and end at
 * {@code ,} or {@code }}. Text after the closing brace is ignored, as is an unterminated last
 * pair; a later duplicate key wins; pairs with an empty value are dropped.
 *
 * @param name the application name (before {@code {})
 * @param labels the pairs inside the braces, in order of appearance
 */
public record AppName(String name, Map<String, String> labels) {
  public AppName {
    requireNonNull(name, "name is null");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(labels, "labels is null")));
  }

  /**
   * Parses {@code text}.
   *
   * @throws FlarestackException invalid_argument {@code "name: ..."} naming the offending part
   */
  public static AppName parse(String text) {
    if (text == null || text.isBlank()) {
      throw FlarestackException.invalidArgument("name: service name is required (the name query parameter is %s)",
          text == null ? "missing" : "empty");
    }
    int brace = text.indexOf('{');
    String name = (brace < 0 ? text : text.substring(0, brace)).strip();
    if (name.isEmpty()) {
      throw FlarestackException.invalidArgument("name: service name is required: %s", text);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isNameChar(c)) {
        throw FlarestackException.invalidArgument("name: invalid service name: %s: character is not allowed: '%c'", name, c);
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0) {
      parseLabels(text, brace + 1, labels);
    }
    return new AppName(name, labels);
  }

  private static void parseLabels(String text, int from, Map<String, String> labels) {
    StringBuilder key = new StringBuilder();
    StringBuilder value = new StringBuilder();
    boolean inValue = false;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!inValue) {
        if (c == '}') {
          return;
        } else if (c == '=') {
          inValue = true;
          value.setLength(0);
        } else {
          key.append(c);
        }
        continue;
      }
      if (c == ',' || c == '}') {
        String k = key.toString().strip();
        if (!k.equals(LabelNames.METRIC_NAME)) {
          validateKey(k);
        }
        String v = value.toString().strip();
        if (v.isEmpty()) {
          labels.remove(k);
        } else {
          labels.put(k, v);
        }
        key.setLength(0);
        inValue = false;
        if (c == '}') {
          return;
        }
      } else {
        value.append(c);
      }
    }
  }

  private static void validateKey(String k) {
    if (k.isEmpty()) {
      throw FlarestackException.invalidArgument("name: label name is required (a pair in {...} has no name)");
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!isKeyChar(c)) {
        throw FlarestackException.invalidArgument("name: invalid label name: %s: character is not allowed: '%c'", k, c);
      }
    }
  }

  /** Whether a non-empty {@code profile_id} pair is present: such uploads are dropped. */
  public boolean hasProfileId() {
    String v = labels.get(LabelNames.PROFILE_ID);
    return v != null && !v.isEmpty();
  }

  /**
   * The pairs that become series labels: reserved {@code __}-prefixed keys are dropped, except
   * {@code __session_id__}.
   */
  public Map<String, String> ingestionLabels() {
    Map<String, String> out = new LinkedHashMap<>();
    labels.forEach((k, v) -> {
      if (!k.startsWith("__") || k.equals(LabelNames.SESSION_ID)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  }

  private static boolean isNameChar(char c) {
    return isKeyChar(c) || c == '-' || c == '/';
  }
}
