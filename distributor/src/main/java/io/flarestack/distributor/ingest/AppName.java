package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code name} parameter of {@code /ingest}: {@code app.name{key=value,...}} (Pyroscope's
 * legacy label-set syntax). The application name may use {@code [A-Za-z0-9_.\-/]} and has no
 * empty dot-separated part (so not {@code .} or {@code ..}); keys {@code [A-Za-z0-9_.]}; values
 * are taken verbatim (trimmed of spaces, quotes kept, as Pyroscope does) and end at {@code ,} or
 * {@code }}; a pair with an empty value is dropped; {@code {}} and a trailing comma are fine.
 *
 * <p>Stricter than Pyroscope, which ignores what it cannot read: the whole text must parse, so
 * an unterminated {@code {...}, text after the closing brace, a pair without {@code =}, an empty
 * pair, a key given twice, and values with control characters (other than tab) or U+FFFD (what
 * the server's URL decoding makes of bytes that are not UTF-8) are refused, each with a message
 * naming the problem.
 *
 * @param name the application name (before {@code {})
 * @param labels the pairs inside the braces, in order of appearance
 */
public record AppName(String name, Map<String, String> labels) {
  private static final int PREVIEW = 200;

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
      throw invalid("service name is required: %s", preview(text));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isNameChar(c)) {
        throw invalid("invalid service name: %s: character is not allowed: %s", preview(name), describe(c));
      }
    }
    if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      throw invalid("invalid service name: %s: a dot-separated part is empty", preview(name));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0) {
      parseLabels(text, brace + 1, labels);
    }
    return new AppName(name, labels);
  }

  // From just after '{' to the end of text, which must be the closing '}' and blanks.
  private static void parseLabels(String text, int from, Map<String, String> labels) {
    Set<String> seen = new HashSet<>();
    int i = from;
    while (true) {
      int keyEnd = indexOfAny(text, i, "=,}");
      if (keyEnd < 0) {
        throw invalid("the label set is not closed with '}': %s", preview(text));
      }
      String key = text.substring(i, keyEnd).strip();
      char stop = text.charAt(keyEnd);
      if (stop != '=') {
        if (!key.isEmpty()) {
          throw invalid("label %s has no value (expected key=value): %s", preview(key), preview(text));
        }
        if (stop == ',') {
          throw invalid("the label set has an empty pair (two commas, or a comma after '{'): %s", preview(text));
        }
        i = keyEnd + 1; // '}' right after '{' or after a trailing comma
        break;
      }
      validateKey(key);
      if (!seen.add(key)) {
        throw invalid("label %s is given twice: %s", key, preview(text));
      }
      int valueEnd = indexOfAny(text, keyEnd + 1, ",}");
      if (valueEnd < 0) {
        throw invalid("the label set is not closed with '}': %s", preview(text));
      }
      String value = text.substring(keyEnd + 1, valueEnd).strip();
      validateValue(key, value);
      if (!value.isEmpty()) {
        labels.put(key, value);
      }
      i = valueEnd + 1;
      if (text.charAt(valueEnd) == '}') {
        break;
      }
    }
    String rest = text.substring(i);
    if (!rest.isBlank()) {
      throw invalid("unexpected text after the label set's closing '}': %s", preview(rest.strip()));
    }
  }

  private static void validateKey(String k) {
    if (k.isEmpty()) {
      throw invalid("label name is required (a pair in {...} has no name)");
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!isKeyChar(c)) {
        throw invalid("invalid label name: %s: character is not allowed: %s", preview(k), describe(c));
      }
    }
  }

  private static void validateValue(String key, String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\uFFFD') {
        throw invalid("the value of label %s contains U+FFFD, the replacement for bytes that are not valid UTF-8;"
            + " URL-encode the name as UTF-8", key);
      }
      if (c < 0x20 && c != '\t') {
        throw invalid("the value of label %s contains the control character %s", key, describe(c));
      }
    }
  }

  private static int indexOfAny(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(char c) {
    return c >= 0x20 && c != 0x7f && c != '\uFFFD' ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private static String preview(String s) {
    return s.length() <= PREVIEW ? s : s.substring(0, PREVIEW) + "... (" + s.length() + " characters)";
  }

  private static FlarestackException invalid(String format, Object... args) {
    return FlarestackException.invalidArgument("name: " + format, args);
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
